import pytest

from relais.knowledge.actions import create_article
from tests.factories import make_inbox, make_team

ARTICLES = [
    ("Suivre ma commande", "Le lien de suivi du colis est dans l'e-mail d'expédition. "
     "La livraison prend trois à cinq jours ouvrés.",
     ["Où est ma commande ?", "suivi de colis", "mon colis n'est pas arrivé"]),
    ("Annuler ma commande", "Une commande s'annule depuis votre compte tant qu'elle "
     "n'est pas expédiée.", ["annuler une commande", "je veux annuler ma commande"]),
    ("Retourner un article", "Vous avez 30 jours pour retourner un article et être "
     "remboursé.", ["retour produit", "me faire rembourser"]),
    ("Changer mon mot de passe", "Cliquez sur « mot de passe oublié » sur la page de "
     "connexion.", ["mot de passe oublié", "réinitialiser le mot de passe"]),
]  # fmt: skip


@pytest.fixture
def articles(db):
    return {
        title: create_article(
            title=title, body=body, locale="fr", status="published", questions=questions
        )
        for title, body, questions in ARTICLES
    }


@pytest.fixture
def bot_inbox(db):
    return make_inbox("webchat", name="Chat avec bot", bot={"enabled": True, "name": "Robin"})


@pytest.fixture
def bot_team(bot_inbox):
    return make_team("Support bot", inboxes=[bot_inbox])
