"""The supervisor's view of the live system: per channel class, who waits and
for how long, which deadlines are at risk or breached; the waiting queue in
the engine's order; each agent's presence, load and conversations.

`summarise_channels` and `response_warning` are pure (plain data in, plain
data out); `load_supervision` reads the database in a constant number of
queries, whatever the number of agents and conversations, and calls them.

What the counts mean (docs for the page):
- waiting: open, unassigned conversations whose customer waits for an answer;
- at risk / breached: among those, deadlines within their warning window / past;
- assigned at risk / assigned late: the same among open conversations an agent
  holds while the customer waits for their answer (the agent owes a reply).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from relais.accounts.models import Agent, Presence
from relais.connectors.models import Inbox
from relais.conversations.models import Conversation, Status
from relais.routing.chat_offered import chat_offered_share
from relais.routing.config import Policy, RoutingConfig, response_warning, routing_config
from relais.routing.engine import sort_queue
from relais.routing.live import (
    MAX_QUEUE,
    agent_loads,
    channel_class,
    inbox_team_ids,
    queue_item,
)
from relais.routing.sla import BreachState, breach_state, response_due

CHANNEL_ORDER = ("call", "chat", "messaging", "email")
QUEUE_SHOWN = 50
CONVERSATIONS_PER_AGENT = 10
PRESENCE_ORDER = (Presence.ONLINE, Presence.BUSY, Presence.AWAY, Presence.OFFLINE)
# What the page prints of a listed conversation (Contact.__str__ needs the last three).
SHOWN_FIELDS = (
    *("id", "inbox", "channel", "subject", "priority", "due_at", "assignee", "contact"),
    *("inbox__name", "contact__name", "contact__email", "contact__phone"),
)


@dataclass(frozen=True, slots=True)
class WaitingRow:
    """An open conversation whose customer waits: the fields `live.queue_item`
    reads, and those the warning window needs. Plain rows, not model instances:
    the page reads thousands of them every 5 s."""

    pk: int
    inbox_id: int
    channel: str  # the inbox kind
    priority: int
    team_id: int | None
    required_skills: dict
    waiting_since: datetime
    due_at: datetime | None
    assignee_id: int | None
    sla_policy_id: int | None
    first_response_at: datetime | None


WAITING_ROW_FIELDS = tuple(
    "id" if name == "pk" else name for name in WaitingRow.__dataclass_fields__
)


@dataclass(frozen=True, slots=True)
class ResponseClock:
    """A customer waiting for an answer, as the summary needs it."""

    channel: str  # channel class
    assigned: bool
    waiting_since: datetime
    due: datetime
    warn_before: timedelta


@dataclass(frozen=True, slots=True)
class ChannelSummary:
    channel: str
    waiting: int = 0
    oldest_wait: timedelta | None = None  # None when nobody waits
    at_risk: int = 0
    breached: int = 0
    assigned_at_risk: int = 0
    assigned_late: int = 0


@dataclass(frozen=True, slots=True)
class QueuedConversation:
    conversation: Conversation  # with contact and inbox loaded
    channel: str
    due: datetime
    state: BreachState


@dataclass(frozen=True, slots=True)
class LoadCell:
    channel: str
    load: int
    capacity: int


@dataclass(frozen=True)
class AgentOverview:
    agent: Agent
    team_names: tuple[str, ...]
    loads: tuple[LoadCell, ...]
    conversations: tuple[Conversation, ...]  # the most urgent first, with contact and inbox
    more: int  # open conversations held but not listed


@dataclass(frozen=True)
class Supervision:
    now: datetime
    channels: list[ChannelSummary]
    queue: list[QueuedConversation]  # the first QUEUE_SHOWN, most urgent first
    waiting_total: int
    agents: list[AgentOverview]
    # Inbox -> active agents who may take its conversations (name order).
    assignable: dict[int, list[Agent]]
    # (web chat inbox name, share of today's opening time the chat was offered)
    chat_offered: list[tuple[str, float]] = field(default_factory=list)


def ordered_channels(channels: Iterable[str]) -> list[str]:
    """Channel classes in the usual order (call, chat, messaging, e-mail), others after."""
    present = set(channels)
    known = [channel for channel in CHANNEL_ORDER if channel in present]
    return known + sorted(present - set(CHANNEL_ORDER))


def summarise_channels(
    clocks: Iterable[ResponseClock], channels: Iterable[str], now: datetime
) -> list[ChannelSummary]:
    """One summary per channel class: `channels` always appear, a class seen
    only in `clocks` is added; in `ordered_channels` order."""
    counts: dict[str, dict[str, int]] = {channel: defaultdict(int) for channel in channels}
    oldest: dict[str, datetime] = {}
    for clock in clocks:
        tally = counts.setdefault(clock.channel, defaultdict(int))
        state = breach_state(clock.due, now, clock.warn_before)
        if clock.assigned:
            tally["assigned_late" if state == "breached" else f"assigned_{state}"] += 1
            continue
        tally["waiting"] += 1
        tally[state] += 1
        if clock.channel not in oldest or clock.waiting_since < oldest[clock.channel]:
            oldest[clock.channel] = clock.waiting_since
    return [
        ChannelSummary(
            channel=channel,
            waiting=counts[channel]["waiting"],
            oldest_wait=max(now - oldest[channel], timedelta(0)) if channel in oldest else None,
            at_risk=counts[channel]["at_risk"],
            breached=counts[channel]["breached"],
            assigned_at_risk=counts[channel]["assigned_at_risk"],
            assigned_late=counts[channel]["assigned_late"],
        )
        for channel in ordered_channels(counts)
    ]


def load_supervision(
    now: datetime | None = None, config: RoutingConfig | None = None
) -> Supervision:
    """Everything the supervision page shows, in a constant number of queries."""
    now = now or timezone.now()
    config = config or routing_config()
    serving = inbox_team_ids()
    waiting = _customers_waiting()
    policies = {policy.id: policy for policy in config.policies}
    clocks = {conversation.pk: _clock(conversation, policies) for conversation in waiting}
    unassigned = [c for c in waiting if c.assignee_id is None]
    queue = _queue(unassigned, serving, clocks, now)
    agents = sorted(
        Agent.objects.filter(is_active=True).prefetch_related("teams"),
        key=lambda agent: (_presence_rank(agent.presence), str(agent).lower()),
    )
    loads = agent_loads()
    inbox_kinds = Inbox.objects.filter(is_active=True).order_by().values_list("kind", flat=True)
    channels = ordered_channels(
        {channel_class(kind) for kind in inbox_kinds.distinct()}
        | {clock.channel for clock in clocks.values()}
        | {channel for load in loads.values() for channel in load}
    )
    overviews = _agent_overviews(agents, loads, channels)
    shown_inboxes = {entry.conversation.inbox_id for entry in queue} | {
        c.inbox_id for overview in overviews for c in overview.conversations
    }
    return Supervision(
        now=now,
        channels=summarise_channels(clocks.values(), channels, now),
        queue=queue,
        waiting_total=len(unassigned),
        agents=overviews,
        assignable=assignable_by_inbox(agents, serving, shown_inboxes),
        chat_offered=_chat_offered_today(now, config),
    )


def _chat_offered_today(now: datetime, config: RoutingConfig) -> list[tuple[str, float]]:
    """The chat-offered KPI of each web chat inbox since midnight, over the
    default opening hours when there are some (the time the site is staffed)."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    chats = Inbox.objects.filter(kind="webchat", is_active=True).only("pk", "name")
    return [
        (inbox.name, chat_offered_share(inbox, start, now, opening=config.default_calendar))
        for inbox in chats
    ]


