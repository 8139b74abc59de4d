"""The demo's conversations, in French: plain data, played by
`relais.core.demo_data` through the real actions. The web chat's are here, the
mobile app's in `demo_app`, the mail's in `demo_email`; the people in
`demo_people`.
"""

from relais.conversations.models import Priority, Status
from relais.core.demo_app import APP_SCENARIOS
from relais.core.demo_email import EMAIL_SCENARIOS
from relais.core.demo_people import SALES, SERVICE, WEBCHAT
from relais.core.demo_story import Scenario, assign, customer, note, reply

# Written long-hand on purpose: the dialogue is the demo.
# fmt: off
CHAT_SCENARIOS = (
    Scenario(
        "marie", WEBCHAT, "Commande 10482 non reçue", days_ago=13, clock="09:14",
        status=Status.RESOLVED, tags=("livraison",),
        steps=(
            customer(0, "Bonjour, j'ai commandé une parka le 2 et je n'ai toujours rien reçu. "
                        "Le suivi Colissimo n'a pas bougé depuis 4 jours. Commande n° 10482."),
            reply(3, "lea", "Bonjour Marie, merci pour votre message. Je regarde le suivi de "
                            "votre commande 10482 tout de suite."),
            note(5, "lea", "Colis bloqué au centre de tri de Bonneuil. Enquête ouverte chez "
                           "Colissimo, réf. 8R-55102."),
            reply(7, "lea", "Votre colis est bloqué au centre de tri. J'ai ouvert une enquête "
                            "auprès de Colissimo : s'il n'est pas reparti sous 48 h, nous vous "
                            "renvoyons une parka gratuitement."),
            customer(9, "D'accord, merci pour la réactivité !"),
            reply(10, "lea", "Avec plaisir. Je reviens vers vous dès que j'ai la réponse du "
                             "transporteur."),
        ),
    ),
    Scenario(
        "nathalie", WEBCHAT, "Échange de taille : robe portefeuille", days_ago=12, clock="10:05",
        status=Status.RESOLVED, tags=("échange",),
        steps=(
            customer(0, "Bonjour, la robe portefeuille en 38 taille grand. Est-ce que je peux "
                        "l'échanger contre un 36 ?"),
            reply(2, "sophie", "Bonjour Nathalie, bien sûr ! L'échange est gratuit sous 30 jours. "
                               "Je vous envoie par e-mail une étiquette de retour prépayée."),
            customer(6, "Super, et le 36 est bien en stock en bleu nuit ?"),
            reply(7, "sophie", "Oui, il en reste quatre. Je vous en réserve un dès maintenant."),
        ),
    ),
    Scenario(
        "julien", WEBCHAT, "Facture au nom de ma société", days_ago=11, clock="14:22",
        status=Status.RESOLVED, tags=("facture",),
        steps=(
            customer(0, "Bonjour, j'ai besoin d'une facture au nom de ma société pour la "
                        "commande 10551 (SARL Fontaine Conseil)."),
            reply(4, "lea", "Bonjour Julien, c'est noté. Pouvez-vous me confirmer l'adresse de "
                            "facturation et votre numéro de TVA intracommunautaire ?"),
            customer(9, "12 rue des Tanneurs, 69002 Lyon. TVA FR 32 812 345 678."),
            note(10, "lea", "Facture refaite au nom de la SARL dans l'ERP, envoyée en PDF."),
            reply(11, "lea", "C'est fait : la facture corrigée vient de partir sur votre adresse "
                             "e-mail."),
            customer(13, "Reçue, merci beaucoup !"),
        ),
    ),
    Scenario(
        "antoine", WEBCHAT, "Code promo BIENVENUE10 refusé", days_ago=10, clock="11:30",
        status=Status.RESOLVED, tags=("code-promo", "avant-vente"),
        steps=(
            customer(0, "Bonjour, le code BIENVENUE10 me dit « code non valide » alors que je "
                        "viens de créer mon compte."),
            reply(2, "sophie", "Bonjour Antoine, ce code s'applique dès 50 € d'achat, hors "
                               "articles soldés. Votre panier contient deux articles soldés : "
                               "c'est pour cela qu'il est refusé."),
            customer(5, "Ah zut. Il n'y a pas moyen de l'appliquer quand même ?"),
            reply(7, "sophie", "Exceptionnellement, je vous ai créé le code MERCI10, valable sur "
                               "tout le panier jusqu'à dimanche."),
            customer(8, "Génial, merci beaucoup !"),
        ),
    ),
    Scenario(
        "isabelle", WEBCHAT, "Vase arrivé cassé", days_ago=10, clock="16:48",
        status=Status.RESOLVED, tags=("article-endommagé",), priority=Priority.HIGH,
        steps=(
            customer(0, "Bonjour, le vase en céramique reçu ce matin est arrivé en morceaux. "
                        "Le carton était enfoncé."),
            reply(3, "lea", "Bonjour Isabelle, je suis vraiment désolée. Pourriez-vous m'envoyer "
                            "une photo du vase et du carton ?"),
            customer(10, "Voilà, je viens de les envoyer par e-mail au service client."),
            note(12, "lea", "Photos reçues, casse transporteur évidente. Renvoi sans retour de "
                            "l'article, réclamation faite auprès de Colissimo."),
            reply(14, "lea", "Merci, c'est bien reçu. Un nouveau vase part demain, inutile de "
                             "nous renvoyer l'ancien."),
            customer(16, "Merci pour votre rapidité."),
        ),
    ),
    Scenario(
        "claire", WEBCHAT, "Les bottines Alma taillent-elles grand ?", days_ago=9, clock="13:10",
        status=Status.RESOLVED, tags=("avant-vente",),
        steps=(
            customer(0, "Bonjour, les bottines Alma taillent-elles grand ? Je fais du 39 en "
                        "général."),
            reply(1, "sophie", "Bonjour Claire, elles taillent normalement : prenez votre "
                               "pointure habituelle. Entre deux pointures, prenez la plus grande."),
            customer(4, "Merci, je commande en 39 alors."),
        ),
    ),
    Scenario(
        "francois", WEBCHAT, "Débité deux fois", days_ago=8, clock="17:25",
        status=Status.RESOLVED, tags=("paiement", "réclamation"), priority=Priority.HIGH,
        steps=(
            customer(0, "Bonjour, j'ai été débité deux fois de 129 € pour la même commande ! "
                        "C'est inadmissible."),
            assign(2, "karim", SERVICE),
            note(3, "hugo", "Karim, peux-tu vérifier avec la compta ? La deuxième ligne est "
                            "sans doute une pré-autorisation."),
            reply(8, "karim", "Bonjour François, je comprends votre inquiétude. Le second montant "
                              "est une pré-autorisation bancaire qui n'a pas été encaissée : "
                              "elle disparaîtra de votre compte sous 3 à 7 jours."),
            customer(12, "Vous êtes sûr ? Je ne veux pas payer deux fois."),
            reply(15, "karim", "Certain : notre prestataire de paiement confirme une seule "
                               "transaction encaissée. Si la ligne est toujours là lundi, "
                               "écrivez-nous et nous la ferons annuler."),
            customer(18, "D'accord, merci pour l'explication."),
        ),
    ),
    Scenario(
        "pierre", WEBCHAT, "Carte de fidélité perdue", days_ago=7, clock="10:40",
        status=Status.RESOLVED, tags=("fidélité",),
        steps=(
            customer(0, "Bonjour, j'ai perdu ma carte de fidélité, est-ce que je perds mes "
                        "points ?"),
            reply(5, "lea", "Bonjour Pierre, pas du tout : vos 340 points sont rattachés à votre "
                            "compte client. Vous pouvez utiliser la carte dématérialisée dans "
                            "l'application ou en demander une nouvelle en magasin."),
            customer(9, "Parfait, merci !"),
        ),
    ),
    Scenario(
        "sandrine", WEBCHAT, "Supprimer mon compte client", days_ago=6, clock="15:02",
        status=Status.RESOLVED, tags=("compte", "rgpd"),
        steps=(
            customer(0, "Bonjour, je souhaite supprimer mon compte client et toutes mes "
                        "données."),
            reply(3, "lea", "Bonjour Sandrine, c'est noté. Par sécurité, je vous envoie un lien "
                            "de confirmation par e-mail ; la suppression sera effective sous "
                            "30 jours, comme le prévoit le RGPD."),
            note(4, "lea", "Demande d'effacement transmise au DPO."),
            customer(20, "C'est confirmé, merci."),
        ),
    ),
    Scenario(
        "thomas", WEBCHAT, "Réassort du pull marin", days_ago=6, clock="12:12",
        status=Status.RESOLVED, tags=("avant-vente",),
        steps=(
            customer(0, "Bonjour, le pull marin en L sera-t-il bientôt de retour en stock ?"),
            reply(2, "sophie", "Bonjour Thomas, un réassort arrive jeudi prochain. Cliquez sur "
                               "« Me prévenir » sur la fiche produit pour recevoir un e-mail."),
            customer(4, "Merci, c'est fait."),
        ),
    ),
    Scenario(
        "gerard", WEBCHAT, "Précommande du canapé Oslo", days_ago=5, clock="14:00",
        status=Status.SNOOZED, snooze_days=3, tags=("livraison", "précommande"),
        steps=(
            customer(0, "Bonjour, mon canapé Oslo en précommande devait arriver cette semaine, "
                        "avez-vous des nouvelles ?"),
            reply(5, "sophie", "Bonjour Gérard, le fournisseur annonce une arrivée à notre "
                               "entrepôt en fin de semaine prochaine. Je vous recontacte dès "
                               "que nous avons la date de livraison chez vous."),
            note(6, "sophie", "À relancer quand le fournisseur confirme la date."),
        ),
    ),
    Scenario(
        "olivier", WEBCHAT, "Abat-jour déchiré à la livraison", days_ago=4, clock="11:20",
        status=Status.PENDING, tags=("article-endommagé",), priority=Priority.HIGH,
        steps=(
            customer(0, "Bonjour, ma lampe « Phare » est arrivée avec l'abat-jour déchiré."),
            reply(4, "lea", "Bonjour Olivier, désolée ! Pouvez-vous m'envoyer une photo de "
                            "l'abat-jour et de l'étiquette du colis ? Je lance le remplacement "
                            "dès réception."),
        ),
    ),
    Scenario(
        "chloe", WEBCHAT, "Retour déposé en point relais", days_ago=4, clock="16:00",
        status=Status.SNOOZED, snooze_days=2, tags=("retour",),
        steps=(
            customer(0, "Bonjour, j'ai déposé mon retour chez Mondial Relay il y a 5 jours, "
                        "vous l'avez reçu ?"),
            reply(3, "lea", "Bonjour Chloé, le colis est en route vers notre entrepôt, arrivée "
                            "prévue jeudi. Je vous confirme la réception et le remboursement à "
                            "ce moment-là."),
        ),
    ),
    Scenario(
        "david", WEBCHAT, "Devis pour 40 t-shirts brodés", days_ago=3, clock="10:15",
        status=Status.PENDING, tags=("avant-vente", "devis"),
        steps=(
            customer(0, "Bonjour, nous voudrions commander 40 t-shirts brodés au logo de notre "
                        "association. Faites-vous des tarifs de groupe ?"),
            assign(1, "", SALES),
            reply(6, "sophie", "Bonjour David, oui : -15 % dès 30 pièces, broderie comprise. "
                               "Pouvez-vous m'envoyer votre logo en vectoriel (SVG ou PDF) pour "
                               "que je prépare le devis ?"),
            customer(9, "Je demande au graphiste et je reviens vers vous."),
            reply(10, "sophie", "Très bien, je reste à votre disposition."),
        ),
    ),
    Scenario(
        "francois", WEBCHAT, "Pré-autorisation disparue", days_ago=3, clock="09:05",
        status=Status.RESOLVED, tags=("paiement",),
        steps=(
            customer(0, "Bonjour, juste pour vous dire que la pré-autorisation a bien disparu. "
                        "Merci encore."),
            reply(6, "karim", "Merci pour votre retour, François, bonne journée !"),
        ),
    ),
    Scenario(
        "nathalie", WEBCHAT, "Mauvaise couleur reçue après échange", days_ago=1, clock="17:50",
        status=Status.OPEN, tags=("échange", "réclamation"), priority=Priority.HIGH,
        steps=(
            customer(0, "Re-bonjour, j'ai bien reçu la robe d'échange mais elle est rouge et "
                        "non bleu nuit comme prévu !"),
            reply(4, "sophie", "Oh non, toutes mes excuses Nathalie. Je vérifie avec l'entrepôt "
                               "ce qui s'est passé."),
            note(6, "sophie", "Erreur de préparation à l'entrepôt. Voir avec la logistique pour "
                              "un renvoi express."),
            customer(30, "Du coup, je la renvoie comment ?"),
        ),
    ),
    Scenario(
        "elodie", WEBCHAT, "Paiement refusé", days_ago=1, clock="11:05",
        status=Status.OPEN, tags=("paiement",), priority=Priority.HIGH,
        steps=(
            customer(0, "Bonjour, mon paiement est refusé à chaque fois alors que ma carte "
                        "fonctionne ailleurs."),
            reply(2, "lea", "Bonjour Élodie, cela vient souvent de la validation 3-D Secure. "
                            "Avez-vous reçu une notification de votre banque au moment du "
                            "paiement ?"),
            customer(6, "Non, rien du tout."),
            reply(8, "lea", "Je vois trois tentatives refusées par votre banque. Essayez avec "
                            "PayPal, ou contactez votre banque pour autoriser les paiements en "
                            "ligne."),
            customer(12, "Avec PayPal ça a marché, merci ! La livraison express est-elle "
                         "toujours possible pour samedi ?"),
        ),
    ),
    Scenario(
        "mehdi", WEBCHAT, "Réserver un article en magasin", days_ago=1, clock="15:40",
        status=Status.SNOOZED, snooze_days=1, tags=("avant-vente", "magasin"),
        steps=(
            customer(0, "Bonjour, est-ce que je peux réserver la veste Milo en M au magasin de "
                        "Villeurbanne ?"),
            reply(5, "karim", "Bonjour Mehdi, le magasin la reçoit demain matin. Je vous "
                              "confirme la réservation dès qu'elle est en rayon."),
        ),
    ),
    Scenario(
        "emma", WEBCHAT, "Fermeture éclair cassée", minutes_ago=360,
        status=Status.OPEN, tags=("article-endommagé", "retour"),
        steps=(
            customer(0, "Bonjour, la fermeture éclair de mon blouson s'est cassée au bout de "
                        "deux semaines."),
            reply(4, "lea", "Bonjour Emma, c'est couvert par la garantie. Souhaitez-vous un "
                            "échange ou un remboursement ?"),
            customer(15, "Un échange s'il vous plaît, même taille (S)."),
        ),
    ),
    Scenario(
        "audrey", WEBCHAT, "Changement d'adresse avant déménagement", minutes_ago=180,
        status=Status.OPEN, tags=("changement-adresse",), priority=Priority.HIGH,
        steps=(
            customer(0, "Bonjour, je déménage samedi : pouvez-vous livrer ma commande 10944 "
                        "au 27 rue Nationale, 37000 Tours ?"),
            assign(3, "", SERVICE),
        ),
    ),
    Scenario(
        "ines", WEBCHAT, "Colis livré mais introuvable", minutes_ago=120,
        status=Status.OPEN, tags=("livraison",), priority=Priority.URGENT,
        steps=(
            customer(0, "Bonjour, ma commande 10951 est marquée livrée mais le colis n'est pas "
                        "dans ma boîte aux lettres."),
            customer(2, "C'est un cadeau pour demain, c'est urgent !"),
            assign(5, "", SERVICE),
        ),
    ),
    Scenario(
        "romain", WEBCHAT, "Solde de ma carte cadeau", minutes_ago=95,
        status=Status.OPEN, tags=("carte-cadeau",),
        steps=(
            customer(0, "Bonjour, comment connaître le solde de ma carte cadeau ?"),
            assign(10, "karim", SERVICE),
            reply(12, "karim", "Bonjour Romain, il vous reste 35 € sur la carte se terminant par "
                               "4417. Vous pouvez l'utiliser en ligne et en magasin."),
            customer(20, "Et elle est valable jusqu'à quand ?"),
        ),
    ),
    Scenario(
        "yasmine", WEBCHAT, "Code NOEL20 refusé", minutes_ago=50,
        status=Status.OPEN, tags=("code-promo",),
        steps=(
            customer(0, "Bonjour, le code NOEL20 ne fonctionne pas sur mon panier."),
        ),
    ),
    Scenario(
        "lucas", WEBCHAT, "Impossible de me connecter", minutes_ago=25,
        status=Status.OPEN, tags=("compte",),
        steps=(
            customer(0, "Bonjour, je n'arrive plus à me connecter à mon compte, le mot de "
                        "passe est refusé."),
            customer(1, "J'ai laissé mon adresse e-mail, vous pouvez me répondre dessus."),
        ),
    ),
    Scenario(
        "visiteur-bougies", WEBCHAT, "Bougies fabriquées en France ?", minutes_ago=14,
        status=Status.OPEN, tags=("avant-vente",),
        steps=(
            customer(0, "Bonjour, vos bougies parfumées sont-elles fabriquées en France ?"),
            assign(2, "", SALES),
        ),
    ),
    Scenario(
        "visiteur-belgique", WEBCHAT, "Livraison en Belgique", minutes_ago=6,
        status=Status.OPEN,
        steps=(
            customer(0, "Bonjour, est-ce que vous livrez en Belgique ? Et en combien de temps ?"),
        ),
    ),
)
# fmt: on

SCENARIOS = (*CHAT_SCENARIOS, *APP_SCENARIOS, *EMAIL_SCENARIOS)
