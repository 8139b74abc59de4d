"""The demo's conversations in the shop's mobile app (the API channel), in
French: plain data, played by `relais.core.demo_data`."""

from relais.conversations.models import Priority, Status
from relais.core.demo_people import API
from relais.core.demo_story import Scenario, customer, note, reply

# fmt: off
APP_SCENARIOS = (
    Scenario(
        "thomas", API, "Remboursement du retour 10377", days_ago=12, clock="18:40",
        status=Status.RESOLVED, tags=("remboursement", "retour"),
        steps=(
            customer(0, "Bonjour, j'ai renvoyé deux chemises il y a trois semaines et je n'ai "
                        "toujours pas été remboursé."),
            reply(12, "karim", "Bonjour Thomas, votre retour a bien été réceptionné à notre "
                               "entrepôt le 28. Le remboursement de 79,80 € part aujourd'hui ; "
                               "comptez 3 à 5 jours ouvrés selon votre banque."),
            customer(15, "Parfait, merci."),
        ),
    ),
    Scenario(
        "chloe", API, "Points fidélité non crédités", days_ago=11, clock="20:15",
        status=Status.RESOLVED, tags=("fidélité",),
        steps=(
            customer(0, "Bonjour, les points de fidélité de ma dernière commande n'apparaissent "
                        "pas dans l'appli."),
            reply(40, "karim", "Bonjour Chloé, les points sont crédités 14 jours après la "
                               "livraison, une fois le délai de rétractation passé. Les vôtres "
                               "arriveront le 21."),
            customer(55, "Ah d'accord, je ne savais pas. Merci !"),
        ),
    ),
    Scenario(
        "mehdi", API, "Erreur d'adresse de livraison", days_ago=9, clock="08:55",
        status=Status.RESOLVED, tags=("changement-adresse",),
        steps=(
            customer(0, "Bonjour, je viens de passer la commande 10701 mais je me suis trompé "
                        "d'adresse : c'est 8 avenue Jean-Jaurès à Villeurbanne, pas à Lyon."),
            reply(6, "karim", "Bonjour Mehdi, la commande n'est pas encore partie : j'ai corrigé "
                              "l'adresse. Vous allez recevoir un nouvel e-mail de confirmation."),
            customer(8, "Top, merci !"),
        ),
    ),
    Scenario(
        "emma", API, "Colis indiqué livré mais pas reçu", days_ago=8, clock="21:03",
        status=Status.RESOLVED, tags=("livraison",), priority=Priority.HIGH,
        steps=(
            customer(0, "Le suivi dit « livré » mais je n'ai rien reçu ! Commande 10688."),
            reply(720, "lea", "Bonjour Emma, désolée pour ce contretemps. Le transporteur "
                              "indique une livraison en point relais et non à domicile : votre "
                              "colis vous attend au tabac des Halles, 5 place des Halles."),
            customer(760, "Ah, je n'avais pas vu l'avis de passage. Je vais le chercher, merci."),
        ),
    ),
    Scenario(
        "romain", API, "Échanger un jean en magasin", days_ago=7, clock="19:20",
        status=Status.RESOLVED, tags=("échange",),
        steps=(
            customer(0, "Bonjour, le jean est trop petit, je peux l'échanger en magasin ?"),
            reply(15, "karim", "Bonjour Romain, oui : les échanges en magasin sont possibles sous "
                               "30 jours avec l'e-mail de confirmation de commande."),
        ),
    ),
    Scenario(
        "yasmine", API, "Remboursement toujours pas reçu", days_ago=5, clock="09:45",
        status=Status.RESOLVED, tags=("remboursement",),
        steps=(
            customer(0, "Bonjour, on m'a annoncé un remboursement il y a 10 jours et je n'ai "
                        "toujours rien sur mon compte."),
            note(8, "karim", "Virement rejeté par la banque de la cliente. Relancé sur sa carte."),
            reply(10, "karim", "Bonjour Yasmine, le virement avait été rejeté par votre banque. "
                               "Je l'ai relancé sur votre carte : vous le verrez sous 48 h."),
            customer(30, "Merci de votre aide."),
        ),
    ),
    Scenario(
        "manon", API, "Retour après 35 jours", days_ago=3, clock="18:30",
        status=Status.PENDING, tags=("retour",),
        steps=(
            customer(0, "Bonjour, je voudrais retourner un manteau acheté il y a 35 jours, il "
                        "n'a jamais été porté."),
            note(10, "karim", "Hors délai de 5 jours. Hugo, on fait un geste ?"),
            note(25, "hugo", "D'accord pour accepter le retour à titre exceptionnel."),
            reply(30, "karim", "Bonjour Manon, le délai de retour est de 30 jours, mais nous "
                               "acceptons exceptionnellement votre retour. L'étiquette est-elle "
                               "toujours attachée au manteau ?"),
        ),
    ),
    Scenario(
        "gerard", API, "Avantages de la carte Or", days_ago=3, clock="20:10",
        status=Status.RESOLVED, tags=("fidélité",),
        steps=(
            customer(0, "Bonsoir, je suis passé carte Or, qu'est-ce que ça change ?"),
            reply(55, "lea", "Bonsoir Gérard, félicitations ! La carte Or vous donne la livraison "
                             "offerte sans minimum, 10 % de points en plus et un accès anticipé "
                             "aux soldes."),
            customer(70, "Très bien, merci."),
        ),
    ),
    Scenario(
        "ines", API, "Code promo d'anniversaire", days_ago=2, clock="20:40",
        status=Status.PENDING, tags=("code-promo",),
        steps=(
            customer(0, "Bonjour, je n'ai pas reçu mon code anniversaire cette année."),
            reply(30, "lea", "Bonjour Inès, il est envoyé le jour de votre anniversaire à "
                             "l'adresse de votre compte. Pouvez-vous vérifier vos courriers "
                             "indésirables et me confirmer votre date de naissance ?"),
        ),
    ),
    Scenario(
        "marie", API, "Commande 10890 toujours en préparation", days_ago=2, clock="11:00",
        status=Status.OPEN, tags=("livraison",),
        steps=(
            customer(0, "Bonjour, ma commande 10890 est « en préparation » depuis 3 jours, "
                        "c'est normal ?"),
            reply(20, "karim", "Bonjour Marie, elle contient un article en réassort qui arrive "
                               "demain à l'entrepôt ; l'expédition suivra dans la journée."),
            customer(35, "D'accord. Et vous pouvez envoyer le reste tout de suite ?"),
        ),
    ),
    Scenario(
        "julien", API, "Facture absente de l'espace client", days_ago=1, clock="08:30",
        status=Status.OPEN, tags=("facture",),
        steps=(
            customer(0, "Bonjour, la facture de ma commande 10922 n'apparaît pas dans mon "
                        "espace client."),
            reply(25, "lea", "Bonjour Julien, elle est générée à l'expédition, prévue "
                             "aujourd'hui. Elle sera disponible dès ce soir."),
            customer(600, "Toujours rien ce soir… le colis est pourtant parti."),
        ),
    ),
    Scenario(
        "isabelle", API, "Supprimer une carte enregistrée", days_ago=1, clock="21:15",
        status=Status.RESOLVED, tags=("compte",),
        steps=(
            customer(0, "Bonsoir, comment je supprime ma vieille carte bancaire de l'appli ?"),
            reply(700, "karim", "Bonjour Isabelle, dans Mon compte > Moyens de paiement, "
                                "faites glisser la carte vers la gauche puis touchez Supprimer."),
            customer(720, "Trouvé, merci."),
        ),
    ),
    Scenario(
        "mehdi", API, "L'application plante au lancement", minutes_ago=35,
        status=Status.OPEN, tags=("compte", "bug-appli"),
        steps=(
            customer(0, "L'application se ferme toute seule au lancement depuis la mise à "
                        "jour d'hier."),
            note(6, "hugo", "Troisième signalement aujourd'hui, transmis à l'équipe mobile."),
        ),
    ),
)
# fmt: on