def assignable_by_inbox(
    agents: Iterable[Agent], serving: Mapping[int, frozenset[int]], inbox_ids: Iterable[int]
) -> dict[int, list[Agent]]:
    """Who may take each inbox's conversations: members of a team serving it,
    supervisors and admins (the rule `assign_conversation` checks)."""
    by_name = sorted(agents, key=lambda agent: str(agent).lower())
    team_ids = {agent.pk: {team.pk for team in agent.teams.all()} for agent in by_name}
    return {
        inbox_id: [
            agent
            for agent in by_name
            if agent.sees_everything or team_ids[agent.pk] & serving.get(inbox_id, frozenset())
        ]
        for inbox_id in inbox_ids
    }


def _customers_waiting() -> list[WaitingRow]:
    """Open conversations whose customer waits, assigned or not, soonest due
    first (at most MAX_QUEUE, as the engine's rounds)."""
    rows = (
        Conversation.objects.filter(status=Status.OPEN, waiting_since__isnull=False)
        .order_by(F("due_at").asc(nulls_last=True), "id")
        .values_list(*WAITING_ROW_FIELDS)[:MAX_QUEUE]
    )
    return [WaitingRow(*row) for row in rows]


def _clock(conversation: WaitingRow, policies: Mapping[int, Policy]) -> ResponseClock:
    channel = channel_class(conversation.channel)
    policy = policies.get(conversation.sla_policy_id) if conversation.sla_policy_id else None
    answered = conversation.first_response_at is not None
    # As the engine sees it (live.queue_item): without a deadline, the channel's.
    due = conversation.due_at or response_due(channel, conversation.waiting_since)
    return ResponseClock(
        channel=channel,
        assigned=conversation.assignee_id is not None,
        waiting_since=conversation.waiting_since,
        due=due,
        warn_before=response_warning(channel, policy, answered),
    )


