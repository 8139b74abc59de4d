"""The bot in conversations, end to end through the real actions: a customer
message is received, committed, and the bot's task takes its turn."""

import pytest

from relais.bot.actions import answer_customer
from relais.conversations.actions import assign_conversation, receive_message, reply
from relais.conversations.models import Conversation, Message, MessageKind
from relais.core.models import Event
from relais.routing.live import route_waiting, waiting_conversations
from tests.bot.conftest import bot_messages
from tests.factories import inbound, make_agent, make_inbox

pytestmark = pytest.mark.django_db


def test_a_clear_question_is_answered_with_the_article_and_its_link(bot_inbox, articles, say):
    conversation = say(bot_inbox, "Je veux annuler ma commande")
    [answer] = bot_messages(conversation)
    article = articles["Annuler ma commande"]
    assert answer.author is None and answer.metadata["bot"]["name"] == "Robin"
    assert "Annuler ma commande" in answer.body and f"/help/fr/a/{article.slug}/" in answer.body
    assert [c["payload"] for c in answer.metadata["bot"]["choices"]] == ["yes", "no", "handover"]
    assert answer.status == "sent"  # through the outbox, as any reply
    event = Event.objects.get(kind="bot.answered")
    assert event.data["article_id"] == article.pk and event.data["reason"] == "confident"
    # The bot holds it: nobody waits for an agent.
    assert conversation.bot_held_since is not None and conversation.waiting_since is None
    assert conversation.first_response_at is None


def test_a_vague_question_clarifies_then_the_choice_is_answered(bot_inbox, articles, say):
    conversation = say(bot_inbox, "ma commande")
    [question] = bot_messages(conversation)
    choices = question.metadata["bot"]["choices"]
    assert choices[-1]["payload"] == "handover" and len(choices) in (3, 4)
    tracking = articles["Modifier ma commande"]
    assert {"payload": f"article:{tracking.pk}", "label": "Modifier ma commande"} in choices
    assert Event.objects.filter(kind="bot.clarified").count() == 1

    say(bot_inbox, "Modifier ma commande", payload=f"article:{tracking.pk}")
    answer = bot_messages(conversation)[-1]
    assert f"/help/fr/a/{tracking.slug}/" in answer.body
    assert Event.objects.get(kind="bot.answered").data["reason"] == "chosen"


def test_asking_for_a_person_hands_over_with_a_note_and_routes(bot_inbox, bot_team, say):
    agent = make_agent(teams=[bot_team], presence="online")
    conversation = say(bot_inbox, "Bonjour, je veux parler à un conseiller")
    first_message_at = Message.objects.filter(conversation=conversation).first().created_at
    assert conversation.bot_held_since is None
    assert conversation.waiting_since == first_message_at  # the SLA counts from it
    assert conversation.due_at > first_message_at
    note = Message.objects.get(conversation=conversation, kind=MessageKind.NOTE)
    assert "je veux parler à un conseiller" in note.body
    assert note.metadata["bot"]["handover"]["reason"] == "person_requested"
    assert Event.objects.get(kind="bot.handed_over").data["reason"] == "person_requested"
    assert conversation in waiting_conversations()
    assert route_waiting() == 1
    conversation.refresh_from_db()
    assert conversation.assignee == agent


def test_no_after_an_answer_asks_again_or_hands_over(bot_inbox, articles, say):
    conversation = say(bot_inbox, "Je veux annuler ma commande")
    say(bot_inbox, "Non", payload="no")
    feedback = Event.objects.get(kind="bot.feedback")
    assert feedback.data == {"value": "no", "article_id": articles["Annuler ma commande"].pk}
    conversation.refresh_from_db()
    assert (
        Event.objects.filter(kind="bot.handed_over").exists()
        or bot_messages(conversation)[-1].metadata["bot"]["step"] == "clarify"
    )
    if conversation.bot_held_since is not None:  # it asked which other article
        say(bot_inbox, "Aucun", payload="handover")
    conversation.refresh_from_db()
    assert conversation.bot_held_since is None and conversation.waiting_since is not None


def test_no_with_nothing_else_plausible_hands_over(bot_inbox, articles, say):
    conversation = say(bot_inbox, "mot de passe oublié")
    say(bot_inbox, "2")  # numbered choice typed: "No"
    conversation.refresh_from_db()
    assert Event.objects.get(kind="bot.handed_over").data["reason"] == "not_helpful"
    assert conversation.waiting_since is not None


