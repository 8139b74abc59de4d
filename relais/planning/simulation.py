"""A contact-centre day, event by event, routed by the real engine (pure: no Django).

Events are arrivals (an item enters the queue), completions (an agent is done
with an item), abandonments (a caller or chat visitor gives up while still
waiting) and shift starts. After each instant that brought new work or freed
an agent, the simulator offers the waiting items and the agents with room to
`assign` (`relais.routing.engine.assign` unless another is injected) with the
policy's order — "urgency" for Relais, "fifo" for the baseline — and applies
the answer. An item is answered when an agent takes it.

Attention: the engine knows free capacity per channel, not that a call takes
the whole agent. Each round the simulator passes every agent's free capacity
reduced to what their remaining attention allows (see `workload.ATTENTION`:
one chat open, no call), then accepts the engine's assignments in the order
returned (the policy's order) up to the first that would overfill its agent
(the engine may give one idle agent a call and three chats in the same round);
the rest is offered again in a new round at the same instant, so the result is
what an engine aware of attention would do, item by item in the policy's order.

Closing: arrivals stop at `workload.CLOSE_S`; agents whose shift runs to
closing stay until the queue is empty, so every item ends answered or
abandoned (an item no present agent is qualified for stays unanswered). An
agent whose shift ends earlier finishes what they hold and takes nothing new.

The engine's guarantees are checked on every answer: an assignment of an item
not offered or already taken, to an unknown or unqualified agent, or beyond the
free capacity passed, raises `EngineContractError`.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from relais.planning.workload import (
    ATTENTION,
    CAPACITY,
    CLOSE_S,
    HOUR,
    OPEN_S,
    AgentShift,
    Arrival,
)
from relais.routing import engine
from relais.routing.engine import AgentState, Assignment, QueueItem

AssignFunction = Callable[..., list[Assignment]]  # (items, agents, *, order) -> assignments
EPSILON = 1e-9  # attention is a float: 5 x 1/5 must still fit in 1
# An event's subject: an arrival id, an agent id, or (item id, agent id) for a completion.
Subject = int | tuple[int, int]

# Events at the same instant: free agents first, then new agents, new items, give-ups.
COMPLETE, START, ARRIVE, ABANDON = "complete", "start", "arrive", "abandon"
ASSIGN = "assign"
_RANK = {COMPLETE: 0, START: 1, ARRIVE: 2, ABANDON: 3}


class EngineContractError(AssertionError):
    """The engine answered something its docstring rules out."""


@dataclass(frozen=True, slots=True)
class TraceEvent:
    time: float
    kind: str  # "arrive", "assign", "complete", "abandon"
    item_id: int
    agent_id: int | None = None


@dataclass(frozen=True, slots=True)
class SimulationResult:
    order: str
    arrivals: Sequence[Arrival]
    shifts: Sequence[AgentShift]
    trace: list[TraceEvent]
    attention: Mapping[str, float] = field(default_factory=lambda: dict(ATTENTION))


@dataclass(slots=True)
class _Agent:
    shift: AgentShift
    capacity: dict[str, int]  # per channel, as far as attention allows
    held: dict[str, int] = field(default_factory=dict)
    attention_used: float = 0.0
    last_assigned_at: float = -math.inf


def simulate(
    arrivals: Iterable[Arrival],
    shifts: Iterable[AgentShift],
    *,
    order: str = "urgency",
    assign: AssignFunction = engine.assign,
    attention: Mapping[str, float] = ATTENTION,
    capacity: Mapping[str, int] = CAPACITY,
) -> SimulationResult:
    """Play the day: every arrival, routed by `assign(items, agents, order=order)`."""
    day = _Day(list(arrivals), list(shifts), order, assign, attention, capacity)
    day.run()
    return SimulationResult(order, day.arrivals, day.shifts, day.trace, dict(attention))


class _Day:
    def __init__(
        self,
        arrivals: list[Arrival],
        shifts: list[AgentShift],
        order: str,
        assign: AssignFunction,
        attention: Mapping[str, float],
        capacity: Mapping[str, int],
    ) -> None:
        self.arrivals, self.shifts = arrivals, shifts
        self.order, self.assign, self.attention = order, assign, attention
        self.by_id = {arrival.id: arrival for arrival in arrivals}
        self.agents = {
            shift.id: _Agent(shift, _effective_capacity(capacity, attention)) for shift in shifts
        }
        self.waiting: dict[str, dict[int, QueueItem]] = {channel: {} for channel in attention}
        self.trace: list[TraceEvent] = []
        self._events: list[tuple[float, int, int, str, Subject]] = []
        self._sequence = itertools.count()
        for arrival in arrivals:
            self._push(arrival.queued_at, ARRIVE, arrival.id)
        for shift in shifts:
            self._push(shift.start, START, shift.id)

    def _push(self, time: float, kind: str, subject: Subject) -> None:
        heapq.heappush(self._events, (time, _RANK[kind], next(self._sequence), kind, subject))

    def run(self) -> None:
        events = self._events
        while events:
            now = events[0][0]
            needs_round = False
            while events and events[0][0] == now:
                _, _, _, kind, subject = heapq.heappop(events)
                needs_round |= self._handle(now, kind, subject)
            if needs_round:
                self._dispatch(now)

    def _handle(self, now: float, kind: str, subject: Subject) -> bool:
        """Apply one event; whether it may allow a new assignment."""
        if kind == ARRIVE:
            arrival = self.by_id[subject]
            self.waiting[arrival.channel][arrival.id] = _queue_item(arrival)
            self.trace.append(TraceEvent(now, ARRIVE, arrival.id))
            if math.isfinite(arrival.patience_s):
                self._push(arrival.queued_at + arrival.patience_s, ABANDON, arrival.id)
            return True
        if kind == ABANDON:
            arrival = self.by_id[subject]
            if self.waiting[arrival.channel].pop(arrival.id, None) is not None:
                self.trace.append(TraceEvent(now, ABANDON, arrival.id))
            return False
        if kind == COMPLETE:
            item_id, agent_id = subject
            self._release(self.agents[agent_id], self.by_id[item_id].channel)
            self.trace.append(TraceEvent(now, COMPLETE, item_id, agent_id))
        return True  # COMPLETE or START: an agent has room

    def _release(self, agent: _Agent, channel: str) -> None:
        agent.held[channel] -= 1
        # Recomputed rather than subtracted, so that rounding never accumulates.
        agent.attention_used = sum(
            count * self.attention[held_channel] for held_channel, count in agent.held.items()
        )

    def _dispatch(self, now: float) -> None:
        """Rounds of `assign` until the engine's answer fits every agent."""
        while True:
            states = self._agent_states(now)
            channels = {channel for state in states.values() for channel in state.free}
            items = [item for channel in channels for item in self.waiting[channel].values()]
            if not items:
                return
            answer = self.assign(items, list(states.values()), order=self.order)
            if not self._apply(answer, items, states, now):
                return

    def _agent_states(self, now: float) -> dict[int, AgentState]:
        states = {}
        for agent in self.agents.values():
            shift = agent.shift
            if not (shift.start <= now and (now < shift.end or shift.end >= CLOSE_S)):
                continue
            room = 1.0 - agent.attention_used + EPSILON
            free = {}
            for channel, capacity in agent.capacity.items():
                fits = min(
                    capacity - agent.held.get(channel, 0), int(room / self.attention[channel])
                )
                if fits > 0:
                    free[channel] = fits
            if free:
                states[shift.id] = AgentState(
                    id=shift.id,
                    free=free,
                    skills=shift.skills,
                    last_assigned_at=agent.last_assigned_at,
                    capacity=agent.capacity,
                )
        return states

    def _apply(
        self,
        answer: list[Assignment],
        items: list[QueueItem],
        states: Mapping[int, AgentState],
        now: float,
    ) -> bool:
        """Take the engine's assignments in order up to the first that would
        overfill its agent; whether one did (the rest waits for a new round, as
        the engine chose it not knowing that agent was full)."""
        offered = {item.id: item for item in items}
        given: dict[tuple[int, str], int] = {}
        for assignment in answer:
            item = offered.pop(assignment.item_id, None)
            state = states.get(assignment.agent_id)
            _check_contract(assignment, item, state, given)
            agent = self.agents[assignment.agent_id]
            weight = self.attention[item.channel]
            if agent.attention_used + weight > 1.0 + EPSILON:
                return True
            del self.waiting[item.channel][item.id]
            agent.held[item.channel] = agent.held.get(item.channel, 0) + 1
            agent.attention_used += weight
            agent.last_assigned_at = now
            self.trace.append(TraceEvent(now, ASSIGN, item.id, agent.shift.id))
            done_at = now + self.by_id[item.id].handle_s
            self._push(done_at, COMPLETE, (item.id, agent.shift.id))
        return False