def _queue(
    unassigned: list[WaitingRow],
    serving: dict[int, frozenset[int]],
    clocks: Mapping[int, ResponseClock],
    now: datetime,
) -> list[QueuedConversation]:
    """The first QUEUE_SHOWN waiting conversations in the engine's order."""
    # queue_item reads only attributes a WaitingRow has.
    items = sort_queue(queue_item(row, serving) for row in unassigned)  # type: ignore[arg-type]
    top = [item.id for item in items[:QUEUE_SHOWN]]
    if not top:
        return []
    by_id = Conversation.objects.select_related("contact", "inbox").only(*SHOWN_FIELDS).in_bulk(top)
    queue = []
    for conversation_id in top:
        conversation = by_id.get(conversation_id)
        if conversation is None:  # deleted since the first query
            continue
        clock = clocks[conversation_id]
        state = breach_state(clock.due, now, clock.warn_before)
        queue.append(QueuedConversation(conversation, clock.channel, clock.due, state))
    return queue


def _agent_overviews(
    agents: list[Agent], loads: Mapping[int, Mapping[str, int]], channels: list[str]
) -> list[AgentOverview]:
    held = _held_conversations()
    overviews = []
    for agent in agents:
        load = loads.get(agent.pk, {})
        listed = held.get(agent.pk, [])
        overviews.append(
            AgentOverview(
                agent=agent,
                team_names=tuple(team.name for team in agent.teams.all()),
                loads=tuple(
                    LoadCell(channel, load.get(channel, 0), agent.capacity_for(channel))
                    for channel in channels
                ),
                conversations=tuple(listed),
                more=max(sum(load.values()) - len(listed), 0),
            )
        )
    return overviews


def _held_conversations() -> dict[int, list[Conversation]]:
    """Agent -> up to CONVERSATIONS_PER_AGENT open conversations, soonest due
    first, in one query (a window function ranks them per agent)."""
    ranked = (
        Conversation.objects.filter(status=Status.OPEN, assignee__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("assignee_id")],
                order_by=[F("due_at").asc(nulls_last=True), F("id").asc()],
            )
        )
        .filter(rank__lte=CONVERSATIONS_PER_AGENT)
        .select_related("contact", "inbox")
        .only(*SHOWN_FIELDS)
        .order_by("assignee_id", "rank")
    )
    held: dict[int, list[Conversation]] = defaultdict(list)
    for conversation in ranked:
        held[conversation.assignee_id].append(conversation)
    return held


def _presence_rank(presence: str) -> int:
    return PRESENCE_ORDER.index(presence) if presence in PRESENCE_ORDER else len(PRESENCE_ORDER)
