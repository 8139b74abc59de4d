"""SLA deadlines on the live system: at-risk and breach events recorded once
per deadline, escalation steps (notify, raise priority, reassign)."""

from datetime import timedelta

import pytest

from relais.accounts.models import Role
from relais.conversations.actions import (
    assign_conversation,
    receive_message,
    reply,
    set_priority,
    set_status,
)
from relais.conversations.models import Conversation, Priority, Status
from relais.core import realtime
from relais.core.models import Event
from relais.core.realtime import agent_group
from relais.core.schedule import default_jobs
from relais.routing.config import forget_config, routing_config
from relais.routing.escalation import check_deadlines, escalate_conversation, raised_priority
from relais.routing.models import SlaPolicy
from tests.factories import inbound, make_agent, make_conversation, make_team

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def fresh_config():
    # The configuration is cached per process: no policy of another test leaks in.
    forget_config()
    yield
    forget_config()


def make_policy(*steps: dict, **fields) -> SlaPolicy:
    values = {
        "name": "Standard",
        "first_response": HOUR,
        "next_response": HOUR,
        "resolution": 8 * HOUR,
        "warn_before": 15 * MINUTE,
    }
    return SlaPolicy.objects.create(**(values | fields), escalation=list(steps))


def step(when: str, action: str, target: str = "") -> dict:
    return {"when": when, "action": action, "target": target}


def sla_events(conversation: Conversation) -> list[tuple[str, dict]]:
    events = Event.objects.filter(conversation=conversation, kind__startswith="sla.")
    return [(event.kind, event.data) for event in events]