def _check_contract(
    assignment: Assignment,
    item: QueueItem | None,
    state: AgentState | None,
    given: dict[tuple[int, str], int],
) -> None:
    if item is None:
        raise EngineContractError(f"{assignment}: item not offered, or assigned twice")
    if state is None:
        raise EngineContractError(f"{assignment}: agent not offered")
    key = (state.id, item.channel)
    given[key] = given.get(key, 0) + 1
    if given[key] > state.free.get(item.channel, 0):
        raise EngineContractError(
            f"{assignment}: agent {state.id} given {given[key]} {item.channel} items,"
            f" free {state.free.get(item.channel, 0)}"
        )
    if not all(state.skills.get(skill, 0) >= level for skill, level in item.skills.items()):
        raise EngineContractError(f"{assignment}: agent lacks {dict(item.skills)}")


def _effective_capacity(
    capacity: Mapping[str, int], attention: Mapping[str, float]
) -> dict[str, int]:
    """Per channel, the items one agent may hold at once: the product's capacity,
    bounded by how many fit in a whole agent's attention (one e-mail at a time)."""
    return {
        channel: min(capacity[channel], int((1.0 + EPSILON) / weight))
        for channel, weight in attention.items()
    }


def _queue_item(arrival: Arrival) -> QueueItem:
    return QueueItem(
        id=arrival.id,
        channel=arrival.channel,
        deadline=arrival.deadline,
        priority=arrival.priority,
        arrived_at=arrival.arrived_at,
        skills=arrival.skills,
    )


