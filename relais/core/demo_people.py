"""The demo's people and places, in French: the agents and their teams, the
inboxes, and the shop's customers (plain data, see `relais.core.demo_data`).

A contact with a `customer_id` has an account at the shop: on the web chat the
shop vouches for their e-mail address (the widget's identity verification), in
the mobile app they are known by that customer number and give the same
address, and their mails come from that address, so those contacts end up with
one history across channels (Claire logs in on the demo shop as client-42
instead, so that the widget shows her past chat there). A contact without one
is an anonymous visitor, whose e-mail (if any) is what they typed in the
widget's leave-a-message form.
"""

from dataclasses import dataclass

DEMO_PASSWORD = "relais-demo"  # noqa: S105 (the published demo password)

WEBCHAT = "webchat"
API = "api"
EMAIL = "email"

SERVICE = "Service client"
SALES = "Ventes"
EMAIL_TEAM = "Équipe e-mail"


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
        "hugo",
        "Hugo Bernard",
        "hugo@relais.example",
        "supervisor",
        "online",
        (SERVICE, SALES, EMAIL_TEAM),
    ),
    DemoAgent("lea", "Léa Dubois", "lea@relais.example", "agent", "online", (SERVICE, EMAIL_TEAM)),
    DemoAgent("karim", "Karim Haddad", "karim@relais.example", "agent", "away", (SERVICE,)),
    DemoAgent("sophie", "Sophie Morel", "sophie@relais.example", "agent", "online", (SALES,)),
)

# Which inbox kinds each team serves: sales answers the shop's chat only, so
# Sophie sees neither the mobile app's conversations nor the mail.
# The e-mail team takes the written disputes the routing rules send it.
# Switched on for the shop's chat once the stories are played (they tell of
# the agents' day before it): the widget opens on the helpbox, and the bot
# answers new chats first.
SELF_CARE = {WEBCHAT: {"help_mode": True, "bot": {"enabled": True, "name": "Robin"}}}

TEAM_CHANNELS = {SERVICE: (WEBCHAT, API, EMAIL), SALES: (WEBCHAT,), EMAIL_TEAM: (EMAIL,)}

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
    EMAIL: (
        "Support e-mail",
        {
            "address": "support@boutique-demo.fr",
            "signature": "L'équipe du service client\nBoutique Démo",
            "acknowledgement": True,
            "form_reasons": [
                "Suivi de commande",
                "Retour ou échange",
                "Remboursement",
                "Facture",
                "Article endommagé",
                "Autre demande",
            ],
        },
    ),
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
    DemoContact("bertrand", "Bertrand Caron", "b.caron@caron-archi.example", "+33199000125",
                "C-12533"),
    DemoContact("sarah", "Sarah Lemaire", "sarah.lemaire@example.com", "+33199000126",
                "C-12587"),
    DemoContact("visiteur-belgique"),
    DemoContact("visiteur-bougies"),
)
# fmt: on
