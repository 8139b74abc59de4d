"""The demo's people and conversations, in French: plain data, played by
`relais.core.demo_data` through the real actions.

A scenario is one conversation as it happened: the customer's messages, the
agents' answers and notes, minute by minute from when the customer first wrote.
Agents and teams are named by key.

A contact with a `customer_id` has an account at the shop: on the web chat the
shop vouches for their e-mail address (the widget's identity verification), in
the mobile app they are known by that customer number and give the same
address, so those contacts end up with one history across channels (Claire
logs in on the demo shop as client-42 instead, so that the widget shows her
past chat there). A contact without one is an anonymous visitor, whose e-mail
(if any) is what they typed in the widget's leave-a-message form.
"""

from dataclasses import dataclass

from relais.conversations.models import Priority, Status

DEMO_PASSWORD = "relais-demo"  # noqa: S105 (the published demo password)

WEBCHAT = "webchat"
API = "api"

SERVICE = "Service client"
SALES = "Ventes"


@dataclass(frozen=True)
class DemoAgent:
    key: str
    name: str
    email: str
    role: str
    presence: str
    teams: tuple[str, ...] = ()


AGENTS = (
    DemoAgent("camille", "Camille Laurent", "camille@relais.example", "admin", "offline"),
    DemoAgent(
        "hugo", "Hugo Bernard", "hugo@relais.example", "supervisor", "online", (SERVICE, SALES)
    ),
    DemoAgent("lea", "Léa Dubois", "lea@relais.example", "agent", "online", (SERVICE,)),
    DemoAgent("karim", "Karim Haddad", "karim@relais.example", "agent", "away", (SERVICE,)),
    DemoAgent("sophie", "Sophie Morel", "sophie@relais.example", "agent", "online", (SALES,)),
)

# Which inbox kinds each team serves: sales answers the shop's chat only, so
# Sophie does not see the mobile app's conversations.
TEAM_CHANNELS = {SERVICE: (WEBCHAT, API), SALES: (WEBCHAT,)}

INBOXES = {
    WEBCHAT: (
        "Chat boutique",
        {
            "greeting": "Bonjour ! Une question sur une commande ou un article ? "
            "Nous vous répondons en quelques minutes.",
            "color": "#b5452f",
        },
    ),
    API: ("Application mobile", {}),
}


@dataclass(frozen=True)
class DemoContact:
    key: str
    name: str = ""
    email: str = ""
    phone: str = ""  # from the 01 99 00 range ARCEP reserves for fiction
    customer_id: str = ""  # the shop's customer number; empty for an anonymous visitor
    # The user id the demo shop's "log in" link passes to the widget: this
    # customer's chat is verified by that id rather than by e-mail.
    shop_login: str = ""


