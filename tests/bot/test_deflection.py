from datetime import UTC, datetime, timedelta

import pytest

from relais.bot.deflection import BotOutcome, deflected, deflected_conversations
from relais.core.models import Event
from tests.factories import make_conversation, make_inbox

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LATER = T0 + timedelta(days=5)


def outcome(conversation=1, contact=7, answered=T0, escalated=False):
    return BotOutcome(conversation, contact, answered, escalated)


def test_an_answer_without_return_is_deflected():
    assert deflected([outcome()], {}, now=LATER) == [1]


def test_an_escalated_or_unanswered_conversation_is_not():
    assert deflected([outcome(escalated=True), outcome(2, answered=None)], {}, now=LATER) == []


def test_coming_back_within_72_hours_on_any_conversation_is_not_deflected():
    again = {7: [(9, T0 + timedelta(hours=71))]}
    assert deflected([outcome()], again, now=LATER) == []


def test_coming_back_after_72_hours_or_in_the_same_conversation_still_counts():
    again = {7: [(9, T0 + timedelta(hours=73)), (1, T0 + timedelta(minutes=2))]}
    assert deflected([outcome()], again, now=LATER) == [1]


def test_another_contact_coming_back_does_not_matter():
    assert deflected([outcome()], {8: [(9, T0 + timedelta(hours=1))]}, now=LATER) == [1]


def test_too_early_to_tell_is_not_counted():
    assert deflected([outcome()], {}, now=T0 + timedelta(hours=10)) == []


@pytest.mark.django_db
def test_the_query_reads_the_event_log():
    inbox, email = make_inbox("webchat"), make_inbox("api")
    settled = make_conversation(inbox)
    returned = make_conversation(inbox, visitor="returns")
    escalated = make_conversation(inbox)
    again = make_conversation(email, visitor="returns")  # the same person, another channel
    assert again.contact_id == returned.contact_id

    def event(kind, conversation, at):
        Event.objects.filter(
            pk=Event.objects.create(kind=kind, conversation=conversation).pk
        ).update(created_at=at)

    for conversation in (settled, returned, escalated):
        event("bot.answered", conversation, T0)
    event("bot.handed_over", escalated, T0 + timedelta(minutes=1))
    event("message.received", again, T0 + timedelta(hours=20))  # another channel
    found = deflected_conversations(T0 - timedelta(days=1), T0 + timedelta(days=1), now=LATER)
    assert found == [settled.pk]
