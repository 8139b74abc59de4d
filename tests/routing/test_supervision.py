"""The supervisor's view: per-channel counts (pure), the queue in the engine's
order, agents' loads and who may take what (routing/supervision.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relais.accounts.models import Presence, Role
from relais.conversations.actions import assign_conversation
from relais.conversations.models import Conversation
from relais.routing.config import Policy, forget_config
from relais.routing.sla import SlaTargets
from relais.routing.supervision import (
    CONVERSATIONS_PER_AGENT,
    ChannelSummary,
    ResponseClock,
    load_supervision,
    ordered_channels,
    response_warning,
    summarise_channels,
)
from tests.factories import make_agent, make_conversation, make_email_inbox

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def clock(channel="chat", *, waited=MINUTE, due_in=MINUTE, warn=30 * MINUTE, assigned=False):
    return ResponseClock(
        channel=channel,
        assigned=assigned,
        waiting_since=NOW - waited,
        due=NOW + due_in,
        warn_before=warn,
    )


def by_channel(summaries: list[ChannelSummary]) -> dict[str, ChannelSummary]:
    return {summary.channel: summary for summary in summaries}


# ---- Pure summary ------------------------------------------------------------


def test_waiting_counts_oldest_wait_and_deadline_states_per_channel():
    clocks = [
        clock("chat", waited=4 * MINUTE, due_in=-2 * MINUTE),  # breached
        clock("chat", waited=MINUTE, due_in=MINUTE, warn=2 * MINUTE),  # at risk
        clock("chat", waited=timedelta(seconds=30), due_in=10 * MINUTE, warn=MINUTE),
        clock("email", waited=3 * MINUTE, due_in=20 * 60 * MINUTE, warn=6 * 60 * MINUTE),
    ]
    summary = by_channel(summarise_channels(clocks, ["chat", "email"], NOW))
    assert summary["chat"] == ChannelSummary(
        "chat", waiting=3, oldest_wait=4 * MINUTE, at_risk=1, breached=1
    )
    assert summary["email"] == ChannelSummary("email", waiting=1, oldest_wait=3 * MINUTE)


def test_assigned_conversations_count_as_late_or_at_risk_never_as_waiting():
    clocks = [
        clock("chat", assigned=True, due_in=-MINUTE),
        clock("chat", assigned=True, due_in=MINUTE, warn=2 * MINUTE),
        clock("chat", assigned=True, due_in=10 * MINUTE, warn=MINUTE),
    ]
    [chat] = summarise_channels(clocks, ["chat"], NOW)
    assert (chat.waiting, chat.oldest_wait, chat.at_risk, chat.breached) == (0, None, 0, 0)
    assert (chat.assigned_at_risk, chat.assigned_late) == (1, 1)


def test_deadline_reached_this_instant_is_breached():
    [chat] = summarise_channels([clock(due_in=timedelta(0))], [], NOW)
    assert chat.breached == 1 and chat.at_risk == 0


def test_quiet_channels_are_listed_in_the_usual_order_then_unknown_ones():
    summaries = summarise_channels([clock("fax")], ["email", "call", "chat"], NOW)
    assert [s.channel for s in summaries] == ["call", "chat", "email", "fax"]
    assert summaries[0] == ChannelSummary("call")
    assert ordered_channels(["messaging", "zz", "call", "aa"]) == ["call", "messaging", "aa", "zz"]


def test_a_customer_whose_wait_starts_in_the_future_has_waited_zero():
    [chat] = summarise_channels([clock(waited=-MINUTE)], ["chat"], NOW)
    assert chat.oldest_wait == timedelta(0)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["call", "chat", "messaging", "email"]),
            st.booleans(),
            st.integers(min_value=-3600, max_value=3600),
            st.integers(min_value=0, max_value=3600),
        ),
        max_size=40,
    )
)
def test_every_waiting_customer_is_counted_once(rows):
    clocks = [
        clock(channel, assigned=assigned, due_in=timedelta(seconds=due), warn=timedelta(seconds=w))
        for channel, assigned, due, w in rows
    ]
    summaries = summarise_channels(clocks, [], NOW)
    assert sum(s.waiting for s in summaries) == sum(not c.assigned for c in clocks)
    assert sum(s.assigned_late for s in summaries) == sum(
        c.assigned and c.due <= NOW for c in clocks
    )
    assert all(s.at_risk + s.breached <= s.waiting for s in summaries)


def test_warning_defaults_to_a_quarter_of_the_channel_target():
    assert response_warning("chat", None, answered=False) == 30 * timedelta(seconds=1)
    assert response_warning("email", None, answered=True) == 6 * 60 * MINUTE
    assert response_warning("sms", None, answered=False) == response_warning(
        "messaging", None, answered=False
    )


def test_warning_follows_the_policy_target_for_first_and_next_response():
    policy = Policy(
        id=1,
        inbox_ids=frozenset(),
        channels=frozenset(),
        priorities=frozenset(),
        targets=SlaTargets(first_response=60 * MINUTE, next_response=None),
        calendar=None,
        warn_before=None,
        steps=(),
    )
    assert response_warning("chat", policy, answered=False) == 15 * MINUTE
    # No next-response target: the channel's default target (2 min for chat).
    assert response_warning("chat", policy, answered=True) == 30 * timedelta(seconds=1)
    fixed = Policy(**{**policy.__dict__, "warn_before": 5 * MINUTE})
    assert response_warning("chat", fixed, answered=False) == 5 * MINUTE


# ---- Loaded from the database ------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_config():
    forget_config()
    yield
    forget_config()


def waiting(conversation: Conversation, *, since: timedelta, due_in: timedelta, priority=1):
    """Hand-set clocks: the customer has waited `since`, the answer is due in `due_in`."""
    now = datetime.now(UTC)
    Conversation.objects.filter(pk=conversation.pk).update(
        waiting_since=now - since, due_at=now + due_in, priority=priority
    )
    return conversation


@pytest.mark.django_db
def test_counts_per_channel_from_the_database(inbox, team, agent):
    mail_inbox = make_email_inbox(teams=[team])
    waiting(make_conversation(inbox), since=5 * MINUTE, due_in=-3 * MINUTE)  # breached
    waiting(make_conversation(inbox), since=MINUTE, due_in=timedelta(seconds=20))  # at risk
    waiting(make_conversation(mail_inbox), since=MINUTE, due_in=23 * 60 * MINUTE)
    late = waiting(make_conversation(inbox), since=10 * MINUTE, due_in=-8 * MINUTE)
    assign_conversation(late, by=agent, agent=agent)
    snapshot = load_supervision()
    summary = by_channel(snapshot.channels)
    assert [s.channel for s in snapshot.channels] == ["chat", "email"]
    chat = summary["chat"]
    assert (chat.waiting, chat.at_risk, chat.breached, chat.assigned_late) == (2, 1, 1, 1)
    assert 5 * MINUTE <= chat.oldest_wait < 6 * MINUTE
    assert (summary["email"].waiting, summary["email"].at_risk) == (1, 0)
    assert snapshot.waiting_total == 3


@pytest.mark.django_db
def test_breached_email_outranks_fresh_chat(inbox, team):
    mail = waiting(
        make_conversation(make_email_inbox(teams=[team])),
        since=25 * 60 * MINUTE,
        due_in=-60 * MINUTE,
    )
    chat = waiting(make_conversation(inbox), since=timedelta(0), due_in=2 * MINUTE)
    assert [entry.conversation.pk for entry in load_supervision().queue] == [mail.pk, chat.pk]


@pytest.mark.django_db
def test_queue_order_is_the_engines_not_priority_first(inbox):
    # Priority moves an item ahead by at most 30 minutes: an urgent chat due in
    # an hour waits behind a normal one already late.
    urgent = waiting(make_conversation(inbox), since=MINUTE, due_in=60 * MINUTE, priority=3)
    late = waiting(make_conversation(inbox), since=12 * MINUTE, due_in=-10 * MINUTE)
    high = waiting(make_conversation(inbox), since=MINUTE, due_in=5 * MINUTE, priority=2)
    normal = waiting(make_conversation(inbox), since=MINUTE, due_in=timedelta(seconds=20))
    queue = load_supervision().queue
    assert [entry.conversation.pk for entry in queue] == [late.pk, high.pk, normal.pk, urgent.pk]
    assert [entry.state for entry in queue] == ["breached", "ok", "at_risk", "ok"]
    assert queue[0].conversation.contact.pk  # loaded for the page


@pytest.mark.django_db
def test_agents_show_presence_load_capacity_and_their_conversations(inbox, team, agent):
    agent.presence = Presence.ONLINE
    agent.capacity = {"chat": 2}
    agent.save()
    held = [make_conversation(inbox) for _ in range(CONVERSATIONS_PER_AGENT + 2)]
    for conversation in held:
        assign_conversation(conversation, by=agent, agent=agent)
    idle = make_agent(teams=[team], name="Zoé", presence=Presence.AWAY)
    overviews = {o.agent.pk: o for o in load_supervision().agents}
    mine = overviews[agent.pk]
    assert [(cell.channel, cell.load, cell.capacity) for cell in mine.loads] == [
        ("chat", CONVERSATIONS_PER_AGENT + 2, 2)
    ]
    assert len(mine.conversations) == CONVERSATIONS_PER_AGENT and mine.more == 2
    assert mine.team_names == ("Support",)
    assert overviews[idle.pk].conversations == () and overviews[idle.pk].more == 0
    # Online agents first.
    assert list(overviews)[0] == agent.pk


@pytest.mark.django_db
def test_only_agents_serving_the_inbox_are_offered(inbox, agent, outsider):
    supervisor = make_agent(Role.SUPERVISOR)
    make_conversation(inbox)
    assignable = load_supervision().assignable[inbox.pk]
    assert {a.pk for a in assignable} == {agent.pk, supervisor.pk}


@pytest.mark.django_db
def test_resolved_and_answered_conversations_leave_the_counts(inbox, agent):
    conversation = make_conversation(inbox)
    Conversation.objects.filter(pk=conversation.pk).update(waiting_since=None, due_at=None)
    snapshot = load_supervision()
    assert snapshot.queue == [] and by_channel(snapshot.channels)["chat"].waiting == 0