# fmt: off
CONTACTS = (
    DemoContact("marie", "Marie Lefebvre", "marie.lefebvre@example.com", "+33199000101", "C-10231"),
    DemoContact("thomas", "Thomas Girard", "thomas.girard@example.com", "+33199000102", "C-10457"),
    DemoContact("nathalie", "Nathalie Roux", "nathalie.roux@example.com", "+33199000103",
                "C-10588"),
    DemoContact("julien", "Julien Fontaine", "julien.fontaine@example.com", "+33199000104",
                "C-10612"),
    DemoContact("chloe", "Chloé Mercier", "chloe.mercier@example.com", "+33199000105", "C-10734"),
    DemoContact("antoine", "Antoine Lambert", "antoine.lambert@example.com", "", "C-10802"),
    DemoContact("isabelle", "Isabelle Chevalier", "isabelle.chevalier@example.com",
                "+33199000107", "C-10919"),
    DemoContact("mehdi", "Mehdi Benali", "mehdi.benali@example.com", "+33199000108", "C-11026"),
    DemoContact("claire", "Claire Dupont", "claire.dupont@example.com", "", "C-11140",
                shop_login="client-42"),
    DemoContact("francois", "François Garnier", "francois.garnier@example.com", "+33199000110",
                "C-11275"),
    DemoContact("emma", "Emma Petit", "emma.petit@example.com", "+33199000111", "C-11389"),
    DemoContact("lucas", "", "lucas.moreau@example.com"),
    DemoContact("ines", "Inès Rousseau", "ines.rousseau@example.com", "+33199000113", "C-11502"),
    DemoContact("pierre", "Pierre Blanc", "pierre.blanc@example.com", "+33199000114", "C-11617"),
    DemoContact("sandrine", "Sandrine Faure", "sandrine.faure@example.com", "", "C-11733"),
    DemoContact("yasmine", "Yasmine Cherif", "yasmine.cherif@example.com", "+33199000116",
                "C-11840"),
    DemoContact("olivier", "Olivier Bonnet", "olivier.bonnet@example.com", "+33199000117",
                "C-11956"),
    DemoContact("manon", "Manon Guérin", "manon.guerin@example.com", "+33199000118", "C-12063"),
    DemoContact("romain", "Romain Perrin", "romain.perrin@example.com", "+33199000119", "C-12171"),
    DemoContact("audrey", "", "audrey.marchand@example.com"),
    DemoContact("david", "David Lemoine", "david.lemoine@example.com", "+33199000121", "C-12298"),
    DemoContact("elodie", "Élodie Fabre", "elodie.fabre@example.com", "+33199000122", "C-12345"),
    DemoContact("gerard", "Gérard Vidal", "gerard.vidal@example.com", "+33199000124", "C-12410"),
    DemoContact("visiteur-belgique"),
    DemoContact("visiteur-bougies"),
)
# fmt: on


@dataclass(frozen=True)
class Step:
    """One thing that happened, `at` minutes after the customer first wrote."""

    at: int
    action: str  # customer | reply | note | assign
    body: str = ""
    agent: str = ""  # who replies or notes; for assign, the new assignee ("" for none)
    team: str = ""  # for assign: the team the conversation goes to


def customer(at: int, body: str) -> Step:
    return Step(at, "customer", body)


def reply(at: int, agent: str, body: str) -> Step:
    return Step(at, "reply", body, agent)


def note(at: int, agent: str, body: str) -> Step:
    return Step(at, "note", body, agent)


def assign(at: int, agent: str = "", team: str = "") -> Step:
    """The supervisor dispatches the conversation to an agent and/or a team."""
    return Step(at, "assign", agent=agent, team=team)


@dataclass(frozen=True)
class Scenario:
    contact: str
    channel: str
    subject: str
    steps: tuple[Step, ...]
    # When the customer first wrote: `clock` (HH:MM, local time) `days_ago`,
    # or `minutes_ago` for today's conversations.
    days_ago: int = 0
    clock: str = ""
    minutes_ago: int = 0
    status: str = Status.OPEN
    tags: tuple[str, ...] = ()
    priority: int = Priority.NORMAL
    snooze_days: int = 0


# Written long-hand on purpose: the dialogue is the demo.
# fmt: off
SCENARIOS = (
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
        "romain", API, "Échanger un jean en magasin", days_ago=7, clock="19:20",
        status=Status.RESOLVED, tags=("échange",),
        steps=(
            customer(0, "Bonjour, le jean est trop petit, je peux l'échanger en magasin ?"),
            reply(15, "karim", "Bonjour Romain, oui : les échanges en magasin sont possibles sous "
                               "30 jours avec l'e-mail de confirmation de commande."),
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
        "mehdi", API, "L'application plante au lancement", minutes_ago=35,
        status=Status.OPEN, tags=("compte", "bug-appli"),
        steps=(
            customer(0, "L'application se ferme toute seule au lancement depuis la mise à "
                        "jour d'hier."),
            note(6, "hugo", "Troisième signalement aujourd'hui, transmis à l'équipe mobile."),
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
