"""The bot's handover when no agent can take the chat: it says so, asks a web
chat visitor for an e-mail address, and the conversation still waits in the
queue. Through the real actions, as tests/bot/test_actions.py."""

import pytest

from relais.connectors.webchat.actions import receive_visitor_message
from relais.connectors.webchat.visitors import Visitor
from relais.conversations.actions import receive_message
from relais.conversations.models import Conversation, Message, MessageKind
from relais.conversations.realtime import message_payload
from relais.core.models import Event
from relais.routing.live import waiting_conversations
from relais.web.timeline import conversation_timeline
from tests.bot.conftest import bot_messages
from tests.factories import inbound, make_agent, make_inbox, make_team

pytestmark = pytest.mark.django_db

ASK_FOR_A_PERSON = "Je veux parler à un conseiller"


def note_of(conversation: Conversation) -> Message:
    return Message.objects.get(conversation=conversation, kind=MessageKind.NOTE)


def test_nobody_online_the_webchat_handover_says_so_and_asks_for_an_email(bot_inbox, say):
    make_team("Support bot", inboxes=[bot_inbox])  # a team, but nobody online
    conversation = say(bot_inbox, ASK_FOR_A_PERSON)
    [handover] = bot_messages(conversation)
    assert "Nos conseillers sont absents pour le moment" in handover.body
    assert "laissez votre e-mail" in handover.body
    assert "dans un instant" not in handover.body  # no promise of a quick answer
    payload = message_payload(handover)
    assert payload["ask_email"] is True  # what the widget reads
    event = Event.objects.get(kind="bot.handed_over")
    assert event.data["agents_available"] is False and event.data["email_asked"] is True
    note = note_of(conversation)
    assert "le client en a été informé" in note.body
    assert note.metadata["bot"]["handover"]["agents_available"] is False
    timeline = [item.description for item in conversation_timeline(conversation)[0]]
    assert any("aucun agent n'était disponible" in (text or "") for text in timeline)
    # Routed as usual: it waits in the queue with its deadline.
    assert conversation.bot_held_since is None and conversation.due_at is not None
    assert conversation in waiting_conversations()


def test_the_email_given_after_the_handover_fills_the_contact(bot_inbox, say):
    conversation = say(bot_inbox, ASK_FOR_A_PERSON)
    assert conversation.contact.email == ""
    visitor = Visitor(inbox_id=bot_inbox.pk, visitor_id="v-1")
    result = receive_visitor_message(
        visitor, "Merci de me recontacter", "after-handover", email="Client@Example.com"
    )
    assert result.conversation.pk == conversation.pk
    conversation.contact.refresh_from_db()
    assert conversation.contact.email == "client@example.com"
    assert len(bot_messages(conversation)) == 1  # the bot stays out once handed over


def test_a_known_email_is_not_asked_again(bot_inbox, django_capture_on_commit_callbacks):
    visitor = Visitor(inbox_id=bot_inbox.pk, visitor_id="v-known")
    with django_capture_on_commit_callbacks(execute=True):
        receive_visitor_message(visitor, "Bonjour", "c-1", email="known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        result = receive_visitor_message(visitor, ASK_FOR_A_PERSON, "c-2")
    handover = bot_messages(result.conversation)[-1]
    assert "Nos conseillers sont absents pour le moment" in handover.body
    assert "laissez votre e-mail" not in handover.body
    assert "ask_email" not in message_payload(handover)
    assert Event.objects.get(kind="bot.handed_over").data["email_asked"] is False


def test_with_an_agent_online_the_handover_is_unchanged(bot_inbox, say):
    team = make_team("Support bot", inboxes=[bot_inbox])
    make_agent(teams=[team], presence="online")
    conversation = say(bot_inbox, ASK_FOR_A_PERSON)
    [handover] = bot_messages(conversation)
    assert handover.body == "Je vous passe un collègue, qui vous répondra ici dans un instant."
    assert "ask_email" not in message_payload(handover)
    assert Event.objects.get(kind="bot.handed_over").data["agents_available"] is True
    assert "le client en a été informé" not in note_of(conversation).body


def test_an_agent_online_but_full_counts_as_nobody(bot_inbox, say):
    team = make_team("Support bot", inboxes=[bot_inbox])
    make_agent(teams=[team], presence="online", capacity={"chat": 0})
    conversation = say(bot_inbox, ASK_FOR_A_PERSON)
    assert message_payload(bot_messages(conversation)[0])["ask_email"] is True


def test_telegram_handover_with_nobody_says_so_without_asking_an_email(
    django_capture_on_commit_callbacks,
):
    inbox = make_inbox("telegram", bot={"enabled": True, "name": "Robin"})
    with django_capture_on_commit_callbacks(execute=True):
        result = receive_message(inbound(inbox, ASK_FOR_A_PERSON))
    [handover] = bot_messages(result.conversation)
    assert "Nos conseillers sont absents pour le moment" in handover.body
    assert "nous vous répondrons ici dès que possible" in handover.body
    assert "e-mail" not in handover.body
    assert "ask_email" not in message_payload(handover)
    event = Event.objects.get(kind="bot.handed_over")
    assert event.data["agents_available"] is False and event.data["email_asked"] is False
