"""The assignment engine (pure: no database, no clock, no Django).

Given the waiting items and the agents, decide who takes what. The live system
(push on arrival and on released capacity, pull with the "next" button) and the
simulator in `relais/planning/` call the same functions, so the simulation
measures the real code.

Times are plain floats (seconds since the epoch, or since the start of a
simulated day): the caller converts.

Presence is the caller's business: pass only the agents who may take work now
(an away agent is left out, or passed with no free capacity). Languages and
topics are skills like any other ("lang:fr", "topic:billing").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from relais.routing.ranking import AgentPool

# How far each priority moves an item ahead of its deadline, in seconds.
# Deadlines carry the channel (a call is due within 60 s, an e-mail within
# 24 h), so they must dominate across channels; priority only reorders items
# whose deadlines are close. 30 minutes at most is nothing beside the e-mail
# horizon (an urgent e-mail never overtakes a chat due now) but a whole
# messaging horizon (a VIP's message jumps the social queue). The advance is
# bounded and an item's key never changes while newcomers' keys grow with the
# clock: a newcomer with the same response target overtakes an item only if it
# arrives within 30 minutes of it, so low priority never starves.
PRIORITY_ADVANCE: Mapping[int, float] = {
    0: 0.0,  # low
    1: 60.0,  # normal: ahead of low items due within the same minute
    2: 10 * 60.0,  # high: e.g. a public social post
    3: 30 * 60.0,  # urgent: e.g. the VIP segment
}
ORDERS = ("urgency", "fifo")


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A conversation waiting for an agent.

    Build it once when the conversation starts waiting and keep it while it
    waits: its place in the queue (`urgency`) and the agents it needs (`kind`)
    are worked out here, once, not in every round. Treat `skills` as frozen."""

    id: int
    channel: str  # capacity class: "call", "chat", "messaging", "email"
    deadline: float  # when the next answer is due
    priority: int = 0  # 0 low, 1 normal, 2 high, 3 urgent (others are clamped)
    arrived_at: float = 0.0
    # Required skills, each with the minimum level (1-5): {"lang:fr": 1, "topic:billing": 2}.
    skills: Mapping[str, int] = field(default_factory=dict)
    team: int | None = None  # only members of this team may take it
    # Derived: the deadline moved ahead by priority (the first part of `urgency_key`).
    urgency: float = field(init=False, repr=False, compare=False)
    # Derived: items of one kind (channel, team, required skills) suit the same agents.
    kind: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "urgency", self.deadline - priority_advance(self.priority))
        object.__setattr__(self, "kind", item_kind(self.channel, self.team, self.skills))


@dataclass(frozen=True, slots=True)
class AgentState:
    """An agent as the engine sees them at one instant."""

    id: int
    free: Mapping[str, int]  # free capacity per channel class
    skills: Mapping[str, int] = field(default_factory=dict)  # skill -> level 1-5
    teams: frozenset[int] = frozenset()
    last_assigned_at: float = float("-inf")  # fairness: longest idle first
    # Whole capacity per channel class (e.g. 1 call, 3 chats, 8 e-mails), to
    # prefer the least loaded agent; a channel missing here counts as idle
    # (its free capacity is the whole capacity).
    capacity: Mapping[str, int] = field(default_factory=dict)


class Assignment(NamedTuple):
    """Who takes what. A named tuple: a busy round makes thousands, and a frozen
    dataclass costs several times more to build."""

    item_id: int
    agent_id: int


def priority_advance(priority: int) -> float:
    """Seconds `priority` moves an item ahead; out-of-range values are clamped."""
    advance = PRIORITY_ADVANCE.get(priority)
    if advance is None:
        lowest, highest = min(PRIORITY_ADVANCE), max(PRIORITY_ADVANCE)
        advance = PRIORITY_ADVANCE[max(min(priority, highest), lowest)]
    return advance


