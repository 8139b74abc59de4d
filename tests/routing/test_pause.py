"""The resolution clock pauses while a conversation is pending on the customer
(routing/pause.py): the deadline moves back by the time spent pending."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from relais.conversations.actions import receive_message, reply, set_status
from relais.conversations.models import Conversation, Status
from relais.core.models import Event
from relais.routing.escalation import check_deadlines
from relais.routing.models import BusinessSchedule, SlaPolicy
from tests.factories import inbound, make_conversation

PARIS = ZoneInfo("Europe/Paris")
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
TUESDAY_9 = datetime(2026, 1, 20, 9, tzinfo=PARIS)


class Clock:
    """timezone.now, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(TUESDAY_9)
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def make_policy(**fields) -> SlaPolicy:
    values = {"name": "Standard", "first_response": HOUR, "resolution": 8 * HOUR}
    return SlaPolicy.objects.create(**(values | fields))


def reloaded(conversation: Conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


def pause_events(conversation: Conversation) -> list[tuple[str, dict]]:
    events = Event.objects.filter(conversation=conversation, kind__startswith="sla.resolution_")
    return [(event.kind, event.data) for event in events.order_by("pk")]


def parked(inbox, agent, clock: Clock, visitor: str = "v1") -> Conversation:
    """A conversation answered, then set pending on the customer."""
    conversation = make_conversation(inbox, visitor=visitor)
    reply(conversation, agent, "Pouvez-vous m'envoyer la facture ?")
    return set_status(conversation, Status.PENDING, by=agent)


def test_customer_reply_after_three_hours_pending_pushes_the_deadline_back_three_hours(
    inbox, agent, clock
):
    make_policy()
    conversation = parked(inbox, agent, clock)
    due = reloaded(conversation).resolution_due_at
    assert reloaded(conversation).resolution_paused_since == clock.now

    clock.advance(3 * HOUR)
    receive_message(inbound(inbox, "Voici la facture.", visitor="v1"))

    after = reloaded(conversation)
    assert after.status == Status.OPEN
    assert after.resolution_due_at == due + 3 * HOUR
    assert after.resolution_paused_since is None


def test_pause_and_resumption_are_recorded_with_the_new_deadline(inbox, agent, clock):
    make_policy()
    conversation = parked(inbox, agent, clock)
    due = reloaded(conversation).resolution_due_at
    paused_at = clock.now
    clock.advance(3 * HOUR)
    receive_message(inbound(inbox, "Voici la facture.", visitor="v1"))

    assert pause_events(conversation) == [
        ("sla.resolution_paused", {"due_at": due.isoformat()}),
        (
            "sla.resolution_resumed",
            {
                "paused_since": paused_at.astimezone(UTC).isoformat(),
                "paused_seconds": 3 * 3600.0,
                "business_hours": False,
                "previous_due_at": due.isoformat(),
                "due_at": (due + 3 * HOUR).isoformat(),
            },
        ),
    ]
    kinds = Event.objects.filter(conversation=conversation).values_list("kind", flat=True)
    assert list(kinds)[-3:] == [
        "conversation.reopened",
        "sla.resolution_resumed",
        "message.received",
    ]


def test_in_business_hours_only_the_open_hours_spent_pending_count(inbox, agent, clock):
    schedule = BusinessSchedule.objects.create(name="Bureau")  # Mon–Fri 9:00–18:00
    make_policy(business_hours=True, schedule=schedule)
    conversation = parked(inbox, agent, clock)
    due = reloaded(conversation).resolution_due_at
    assert due == datetime(2026, 1, 20, 17, tzinfo=PARIS)

    # Pending from Tuesday 9:00 to Wednesday 10:00: 10 open hours, not 25.
    clock.advance(25 * HOUR)
    receive_message(inbound(inbox, "Voici la facture.", visitor="v1"))

    after = reloaded(conversation)
    # The 10 hours added to Tuesday 17:00: one on Tuesday, nine on Wednesday.
    assert after.resolution_due_at == datetime(2026, 1, 21, 18, tzinfo=PARIS)
    [(_, resumed)] = [event for event in pause_events(conversation) if event[0].endswith("resumed")]
    assert resumed["business_hours"] is True


def test_an_agent_reopening_ends_the_pause(inbox, agent, clock):
    make_policy()
    conversation = parked(inbox, agent, clock)
    due = reloaded(conversation).resolution_due_at
    clock.advance(2 * HOUR)

    set_status(conversation, Status.OPEN, by=agent)

    after = reloaded(conversation)
    assert after.resolution_due_at == due + 2 * HOUR
    assert after.resolution_paused_since is None
    resumed = Event.objects.get(conversation=conversation, kind="sla.resolution_resumed")
    assert resumed.actor_id == agent.pk


def test_resolving_a_pending_conversation_ends_the_pause(inbox, agent, clock):
    make_policy()
    conversation = parked(inbox, agent, clock)
    due = reloaded(conversation).resolution_due_at
    clock.advance(HOUR)

    set_status(conversation, Status.RESOLVED, by=agent)

    after = reloaded(conversation)
    assert after.resolution_due_at == due + HOUR
    assert after.resolution_paused_since is None
    assert [kind for kind, _ in pause_events(conversation)] == [
        "sla.resolution_paused",
        "sla.resolution_resumed",
    ]


def test_snoozing_a_pending_conversation_restarts_the_clock(inbox, agent, clock):
    make_policy()
    conversation = parked(inbox, agent, clock)
    due = reloaded(conversation).resolution_due_at
    clock.advance(HOUR)

    set_status(conversation, Status.SNOOZED, by=agent, snoozed_until=clock.now + HOUR)

    after = reloaded(conversation)
    assert after.resolution_due_at == due + HOUR
    assert after.resolution_paused_since is None


def test_a_pause_after_the_deadline_changes_nothing(inbox, agent, clock):
    make_policy()
    conversation = make_conversation(inbox, visitor="v1")
    reply(conversation, agent, "Je regarde.")
    due = reloaded(conversation).resolution_due_at
    clock.now = due + MINUTE

    set_status(conversation, Status.PENDING, by=agent)
    assert reloaded(conversation).resolution_paused_since is None
    clock.advance(3 * HOUR)
    receive_message(inbound(inbox, "Alors ?", visitor="v1"))

    assert reloaded(conversation).resolution_due_at == due
    assert pause_events(conversation) == []


def test_an_automatic_reply_keeps_the_clock_paused(inbox, agent, clock):
    make_policy()
    conversation = parked(inbox, agent, clock)
    clock.advance(HOUR)

    receive_message(inbound(inbox, "Je suis absent.", visitor="v1", automatic=True))

    after = reloaded(conversation)
    assert after.status == Status.PENDING
    assert after.resolution_paused_since is not None


def test_without_a_resolution_target_nothing_pauses(inbox, agent, clock):
    make_policy(resolution=None)
    conversation = parked(inbox, agent, clock)
    clock.advance(HOUR)
    set_status(conversation, Status.OPEN, by=agent)

    assert reloaded(conversation).resolution_due_at is None
    assert pause_events(conversation) == []


def test_a_policy_removed_during_the_pause_counts_calendar_time(inbox, agent, clock):
    schedule = BusinessSchedule.objects.create(name="Bureau")
    policy = make_policy(business_hours=True, schedule=schedule)
    conversation = parked(inbox, agent, clock)
    due = reloaded(conversation).resolution_due_at
    policy.delete()
    clock.advance(25 * HOUR)

    set_status(conversation, Status.OPEN, by=agent)

    assert reloaded(conversation).resolution_due_at == due + 25 * HOUR


def test_the_escalation_job_ignores_the_resolution_of_pending_conversations(inbox, agent, clock):
    make_policy(warn_before=30 * MINUTE)
    conversation = parked(inbox, agent, clock)
    due = reloaded(conversation).resolution_due_at

    assert check_deadlines(now=due + HOUR) == 0
    clock.now = due + HOUR
    set_status(conversation, Status.OPEN, by=agent)

    # Pending 9 hours from Tuesday 9:00: the deadline moved 9 hours on.
    moved = reloaded(conversation).resolution_due_at
    assert moved == due + 9 * HOUR
    assert check_deadlines(now=clock.now) == 0
    assert check_deadlines(now=moved + MINUTE) == 1
    breached = Event.objects.get(conversation=conversation, kind="sla.breached")
    assert breached.data["due_at"] == moved.isoformat()


def test_a_warning_recorded_before_the_pause_is_not_recorded_again(inbox, agent, clock):
    make_policy(warn_before=30 * MINUTE)
    conversation = make_conversation(inbox, visitor="v1")
    reply(conversation, agent, "Je regarde.")
    due = reloaded(conversation).resolution_due_at
    clock.now = due - 10 * MINUTE
    assert check_deadlines(now=clock.now) == 1  # resolution at risk

    set_status(conversation, Status.PENDING, by=agent)
    clock.advance(HOUR)
    set_status(conversation, Status.OPEN, by=agent)

    moved = reloaded(conversation).resolution_due_at
    assert moved == due + HOUR
    assert check_deadlines(now=moved - 10 * MINUTE) == 0
    assert check_deadlines(now=moved + MINUTE) == 1
    kinds = Event.objects.filter(
        conversation=conversation, kind__in=["sla.at_risk", "sla.breached"]
    )
    assert list(kinds.values_list("kind", flat=True)) == ["sla.at_risk", "sla.breached"]
