import pytest

from relais.connectors.webchat.actions import receive_visitor_message
from relais.connectors.webchat.visitors import Visitor
from relais.conversations.models import Message
from relais.knowledge.actions import create_article
from tests.factories import make_inbox, make_team

ARTICLES = [
    ("Suivre ma commande", "Le lien de suivi du colis est dans l'e-mail d'expédition. "
     "La livraison prend trois à cinq jours ouvrés.",
     ["Où est ma commande ?", "suivi de colis", "mon colis n'est pas arrivé"]),
    ("Annuler ma commande", "Une commande s'annule depuis votre compte tant qu'elle "
     "n'est pas expédiée.", ["annuler une commande", "je veux annuler ma commande"]),
    ("Modifier ma commande", "Changez l'adresse ou le contenu d'une commande avant son "
     "expédition.", ["modifier une commande", "changer ma commande"]),
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


@pytest.fixture
def say(django_capture_on_commit_callbacks):
    """A visitor of the bot inbox writes (or clicks a button); the bot's task
    runs once the message is committed, as in production."""

    def say(inbox, body, *, visitor="v-1", payload="", client=[0]):  # noqa: B006 (a counter)
        client[0] += 1
        person = Visitor(inbox_id=inbox.pk, visitor_id=visitor)
        with django_capture_on_commit_callbacks(execute=True):
            result = receive_visitor_message(person, body, f"c{client[0]}", payload=payload)
        result.conversation.refresh_from_db()
        return result.conversation

    return say


def bot_messages(conversation):
    return list(
        Message.objects.filter(conversation=conversation, direction="out", kind="message")
        .exclude(metadata__bot=None)
        .order_by("id")
    )