def test_yes_resolves_the_conversation(bot_inbox, articles, say):
    conversation = say(bot_inbox, "mot de passe oublié")
    say(bot_inbox, "oui")
    conversation.refresh_from_db()
    assert conversation.status == "resolved"
    assert Event.objects.get(kind="bot.feedback").data["value"] == "yes"


def test_an_agent_takes_over_and_the_bot_stays_silent(bot_inbox, bot_team, articles, say):
    agent = make_agent(teams=[bot_team])
    conversation = say(bot_inbox, "ma commande")
    assign_conversation(conversation, by=agent, agent=agent)
    conversation.refresh_from_db()
    assert conversation.bot_held_since is None
    assert Event.objects.get(kind="bot.taken_over").actor == agent
    before = len(bot_messages(conversation))
    say(bot_inbox, "Je veux annuler ma commande")
    assert len(bot_messages(conversation)) == before


def test_an_agent_reply_also_takes_over(bot_inbox, bot_team, articles, say):
    agent = make_agent(teams=[bot_team])
    conversation = say(bot_inbox, "ma commande")
    reply(conversation, agent, "Je regarde pour vous")
    conversation.refresh_from_db()
    assert conversation.bot_held_since is None and conversation.assignee == agent


def test_bot_conversations_are_not_offered_to_agents(bot_inbox, bot_team, articles, say):
    make_agent(teams=[bot_team], presence="online")
    conversation = say(bot_inbox, "ma commande")
    assert conversation not in waiting_conversations()
    assert route_waiting() == 0


def test_inbox_without_bot_is_unchanged(django_capture_on_commit_callbacks):
    inbox = make_inbox("webchat")
    with django_capture_on_commit_callbacks(execute=True):
        result = receive_message(inbound(inbox, "Je veux annuler ma commande"))
    conversation = Conversation.objects.get(pk=result.conversation.pk)
    assert conversation.bot_held_since is None and conversation.waiting_since is not None
    assert Message.objects.filter(conversation=conversation).count() == 1
    assert not Event.objects.filter(kind__startswith="bot.").exists()


def test_the_task_is_idempotent(bot_inbox, articles, say):
    conversation = say(bot_inbox, "Je veux annuler ma commande")
    message = Message.objects.filter(conversation=conversation, direction="in").get()
    assert answer_customer(message.pk) == "done"
    assert len(bot_messages(conversation)) == 1
    assert answer_customer(999_999) == "missing"


def test_api_channel_gets_numbered_choices(articles, django_capture_on_commit_callbacks):
    inbox = make_inbox("api", bot={"enabled": True})
    with django_capture_on_commit_callbacks(execute=True):
        result = receive_message(inbound(inbox, "ma commande"))
    [question] = bot_messages(result.conversation)
    assert "\n1. " in question.body and "\n2. " in question.body


def test_an_inbox_override_of_thresholds_is_used(articles, say):
    # "ma commande" is ambiguous by default (clarify); a lower bar answers it.
    inbox = make_inbox(
        "webchat", bot={"enabled": True, "thresholds": {"answer": 0.3, "clarify": 0.1}}
    )
    conversation = say(inbox, "ma commande")
    assert bot_messages(conversation)[0].metadata["bot"]["step"] == "answer"


def test_supervisors_see_the_bot_conversations_apart(bot_inbox, articles, say):
    from relais.conversations.queries import ConversationFilter, filter_conversations

    supervisor = make_agent("supervisor")
    held = say(bot_inbox, "ma commande", visitor="held")
    handed = say(bot_inbox, "je veux parler à un conseiller", visitor="handed")
    with_bot = filter_conversations(supervisor, ConversationFilter(view="bot"))
    unassigned = filter_conversations(supervisor, ConversationFilter(view="unassigned"))
    assert list(with_bot) == [held]
    assert list(unassigned) == [handed]


def test_the_console_shows_the_bot_messages_and_its_note(client, bot_inbox, bot_team, say):
    agent = make_agent(teams=[bot_team])
    conversation = say(bot_inbox, "je veux parler à un conseiller")
    client.force_login(agent)
    page = client.get(f"/c/{conversation.pk}/").content.decode()
    assert "msg--bot" in page and "Robin" in page
    assert "Relais du bot" in page or "Bot handover" in page