def item_kind(channel: str, team: int | None, skills: Mapping[str, int]) -> str:
    """A string naming what an item needs: items of one kind suit the same agents.
    A string caches its hash, which keeps the per-item lookup of a round cheap."""
    return _kind_name(channel, team, tuple(skills.items()))


@lru_cache(maxsize=4096)  # kinds are few (the routing rules make them); repr is slow
def _kind_name(channel: str, team: int | None, skills: tuple[tuple[str, int], ...]) -> str:
    return repr((channel, team, sorted(skills)))


def urgency_key(item: QueueItem) -> tuple[float, float, int]:
    """The Relais order: deadline moved ahead by priority, then arrival, then id.
    The live queue view sorts with this key, so it shows what the engine does."""
    return (item.urgency, item.arrived_at, item.id)


def fifo_key(item: QueueItem) -> tuple[float, int]:
    """Arrival order, the baseline the simulator compares against."""
    return (item.arrived_at, item.id)


_FIRST_KEY = {"urgency": attrgetter("urgency"), "fifo": attrgetter("arrived_at")}
_FULL_KEY = {"urgency": urgency_key, "fifo": fifo_key}


def sort_queue(items: Iterable[QueueItem], order: str = "urgency") -> list[QueueItem]:
    """The items, most urgent first; sort once, then pass to `next_item(presorted=True)`."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}, expected one of {ORDERS}")
    # Sorting on one float is twice as fast as on a tuple, and ties are rare:
    # break them with the full key only when there are some.
    queue = sorted(items, key=_FIRST_KEY[order])
    if len(set(map(_FIRST_KEY[order], queue))) < len(queue):
        queue.sort(key=_FULL_KEY[order])
    return queue


def eligible(agent: AgentState, item: QueueItem) -> bool:
    """Whether `agent` is qualified for `item` (every required skill at the
    required level, member of the item's team), whatever their current load."""
    if item.team is not None and item.team not in agent.teams:
        return False
    skills = agent.skills
    return all(skills.get(skill, 0) >= level for skill, level in item.skills.items())


def can_take(agent: AgentState, item: QueueItem) -> bool:
    """Whether `agent` is qualified for `item` and has room on its channel now."""
    return agent.free.get(item.channel, 0) > 0 and eligible(agent, item)


def assign(
    items: Iterable[QueueItem],
    agents: Iterable[AgentState],
    *,
    order: str = "urgency",
    presorted: bool = False,
) -> list[Assignment]:
    """Push mode: give the most urgent items to the best available agents.

    `order` is "urgency" (deadline shifted by priority, the Relais policy) or
    "fifo" (arrival order, the baseline the simulator compares against).
    Guarantees: no agent above their free capacity on any channel, no item
    assigned twice (an id passed twice is assigned at most once), an item only
    goes to an agent holding every required skill at the required level and in
    the required team. Items are served in `order`; each goes to the eligible
    agent with room on its channel who ranks first (see `ranking.AgentPool`),
    so an item stays unassigned only when no such agent is left.
    With `presorted=True` the items are taken to be in `order` already (a
    caller keeping its queue sorted saves the sort, a sixth of a busy round).
    Raises ValueError for an unknown order or two agents with the same id.
    """
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}, expected one of {ORDERS}")
    pool = AgentPool(agents)
    if not pool.total_free:
        return []
    served = pool.serve(items if presorted else sort_queue(items, order))
    return [Assignment(item.id, agent_id) for item, agent_id in served]


def next_item(
    agent: AgentState,
    items: Sequence[QueueItem],
    *,
    order: str = "urgency",
    presorted: bool = False,
) -> QueueItem | None:
    """Pull mode: the most urgent item this agent may take now, or None.

    With `presorted=True` the items are taken to be in `order` already (from
    `sort_queue`) and the scan stops at the first item the agent can take;
    otherwise every item is looked at once (no sort)."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}, expected one of {ORDERS}")
    candidates = (item for item in items if can_take(agent, item))
    if presorted:
        return next(candidates, None)
    return min(candidates, key=urgency_key if order == "urgency" else fifo_key, default=None)