def reloaded(conversation: Conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


# --- deadline events -----------------------------------------------------------------


def test_entering_the_warning_window_is_recorded_once(inbox):
    policy = make_policy()
    conversation = make_conversation(inbox)
    due = conversation.due_at
    assert due - conversation.waiting_since == HOUR

    assert check_deadlines(now=due - 20 * MINUTE) == 0
    assert check_deadlines(now=due - 10 * MINUTE) == 1
    assert check_deadlines(now=due - 5 * MINUTE) == 0

    assert sla_events(conversation) == [
        (
            "sla.at_risk",
            {"deadline": "response", "due_at": due.isoformat(), "policy_id": policy.pk},
        )
    ]


def test_breach_is_recorded_once_however_often_the_job_runs(inbox):
    make_policy()
    conversation = make_conversation(inbox)
    late = conversation.due_at + MINUTE

    assert check_deadlines(now=late) == 1
    assert check_deadlines(now=late) == 0
    assert check_deadlines(now=late + HOUR) == 0

    # A check that missed the warning window records the breach only.
    assert [kind for kind, _ in sla_events(conversation)] == ["sla.breached"]


def test_a_second_worker_finds_nothing_left_once_it_holds_the_lock(inbox):
    make_policy(step("breached", "raise_priority"))
    conversation = make_conversation(inbox)
    late = conversation.due_at + MINUTE

    assert escalate_conversation(conversation.pk, now=late) == 2  # breach + step
    assert escalate_conversation(conversation.pk, now=late) == 0
    assert reloaded(conversation).priority == Priority.HIGH


def test_a_new_deadline_after_the_customer_writes_again_breaches_again(inbox, agent):
    make_policy()
    conversation = make_conversation(inbox, visitor="v1")
    first_due = conversation.due_at
    check_deadlines(now=first_due + MINUTE)
    reply(conversation, agent, "Je regarde.")
    assert reloaded(conversation).sla_escalations == []

    receive_message(inbound(inbox, "Toujours rien ?", visitor="v1"))
    second_due = reloaded(conversation).due_at
    assert second_due != first_due
    assert check_deadlines(now=second_due + MINUTE) == 1
    assert check_deadlines(now=second_due + MINUTE) == 0

    breaches = [data["due_at"] for kind, data in sla_events(conversation)]
    assert breaches == [first_due.isoformat(), second_due.isoformat()]


def test_resolution_deadline_breaches_on_its_own(inbox, agent):
    make_policy()
    conversation = make_conversation(inbox)
    reply(conversation, agent, "C'est noté.")
    resolution_due = reloaded(conversation).resolution_due_at

    assert check_deadlines(now=resolution_due + MINUTE) == 1
    [(kind, data)] = sla_events(conversation)
    assert (kind, data["deadline"]) == ("sla.breached", "resolution")


def test_resolved_conversations_are_left_alone(inbox, agent):
    make_policy(step("breached", "raise_priority"))
    conversation = make_conversation(inbox)
    set_status(conversation, Status.RESOLVED, by=agent)

    assert check_deadlines(now=reloaded(conversation).resolution_due_at + HOUR) == 0
    assert sla_events(conversation) == []
    assert reloaded(conversation).priority == Priority.NORMAL


def test_pending_pauses_the_resolution_deadline_check(inbox, agent):
    make_policy()
    conversation = make_conversation(inbox)
    reply(conversation, agent, "Pouvez-vous m'envoyer la facture ?")
    set_status(conversation, Status.PENDING, by=agent)
    late = reloaded(conversation).resolution_due_at + MINUTE

    assert check_deadlines(now=late) == 0
    set_status(conversation, Status.OPEN, by=agent)
    assert check_deadlines(now=late) == 1


def test_conversation_without_policy_records_deadlines_but_runs_no_steps(inbox, agent):
    conversation = make_conversation(inbox)  # chat: answer due in 2 minutes
    assign_conversation(conversation, by=agent, agent=agent)
    due = conversation.due_at

    assert check_deadlines(now=due - timedelta(seconds=20)) == 1  # last quarter: 30 s
    assert check_deadlines(now=due + MINUTE) == 1
    assert [(kind, data["policy_id"]) for kind, data in sla_events(conversation)] == [
        ("sla.at_risk", None),
        ("sla.breached", None),
    ]
    assert reloaded(conversation).assignee == agent


def test_a_policy_deactivated_since_arrival_runs_no_steps(inbox, agent):
    policy = make_policy(step("breached", "reassign"))
    conversation = make_conversation(inbox)
    assign_conversation(conversation, by=agent, agent=agent)
    policy.is_active = False
    policy.save()

    assert check_deadlines(now=conversation.due_at + MINUTE) == 1
    assert reloaded(conversation).assignee == agent


# --- escalation steps ----------------------------------------------------------------


def test_raise_priority_raises_once_per_deadline(inbox):
    make_policy(step("at_risk", "raise_priority"))
    conversation = make_conversation(inbox)
    due = conversation.due_at

    check_deadlines(now=due - 10 * MINUTE)
    check_deadlines(now=due - 5 * MINUTE)
    check_deadlines(now=due + MINUTE)

    assert reloaded(conversation).priority == Priority.HIGH
    changes = Event.objects.filter(conversation=conversation, kind="conversation.priority_changed")
    assert [(e.data["priority"], e.actor_id) for e in changes] == [(Priority.HIGH, None)]


def test_raise_priority_never_goes_above_urgent(inbox, agent):
    make_policy(step("at_risk", "raise_priority"), step("breached", "raise_priority", "urgent"))
    conversation = make_conversation(inbox)
    set_priority(conversation, Priority.URGENT, by=agent)

    assert check_deadlines(now=conversation.due_at + MINUTE) == 3  # breach + two steps
    assert reloaded(conversation).priority == Priority.URGENT
    assert not Event.objects.filter(
        conversation=conversation, kind="conversation.priority_changed", actor=None
    ).exists()


@pytest.mark.parametrize(
    ("current", "target", "expected"),
    [
        (Priority.NORMAL, "", Priority.HIGH),
        (Priority.LOW, "urgent", Priority.URGENT),
        (Priority.URGENT, "high", Priority.URGENT),  # never lowers
        (Priority.NORMAL, "7", Priority.URGENT),
        (Priority.NORMAL, "whenever", Priority.HIGH),  # unknown: one level up
    ],
)
def test_raised_priority_targets(current, target, expected):
    assert raised_priority(current, target) == expected


def test_reassign_takes_the_conversation_back_and_says_why(inbox, agent):
    make_policy(step("breached", "reassign"))
    conversation = make_conversation(inbox)
    assign_conversation(conversation, by=agent, agent=agent)
    due = conversation.due_at

    assert check_deadlines(now=due + MINUTE) == 2
    assert reloaded(conversation).assignee is None
    escalated = Event.objects.get(conversation=conversation, kind="sla.escalated")
    assert escalated.data == {
        "deadline": "response",
        "due_at": due.isoformat(),
        "policy_id": conversation.sla_policy_id,
        "state": "breached",
        "action": "reassign",
        "target": "",
        "previous_assignee_id": agent.pk,
        "team_id": None,
    }
    unassigned = Event.objects.filter(conversation=conversation, kind="conversation.assigned")
    assert unassigned.last().data["assignee_id"] is None


def test_reassign_to_another_team_moves_it_there(inbox, agent):
    seniors = make_team("Seniors", inboxes=[inbox])
    make_policy(step("breached", "reassign", f"team:{seniors.pk}"))
    conversation = make_conversation(inbox)
    assign_conversation(conversation, by=agent, agent=agent)

    check_deadlines(now=conversation.due_at + MINUTE)
    conversation = reloaded(conversation)
    assert (conversation.assignee, conversation.team) == (None, seniors)


def test_reassign_to_an_unknown_team_still_unassigns(inbox, agent):
    make_policy(step("breached", "reassign", "team:999999"))
    conversation = make_conversation(inbox)
    assign_conversation(conversation, by=agent, agent=agent)

    assert check_deadlines(now=conversation.due_at + MINUTE) == 2
    assert reloaded(conversation).assignee is None


@pytest.fixture
def broadcasts(monkeypatch):
    sent = []
    monkeypatch.setattr(realtime, "broadcast", lambda groups, event: sent.append((groups, event)))
    return sent


def escalation_notices(broadcasts) -> list[tuple[list[str], dict]]:
    return [(groups, event) for groups, event in broadcasts if event["name"] == "sla.escalated"]


def test_notify_reaches_the_supervisors_consoles_after_commit(
    inbox, broadcasts, django_capture_on_commit_callbacks
):
    supervisor = make_agent(Role.SUPERVISOR)
    admin = make_agent(Role.ADMIN)
    make_agent(Role.SUPERVISOR, is_active=False)
    make_policy(step("at_risk", "notify"))
    conversation = make_conversation(inbox)
    now = conversation.due_at - 10 * MINUTE

    with django_capture_on_commit_callbacks(execute=True):
        check_deadlines(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        check_deadlines(now=now + MINUTE)

    assert escalation_notices(broadcasts) == [
        (
            [agent_group(supervisor.pk), agent_group(admin.pk)],
            {
                "name": "sla.escalated",
                "conversation_id": conversation.pk,
                "state": "at_risk",
                "deadline": "response",
                "due_at": conversation.due_at.isoformat(),
            },
        )
    ]
    escalated = Event.objects.get(conversation=conversation, kind="sla.escalated")
    assert (escalated.data["action"], escalated.data["notified"]) == (
        "notify",
        [supervisor.pk, admin.pk],
    )


def test_notify_the_assignee_or_the_team(
    inbox, team, agent, broadcasts, django_capture_on_commit_callbacks
):
    colleague = make_agent(teams=[team])
    make_policy(step("at_risk", "notify", "assignee"), step("breached", "notify", "team"))
    conversation = make_conversation(inbox)
    assign_conversation(conversation, by=agent, agent=agent, team=team)

    with django_capture_on_commit_callbacks(execute=True):
        check_deadlines(now=conversation.due_at + MINUTE)

    assert [groups for groups, _ in escalation_notices(broadcasts)] == [
        [agent_group(agent.pk)],
        [agent_group(agent.pk), agent_group(colleague.pk)],
    ]


def test_notify_without_an_assignee_falls_back_to_the_supervisors(
    inbox, broadcasts, django_capture_on_commit_callbacks
):
    supervisor = make_agent(Role.SUPERVISOR)
    make_policy(step("breached", "notify", "assignee"))
    conversation = make_conversation(inbox)

    with django_capture_on_commit_callbacks(execute=True):
        check_deadlines(now=conversation.due_at + MINUTE)

    assert [groups for groups, _ in escalation_notices(broadcasts)] == [
        [agent_group(supervisor.pk)]
    ]


# --- replies, the job, its cost ------------------------------------------------------


def test_reply_sets_first_response_at_once(inbox, agent):
    conversation = make_conversation(inbox, visitor="v1")
    assert conversation.first_response_at is None

    reply(conversation, agent, "Bonjour !")
    first = reloaded(conversation).first_response_at
    receive_message(inbound(inbox, "Merci, et ensuite ?", visitor="v1"))
    reply(conversation, agent, "Ensuite on expédie.")

    assert first is not None
    assert reloaded(conversation).first_response_at == first


def test_the_worker_checks_deadlines():
    jobs = {job.name: job for job in default_jobs()}
    assert jobs["check SLA deadlines"].run is check_deadlines


def test_nothing_due_costs_one_query(inbox, django_assert_max_num_queries):
    make_policy(step("breached", "raise_priority"))
    settled = make_conversation(inbox)
    now = settled.due_at + MINUTE
    check_deadlines(now=now)  # records the breach and raises the priority
    later = make_conversation(inbox)
    Conversation.objects.filter(pk=later.pk).update(due_at=now + 2 * HOUR)
    routing_config()  # cached from here on, as in a running worker

    # The breached one is still within reach, but has nothing new to record.
    with django_assert_max_num_queries(1):
        assert check_deadlines(now=now + MINUTE) == 0
