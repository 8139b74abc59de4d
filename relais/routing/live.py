"""The routing engine on the live system: load the queue and the agents, run
the pure engine (routing/engine.py), write its assignments.

Push: `route_waiting()` runs a round for the inboxes that assign
automatically (the worker calls it every ROUND_SECONDS). Pull: `take_next()`
gives an agent the most urgent conversation they can take (the "Next" button).
Both write an assignment only if the conversation is still waiting unassigned
(a conditional UPDATE), so two rounds, two workers or a round and a click can
never give one conversation twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from relais.accounts.models import Agent, Presence, Team
from relais.connectors.models import Inbox
from relais.connectors.registry import CONNECTORS
from relais.conversations.models import Conversation, Status
from relais.conversations.realtime import publish_conversation
from relais.core.events import record_event
from relais.core.realtime import agent_group, broadcast_on_commit
from relais.routing import engine
from relais.routing.engine import AgentState, QueueItem
from relais.routing.sla import response_due

ROUND_SECONDS = 2
CALL = "call"
MAX_QUEUE = 20_000  # most urgent first; a longer queue waits for the next round
PULL_WINDOW = 500
# Conversations that hold an agent's attention: pending (waiting on the
# customer), snoozed and resolved ones release the capacity.
LOAD_STATUSES = (Status.OPEN,)
_ADVISORY_LOCK = 0x52454C41  # "RELA": one push round at a time on PostgreSQL

WAITING_FIELDS = (
    "id",
    "inbox_id",
    "channel",
    "priority",
    "team_id",
    "required_skills",
    "waiting_since",
    "due_at",
    "status",
    "assignee_id",
)


def channel_class(kind: str) -> str:
    connector = CONNECTORS.get(kind)
    return connector.channel_class if connector else "messaging"


def waiting_conversations(*, inbox_ids: Iterable[int] | None = None, limit: int = MAX_QUEUE):
    """Open, unassigned conversations whose customer waits, most urgent first."""
    waiting = Conversation.objects.filter(
        status=Status.OPEN, assignee__isnull=True, waiting_since__isnull=False
    )
    if inbox_ids is not None:
        waiting = waiting.filter(inbox_id__in=list(inbox_ids))
    return waiting.order_by("-priority", "due_at").only(*WAITING_FIELDS)[:limit]


def inbox_team_ids() -> dict[int, frozenset[int]]:
    """Inbox -> the teams serving it (an inbox without a team: anyone)."""
    serving: dict[int, set[int]] = defaultdict(set)
    for inbox_id, team_id in Team.inboxes.through.objects.values_list("inbox_id", "team_id"):
        serving[inbox_id].add(team_id)
    return {inbox_id: frozenset(teams) for inbox_id, teams in serving.items()}


def queue_item(conversation: Conversation, serving: dict[int, frozenset[int]]) -> QueueItem:
    """The engine's view of a waiting conversation. Only members of its team
    take it; without one, members of a team serving its inbox (a skill
    "inbox:<id>" every such member holds)."""
    kind = channel_class(conversation.channel)
    skills = dict(conversation.required_skills or {})
    if conversation.team_id is None and serving.get(conversation.inbox_id):
        skills[f"inbox:{conversation.inbox_id}"] = 1
    due = conversation.due_at or response_due(kind, conversation.waiting_since)
    return QueueItem(
        id=conversation.pk,
        channel=kind,
        deadline=due.timestamp(),
        priority=conversation.priority,
        arrived_at=conversation.waiting_since.timestamp(),
        skills=skills,
        team=conversation.team_id,
    )


def agent_loads(agent_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """Agent -> channel class -> conversations holding their attention."""
    rows = Conversation.objects.filter(status__in=LOAD_STATUSES, assignee__isnull=False)
    if agent_ids is not None:
        rows = rows.filter(assignee_id__in=list(agent_ids))
    loads: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for agent_id, kind, count in (
        rows.values_list("assignee_id", "channel").annotate(count=Count("id")).order_by()
    ):
        loads[agent_id][channel_class(kind)] += count
    return loads


def agent_state(
    agent: Agent,
    load: dict[str, int],
    teams: frozenset[int],
    serving: dict[int, frozenset[int]],
) -> AgentState:
    classes = {connector.channel_class for connector in CONNECTORS.values()}
    capacity = {kind: agent.capacity_for(kind) for kind in classes}
    free = {kind: max(capacity[kind] - load.get(kind, 0), 0) for kind in classes}
    # A call takes the agent's whole attention: on a call, nothing else; with
    # written conversations open, no call.
    if load.get(CALL):
        free = dict.fromkeys(free, 0)
    elif any(count for kind, count in load.items() if kind != CALL):
        free[CALL] = 0
    skills = {str(name): int(level) for name, level in (agent.skills or {}).items()}
    for inbox_id, inbox_teams in serving.items():
        if teams & inbox_teams:
            skills[f"inbox:{inbox_id}"] = 1
    return AgentState(
        id=agent.pk,
        free=free,
        skills=skills,
        teams=teams,
        last_assigned_at=agent.last_assigned_at.timestamp() if agent.last_assigned_at else 0.0,
        capacity=capacity,
    )


def agent_states(agents: Iterable[Agent], serving: dict[int, frozenset[int]]) -> list[AgentState]:
    agents = list(agents)
    ids = [agent.pk for agent in agents]
    loads = agent_loads(ids)
    teams: dict[int, set[int]] = defaultdict(set)
    for agent_id, team_id in Team.members.through.objects.filter(agent_id__in=ids).values_list(
        "agent_id", "team_id"
    ):
        teams[agent_id].add(team_id)
    return [
        agent_state(agent, loads.get(agent.pk, {}), frozenset(teams[agent.pk]), serving)
        for agent in agents
    ]


def route_waiting(now: datetime | None = None) -> int:
    """One push round; returns the number of conversations assigned.

    Reads first, outside any transaction (on SQLite a transaction holds the
    write lock, and the arriving messages would wait for the whole round),
    then writes each assignment in a short transaction of its own."""
    now = now or timezone.now()
    with _round_lock() as acquired:
        if not acquired:
            return 0
        online = Agent.objects.filter(is_active=True, presence=Presence.ONLINE)
        serving = inbox_team_ids()
        states = agent_states(online, serving)
        if not any(any(state.free.values()) for state in states):
            return 0  # nobody has room: no need to read the queue
        auto = Inbox.objects.filter(is_active=True, auto_assign=True).values_list("pk", flat=True)
        waiting = list(waiting_conversations(inbox_ids=auto))
        if not waiting:
            return 0
        items = [queue_item(conversation, serving) for conversation in waiting]
        by_id = {conversation.pk: conversation for conversation in waiting}
        assigned = 0
        channel_of = {item.id: item.channel for item in items}
        for assignment in one_call_alone(engine.assign(items, states), channel_of):
            with transaction.atomic():
                conversation = by_id[assignment.item_id]
                assigned += _give(conversation, assignment.agent_id, now, mode="push")
        return assigned


def one_call_alone(
    assignments: Iterable[engine.Assignment], channel_of: dict[int, str]
) -> list[engine.Assignment]:
    """The round's assignments, except that an agent given a call gets nothing
    else in the round, and one given written work gets no call (the engine
    counts capacity per channel; attention is one). In queue order, so the
    more urgent wins; what is left out waits for the next round."""
    calls: set[int] = set()
    written: set[int] = set()
    kept = []
    for assignment in assignments:
        agent, is_call = assignment.agent_id, channel_of[assignment.item_id] == CALL
        if agent in calls or (is_call and agent in written):
            continue
        (calls if is_call else written).add(agent)
        kept.append(assignment)
    return kept


def take_next(agent: Agent) -> Conversation | None:
    """Pull: assign the most urgent waiting conversation `agent` may take now
    (qualified, with room on its channel, on an inbox they serve), or None."""
    from relais.accounts.access import visible_inbox_ids

    now = timezone.now()
    serving = inbox_team_ids()
    for _attempt in range(3):  # someone else may take the same one first
        with transaction.atomic():
            state = agent_states([agent], serving)[0]
            waiting = list(
                waiting_conversations(inbox_ids=visible_inbox_ids(agent), limit=PULL_WINDOW)
            )
            items = engine.sort_queue(queue_item(c, serving) for c in waiting)
            item = engine.next_item(state, items, presorted=True)
            if item is None:
                return None
            conversation = next(c for c in waiting if c.pk == item.id)
            if _give(conversation, agent.pk, now, mode="pull"):
                conversation.assignee_id = agent.pk
                return conversation
    return None


def _give(conversation: Conversation, agent_id: int, now: datetime, *, mode: str) -> int:
    """Assign if still waiting unassigned; 1 when done, 0 when someone was first."""
    updated = Conversation.objects.filter(
        pk=conversation.pk, assignee__isnull=True, status=Status.OPEN
    ).update(assignee_id=agent_id, updated_at=now)
    if not updated:
        return 0
    Agent.objects.filter(pk=agent_id).update(last_assigned_at=now)
    conversation.assignee_id = agent_id
    record_event(
        "conversation.assigned",
        conversation=conversation,
        assignee_id=agent_id,
        previous_assignee_id=None,
        team_id=conversation.team_id,
        routing=mode,
    )
    publish_conversation(conversation)
    broadcast_on_commit(
        [agent_group(agent_id)],
        {"name": "conversation.routed", "conversation_id": conversation.pk, "routing": mode},
    )
    return 1


@contextmanager
def _round_lock() -> Iterator[bool]:
    """PostgreSQL: one round at a time across workers (a session advisory
    lock, released after the round). SQLite deployments run one worker."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_ADVISORY_LOCK])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_LOCK])
