"""The demo's conversations by e-mail (support@boutique-demo.fr), in French:
plain data, played by `relais.core.demo_data`. Each customer step is a real
mail, parsed and threaded by the e-mail connector (see
`demo_channels.customer_mail`): the photos are attachments of that mail, a
follow-up answers the latest mail of its thread, an out-of-office carries
Auto-Submitted.

Isabelle sends by mail the photos she promised on the chat; Pierre's mailbox
answers the agent with an out-of-office after the conversation is resolved
(it must not reopen); Marie writes again with a new subject while her return
is pending (a new conversation, the same contact, whose chat and app history
show beside it).
"""

from relais.conversations.models import Priority, Status
from relais.core.demo_people import EMAIL, SERVICE
from relais.core.demo_story import Scenario, assign, auto_reply, customer, note, reply, set_status

# Written long-hand on purpose: the dialogue is the demo.
# fmt: off
EMAIL_SCENARIOS = (
    Scenario(
        "isabelle", EMAIL, "Photos du vase cassé", days_ago=10, clock="16:58",
        status=Status.RESOLVED, tags=("article-endommagé",), priority=Priority.HIGH,
        steps=(
            customer(0, "Bonjour,\n\nComme convenu sur le chat, voici les photos du vase et du "
                        "carton, qui était enfoncé sur un côté.\n\nCordialement,\n"
                        "Isabelle Chevalier", files=("vase-casse.png", "carton.png")),
            assign(1, "lea", SERVICE),
            note(2, "lea", "Photos jointes à la réclamation Colissimo. Réponse faite sur le "
                           "chat : un nouveau vase part demain."),
        ),
    ),
    Scenario(
        "pierre", EMAIL, "Commande 10867 toujours pas livrée", days_ago=7, clock="18:40",
        status=Status.RESOLVED, tags=("livraison",),
        steps=(
            customer(0, "Bonjour,\n\nMa commande 10867 devait arriver vendredi et le suivi "
                        "n'a pas bougé depuis cinq jours. Pouvez-vous me dire où elle en est ?"
                        "\n\nMerci,\nPierre Blanc"),
            reply(840, "karim", "Bonjour Pierre,\n\nLe transporteur a égaré votre colis entre "
                                "deux agences. Nous vous avons renvoyé la commande ce matin en "
                                "Colissimo Expert : vous la recevrez demain avant 13 h.\n\n"
                                "Si le premier colis finit par arriver, gardez-le de côté : nous "
                                "vous enverrons une étiquette pour nous le retourner "
                                "gratuitement.\n\nToutes nos excuses pour ce retard."),
            set_status(841, "karim", Status.RESOLVED),
            auto_reply(842, "Bonjour,\n\nJe suis en congés jusqu'à lundi prochain et ne "
                            "consulte pas mes e-mails. Je vous répondrai à mon retour."
                            "\n\nPierre Blanc"),
        ),
    ),
    Scenario(
        "marie", EMAIL, "Retour de la parka reçue en double", days_ago=5, clock="19:05",
        status=Status.PENDING, tags=("retour",),
        steps=(
            customer(0, "Bonjour,\n\nLe colis bloqué de ma commande 10482 a fini par arriver, "
                        "en plus de la parka que vous m'aviez renvoyée : j'en ai donc deux. "
                        "Comment puis-je vous retourner celle en trop ?\n\nBonne soirée,\n"
                        "Marie Lefebvre"),
            reply(870, "lea", "Bonjour Marie,\n\nMerci beaucoup pour votre honnêteté ! Voici "
                              "votre étiquette de retour prépayée, à imprimer et coller sur le "
                              "colis : https://boutique-demo.fr/retours/R-20931\n\nVous pouvez "
                              "le déposer dans n'importe quel point Mondial Relay."),
            customer(930, "Merci, c'est noté. Je le dépose samedi matin.\n\nMarie"),
            reply(945, "lea", "Parfait, merci Marie. Bon week-end !"),
        ),
    ),
    Scenario(
        "bertrand", EMAIL, "Facture pour la commande 10958", days_ago=2, clock="10:20",
        status=Status.PENDING, tags=("facture",),
        steps=(
            customer(0, "Bonjour,\n\nPourriez-vous m'envoyer une facture au nom du cabinet pour "
                        "la commande 10958 (deux lampes de bureau) ? Notre comptable en a besoin "
                        "pour la clôture du mois.\n\nCabinet Caron Architecture\n"
                        "4 quai de la Fosse, 44000 Nantes\n\nBien cordialement,\nBertrand Caron"),
            reply(50, "lea", "Bonjour Monsieur Caron,\n\nAvec plaisir. Pour établir la facture "
                             "au nom du cabinet, il nous manque votre numéro de TVA "
                             "intracommunautaire : pouvez-vous nous le communiquer en réponse "
                             "à ce message ?"),
        ),
    ),
    Scenario(
        "sarah", EMAIL, "Demande de remboursement : pull abîmé", minutes_ago=150,
        status=Status.OPEN, tags=("remboursement", "article-endommagé"),
        steps=(
            customer(0, "Bonjour,\n\nLe pull en laine reçu hier a un accroc sur la manche "
                        "gauche (photo jointe). Je souhaiterais être remboursée.\n\n"
                        "Cordialement,\nSarah Lemaire", files=("pull-accroc.png",)),
            assign(10, "karim", SERVICE),
            reply(18, "karim", "Bonjour Sarah,\n\nDésolé pour ce défaut. Préférez-vous un "
                               "remboursement ou un échange ? La même taille est en stock. "
                               "Dans les deux cas, le retour est à nos frais."),
            customer(52, "Un remboursement, s'il vous plaît.\n\nSarah"),
        ),
    ),
    Scenario(
        "marie", EMAIL, "Carte cadeau pour l'anniversaire de ma sœur", minutes_ago=40,
        status=Status.OPEN, tags=("carte-cadeau",),
        steps=(
            customer(0, "Bonjour,\n\nJe voudrais offrir une carte cadeau de 50 € à ma sœur pour "
                        "son anniversaire samedi. Peut-elle la recevoir directement par e-mail, "
                        "avec un petit mot de ma part ?\n\nMerci,\nMarie Lefebvre"),
        ),
    ),
)
# fmt: on