@dataclass(frozen=True, slots=True)
class ChannelMetrics:
    """One channel's service over the day. Waits run from queue entry to the
    first agent, over answered items; `within_target` counts an abandoned or
    unanswered item as missed."""

    offered: int
    answered: int
    abandoned: int
    within_target: float  # share of offered items answered by their deadline
    abandoned_share: float
    wait_avg_s: float | None  # None when nothing was answered
    wait_p90_s: float | None


@dataclass(frozen=True, slots=True)
class DaySummary:
    channels: dict[str, ChannelMetrics]
    occupancy: float  # attention in use / agents present, over opening hours
    hourly_occupancy: list[float]  # each opening hour
    last_answer_at: float | None


def summarise(result: SimulationResult) -> DaySummary:
    """The day's figures, from the trace alone."""
    answered_at, abandoned = {}, set()
    for event in result.trace:
        if event.kind == ASSIGN:
            answered_at[event.item_id] = event.time
        elif event.kind == ABANDON:
            abandoned.add(event.item_id)
    by_channel: dict[str, list[Arrival]] = {}
    for arrival in result.arrivals:
        by_channel.setdefault(arrival.channel, []).append(arrival)
    channels = {
        channel: _channel_metrics(arrivals, answered_at, abandoned)
        for channel, arrivals in by_channel.items()
    }
    hourly = hourly_occupancy(result)
    busy = sum(hour_busy for hour_busy, _ in hourly)
    present = sum(hour_present for _, hour_present in hourly)
    return DaySummary(
        channels=channels,
        occupancy=busy / present if present else 0.0,
        hourly_occupancy=[hour_busy / p if p else 0.0 for hour_busy, p in hourly],
        last_answer_at=max(answered_at.values(), default=None),
    )


def _channel_metrics(
    arrivals: list[Arrival], answered_at: Mapping[int, float], abandoned: set[int]
) -> ChannelMetrics:
    waits, on_time = [], 0
    for arrival in arrivals:
        taken = answered_at.get(arrival.id)
        if taken is None:
            continue
        waits.append(taken - arrival.queued_at)
        on_time += taken <= arrival.deadline
    gave_up = sum(1 for arrival in arrivals if arrival.id in abandoned)
    offered = len(arrivals)
    waits.sort()
    return ChannelMetrics(
        offered=offered,
        answered=len(waits),
        abandoned=gave_up,
        within_target=on_time / offered if offered else 0.0,
        abandoned_share=gave_up / offered if offered else 0.0,
        wait_avg_s=sum(waits) / len(waits) if waits else None,
        wait_p90_s=percentile(waits, 0.9) if waits else None,
    )


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def hourly_occupancy(result: SimulationResult) -> list[tuple[float, float]]:
    """Per opening hour: (attention-seconds in use, agent-seconds present)."""
    count = math.ceil((CLOSE_S - OPEN_S) / HOUR)
    hours = [
        (OPEN_S + index * HOUR, min(OPEN_S + (index + 1) * HOUR, CLOSE_S)) for index in range(count)
    ]
    channel_of = {arrival.id: arrival.channel for arrival in result.arrivals}
    started: dict[tuple[int, int | None], float] = {}
    busy = [0.0] * len(hours)
    for event in result.trace:
        if event.kind == ASSIGN:
            started[(event.item_id, event.agent_id)] = event.time
        elif event.kind == COMPLETE:
            begin = started.pop((event.item_id, event.agent_id))
            weight = result.attention[channel_of[event.item_id]]
            for index, (start, end) in enumerate(hours):
                busy[index] += weight * _overlap(begin, event.time, start, end)
    present = [
        sum(_overlap(shift.start, shift.end, start, end) for shift in result.shifts)
        for start, end in hours
    ]
    return list(zip(busy, present, strict=True))


def _overlap(begin: float, finish: float, start: float, end: float) -> float:
    return max(0.0, min(finish, end) - max(begin, start))
