"""Chat offered: transitions recorded once, and the share of time chat was offered."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relais.accounts.models import Presence
from relais.conversations.actions import assign_conversation
from relais.core.business_hours import BusinessCalendar
from relais.core.events import record_event
from relais.core.models import Event
from relais.routing.chat_offered import (
    OFFERED,
    WITHDRAWN,
    chat_offered_share,
    offered_share,
    record_chat_offered_changes,
)
from tests.factories import make_agent, make_conversation, make_inbox, make_team

START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # a Monday
HOUR = timedelta(hours=1)
END = START + 4 * HOUR
OFFICE = BusinessCalendar(
    timezone="Europe/Paris", weekly_hours={day: ((time(9), time(18)),) for day in range(5)}
)


# ---- offered_share -------------------------------------------------------------


def test_no_transition_means_chat_was_never_offered():
    assert offered_share([], START, END) == 0.0


def test_chat_offered_before_the_window_and_never_withdrawn_covers_it_all():
    assert offered_share([(START - HOUR, True)], START, END) == 1.0


def test_state_before_the_window_comes_from_the_latest_earlier_transition():
    transitions = [(START - 2 * HOUR, False), (START - HOUR, True), (START + HOUR, False)]
    assert offered_share(transitions, START, END) == 0.25


def test_offered_then_withdrawn_inside_the_window():
    transitions = [(START + HOUR, True), (START + 3 * HOUR, False)]
    assert offered_share(transitions, START, END) == 0.5


def test_transitions_may_come_in_any_order():
    transitions = [(START + 3 * HOUR, False), (START + HOUR, True)]
    assert offered_share(transitions, START, END) == 0.5


def test_a_transition_at_the_start_applies_from_the_start():
    assert offered_share([(START - HOUR, False), (START, True)], START, END) == 1.0


def test_transitions_at_or_after_the_end_do_not_count():
    transitions = [(START + 2 * HOUR, True), (END, False), (END + HOUR, False)]
    assert offered_share(transitions, START, END) == 0.5
    assert offered_share([(END, True), (END + HOUR, True)], START, END) == 0.0


def test_repeated_states_from_concurrent_workers_are_not_counted_twice():
    transitions = [(START, True), (START + HOUR, True), (START + 2 * HOUR, False)]
    assert offered_share(transitions, START, END) == 0.5


def test_an_empty_window_gives_zero():
    assert offered_share([(START - HOUR, True)], START, START) == 0.0


def test_only_opening_hours_count_with_a_calendar():
    # Monday in Paris (UTC+1): open 08:00-17:00 UTC. Offered from 07:00 to 12:30 UTC:
    # 4.5 of the 9 open hours, though 5.5 of the 24 hours of the day.
    day_end = START + 24 * HOUR
    transitions = [(START + 7 * HOUR, True), (START + 12.5 * HOUR, False)]
    assert offered_share(transitions, START, day_end, OFFICE) == 0.5
    assert offered_share(transitions, START, day_end) == pytest.approx(5.5 / 24)


def test_a_window_outside_opening_hours_gives_zero():
    sunday = START - 24 * HOUR
    assert offered_share([(sunday - HOUR, True)], sunday, START, OFFICE) == 0.0


def test_end_before_start_is_refused():
    with pytest.raises(ValueError, match="before start"):
        offered_share([], END, START)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        offered_share([], START.replace(tzinfo=None), END.replace(tzinfo=None))


minutes = st.integers(min_value=-120, max_value=360)
transition_lists = st.lists(st.tuples(minutes, st.booleans()), max_size=12)


@given(transition_lists, st.integers(min_value=1, max_value=240))
def test_offered_and_withdrawn_shares_add_up_to_one(changes, window_minutes):
    transitions = [(START + timedelta(minutes=m), offered) for m, offered in changes]
    negated = [(START + timedelta(minutes=m), not offered) for m, offered in changes]
    # Before any transition chat counts as not offered: state it for the negation.
    negated.insert(0, (START - timedelta(days=1), True))
    end = START + timedelta(minutes=window_minutes)
    share = offered_share(transitions, START, end)
    assert 0.0 <= share <= 1.0
    assert share + offered_share(negated, START, end) == pytest.approx(1.0)


# ---- The job and the loader ------------------------------------------------------


def offered_log(inbox) -> list[str]:
    return list(
        Event.objects.filter(kind__in=(OFFERED, WITHDRAWN), data__inbox_id=inbox.pk).values_list(
            "kind", flat=True
        )
    )


def set_presence_of(agent, presence) -> None:
    agent.presence = presence
    agent.save(update_fields=["presence"])


@pytest.mark.django_db
def test_each_change_of_availability_is_recorded_once(inbox, agent):
    assert record_chat_offered_changes() == 0  # never offered: nothing to record
    set_presence_of(agent, Presence.ONLINE)
    assert record_chat_offered_changes() == 1
    assert record_chat_offered_changes() == 0
    set_presence_of(agent, Presence.AWAY)
    assert record_chat_offered_changes() == 1
    assert record_chat_offered_changes() == 0
    assert offered_log(inbox) == [OFFERED, WITHDRAWN]
    assert Event.objects.get(kind=OFFERED).data == {"inbox_id": inbox.pk}


@pytest.mark.django_db
def test_an_agent_at_capacity_withdraws_the_chat(inbox, agent):
    agent.presence = Presence.ONLINE
    agent.capacity = {"chat": 1}
    agent.save()
    record_chat_offered_changes()
    assign_conversation(make_conversation(inbox), by=agent, agent=agent)
    record_chat_offered_changes()
    assert offered_log(inbox) == [OFFERED, WITHDRAWN]


@pytest.mark.django_db
def test_previous_state_is_read_from_the_log_not_from_memory(inbox, agent):
    # Another worker recorded the change already.
    record_event(OFFERED, inbox_id=inbox.pk)
    set_presence_of(agent, Presence.ONLINE)
    assert record_chat_offered_changes() == 0
    assert offered_log(inbox) == [OFFERED]


@pytest.mark.django_db
def test_inboxes_are_followed_separately(inbox, agent):
    other = make_inbox("webchat", name="Other site")
    make_agent(teams=[make_team(inboxes=[other])], presence=Presence.ONLINE)
    record_event(OFFERED, inbox_id=inbox.pk)  # this one's agent is offline
    assert record_chat_offered_changes() == 2
    assert offered_log(inbox) == [OFFERED, WITHDRAWN]
    assert offered_log(other) == [OFFERED]


@pytest.mark.django_db
def test_a_deactivated_inbox_withdraws_its_chat(inbox, agent):
    set_presence_of(agent, Presence.ONLINE)
    record_chat_offered_changes()
    inbox.is_active = False
    inbox.save(update_fields=["is_active"])
    assert record_chat_offered_changes() == 1
    assert offered_log(inbox) == [OFFERED, WITHDRAWN]


@pytest.mark.django_db
def test_other_channels_are_not_followed(db):
    api_inbox = make_inbox("api", webhook_url="https://example.com/hook")
    make_agent(teams=[make_team(inboxes=[api_inbox])], presence=Presence.ONLINE)
    assert record_chat_offered_changes() == 0
    assert not Event.objects.filter(kind__in=(OFFERED, WITHDRAWN)).exists()


def log_at(inbox, kind: str, at: datetime) -> None:
    event = record_event(kind, inbox_id=inbox.pk)
    Event.objects.filter(pk=event.pk).update(created_at=at)


@pytest.mark.django_db
def test_share_is_read_from_the_inbox_transitions(inbox):
    other = make_inbox("webchat", name="Other site")
    log_at(inbox, WITHDRAWN, START - 3 * HOUR)
    log_at(inbox, OFFERED, START - 2 * HOUR)  # the state when the window opens
    log_at(inbox, WITHDRAWN, START + HOUR)
    log_at(inbox, OFFERED, START + 2 * HOUR)
    log_at(inbox, WITHDRAWN, END + HOUR)
    log_at(other, WITHDRAWN, START + 30 * timedelta(minutes=1))
    assert chat_offered_share(inbox, START, END) == 0.75
    assert chat_offered_share(other, START, END) == 0.0


@pytest.mark.django_db
def test_share_with_opening_hours(inbox):
    log_at(inbox, OFFERED, START + 12 * HOUR)  # Monday 13:00 in Paris
    assert chat_offered_share(inbox, START, START + 24 * HOUR, opening=OFFICE) == 5 / 9


@pytest.mark.django_db
def test_share_of_an_inbox_never_followed_is_zero(inbox):
    assert chat_offered_share(inbox, START, END) == 0.0
