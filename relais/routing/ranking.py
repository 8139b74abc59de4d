"""Who takes what during one assignment round (pure).

Comparing every item with every agent costs items x agents (10 million checks
for 10,000 items and 1,000 agents). Items fall into few kinds instead: the
same channel, team and required skills make the same agents eligible. Each
kind gets a heap of its eligible agents with room on the channel, built the
first time an item of that kind comes up, with set intersections and `map`
(C speed, no Python loop per agent). Once a kind's heap is empty its later
items are skipped in O(1).

An agent sits in the heaps of every kind they are eligible for. When they take
an item their rank gets worse everywhere (less room, just served); rather than
updating every heap, an entry records the agent's recency rank, which changes
with every item they take, and a stale entry met on top of a heap is re-ranked
then (lazy invalidation). Ranks only ever get worse during a round, so a fresh
entry on top is truly the best agent.

The rank, best first: the higher sum of the agent's levels in the required
skills; then the larger share of their capacity still free on the channel
(least loaded); then the longest idle (an agent served in this round counts as
served now, after every agent not yet served); then the lowest id.
"""

from __future__ import annotations

from collections.abc import Iterable
from heapq import heapify, heappop, heapreplace
from itertools import compress
from operator import add, methodcaller, neg
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relais.routing.engine import AgentState, QueueItem

# A heap entry: (-(skill score + free share / 2), recency rank, agent index, skill score).
# The share is in (0, 1], so halved it never reaches the next score; recency
# ranks are unique, so comparisons never go further.
Entry = tuple[float, int, int, int]


class AgentPool:
    """The agents' remaining room during one round, and their ranks per item kind."""

    def __init__(self, agents: Iterable[AgentState]) -> None:
        self._agents = list(agents)
        if len({agent.id for agent in self._agents}) < len(self._agents):
            raise ValueError("two agents share an id")
        # channel -> {agent index: free slots / capacity / half free share}, agents with room only.
        self._free: dict[str, dict[int, int]] = {}
        self._capacity: dict[str, dict[int, int]] = {}
        self._half_share: dict[str, dict[int, float]] = {}
        for index, agent in enumerate(self._agents):
            for channel, free in agent.free.items():
                if free > 0:
                    capacity = max(agent.capacity.get(channel, free), free)
                    self._free.setdefault(channel, {})[index] = free
                    self._capacity.setdefault(channel, {})[index] = capacity
                    self._half_share.setdefault(channel, {})[index] = free / capacity / 2
        self.channel_free = {channel: sum(free.values()) for channel, free in self._free.items()}
        self.total_free = sum(self.channel_free.values())
        # Only agents with room matter; longest idle first, then lowest id.
        self._available = sorted(
            {index for free in self._free.values() for index in free},
            key=lambda index: (self._agents[index].last_assigned_at, self._agents[index].id),
        )
        self._available_skills = [self._agents[index].skills for index in self._available]
        self._available_teams = [self._agents[index].teams for index in self._available]
        self._rank = [0] * len(self._agents)
        for rank, index in enumerate(self._available):
            self._rank[index] = rank
        self._next_rank = len(self._available)
        self._heaps: dict[str, list[Entry]] = {}
        self._levels: dict[str, dict[int, int]] = {}
        self._holders: dict[tuple[str, int], frozenset[int]] = {}
        self._members: dict[int, frozenset[int]] = {}
        self._eligible: dict[tuple, frozenset[int]] = {}
        self._scores: dict[tuple[str, ...], dict[int, int]] = {}

    def serve(self, queue: Iterable[QueueItem]) -> list[tuple[QueueItem, int]]:
        """(item, agent id) for each item of `queue`, in its order, that an
        eligible agent with room takes; an item id seen twice is served once.

        The hot loop of a round: taking an item is written out here rather
        than in a method (a call per assignment is a tenth of the round)."""
        slots_left = self.total_free
        channel_free = self.channel_free
        heaps = self._heaps
        ranks = self._rank
        agents = self._agents
        free_of, capacity_of, half_share_of = self._free, self._capacity, self._half_share
        served_ids: set[int] = set()
        served: list[tuple[QueueItem, int]] = []
        for item in queue:
            heap = heaps.get(item.kind)
            channel = item.channel
            if heap is None:
                # A channel without room left needs no heap: the kind is skipped.
                heap = heaps[item.kind] = (
                    self._build_heap(item) if channel_free.get(channel) else []
                )
            if not heap:
                continue
            if not channel_free[channel]:
                heap.clear()  # only stale entries: skip this kind in O(1) from now on
                continue
            if item.id in served_ids:
                continue
            top = heap[0]
            index = top[2]
            if top[1] != ranks[index]:  # stale top: re-rank first
                index = self._best(heap, channel)
                if index is None:
                    continue
                top = heap[0]
            # Take: one slot less, served now (behind everyone else).
            channel_free[channel] -= 1
            rank = ranks[index] = self._next_rank
            self._next_rank = rank + 1
            free = free_of[channel]
            left = free[index] - 1
            if left:
                free[index] = left
                half_share = left / capacity_of[channel][index] / 2
                half_share_of[channel][index] = half_share
                score = top[3]
                heapreplace(heap, (-(score + half_share), rank, index, score))
            else:
                del free[index]
                del half_share_of[channel][index]
                heappop(heap)
            served_ids.add(item.id)
            served.append((item, agents[index].id))
            slots_left -= 1
            if not slots_left:
                break
        return served

    def _best(self, heap: list[Entry], channel: str) -> int | None:
        """The agent index on top of `heap` once stale entries are re-ranked."""
        ranks = self._rank
        half_share = self._half_share[channel]
        while heap:
            _, entry_rank, index, score = heap[0]
            rank = ranks[index]
            if entry_rank == rank:
                return index
            if index in half_share:
                heapreplace(heap, (-(score + half_share[index]), rank, index, score))
            else:  # no room left on this channel
                heappop(heap)
        return None

    def _build_heap(self, item: QueueItem) -> list[Entry]:
        """A heap of the agents eligible for items of `item`'s kind who have room now.

        Kinds differ by channel far more than by what they require: the
        eligible set and the skill scores are computed once per requirement
        and shared by the kinds of every channel."""
        half_share = self._half_share.get(item.channel)
        if not half_share:
            return []
        candidates = list(filter(half_share.__contains__, self._eligible_for(item)))
        if not candidates:
            return []
        scores = list(map(self._scores_for(item).__getitem__, candidates))
        firsts = map(neg, map(add, scores, map(half_share.__getitem__, candidates)))
        ranks = map(self._rank.__getitem__, candidates)
        heap = list(zip(firsts, ranks, candidates, scores, strict=True))
        heapify(heap)
        return heap

    def _eligible_for(self, item: QueueItem) -> frozenset[int]:
        """The agents (with room at the start of the round) qualified for `item`."""
        key = (item.team, *item.skills.items())
        eligible = self._eligible.get(key)
        if eligible is None:
            groups = [self._holders_of(skill, level) for skill, level in item.skills.items()]
            if item.team is not None:
                groups.append(self._members_of(item.team))
            if not groups:
                eligible = frozenset(self._available)
            else:
                groups.sort(key=len)  # intersect from the smallest set
                eligible = groups[0].intersection(*groups[1:])
            self._eligible[key] = eligible
        return eligible

    def _scores_for(self, item: QueueItem) -> dict[int, int]:
        """Each agent's sum of levels in the skills `item` requires."""
        names = tuple(item.skills)
        scores = self._scores.get(names)
        if scores is None:
            totals = [0] * len(self._available)
            for skill in names:
                totals = list(map(add, totals, self._levels_of(skill).values()))
            scores = self._scores[names] = dict(zip(self._available, totals, strict=True))
        return scores

    def _levels_of(self, skill: str) -> dict[int, int]:
        """The level in `skill` of each agent with room (0 without the skill)."""
        levels = self._levels.get(skill)
        if levels is None:
            held = map(methodcaller("get", skill, 0), self._available_skills)
            levels = self._levels[skill] = dict(zip(self._available, held, strict=True))
        return levels

    def _holders_of(self, skill: str, level: int) -> frozenset[int]:
        """The agents with room who hold `skill` at `level` or above."""
        holders = self._holders.get((skill, level))
        if holders is None:
            levels = self._levels_of(skill)
            at_level = compress(levels, map(level.__le__, levels.values()))
            holders = self._holders[(skill, level)] = frozenset(at_level)
        return holders

    def _members_of(self, team: int) -> frozenset[int]:
        """The agents with room who belong to `team`."""
        members = self._members.get(team)
        if members is None:
            in_team = map(methodcaller("__contains__", team), self._available_teams)
            members = self._members[team] = frozenset(compress(self._available, in_team))
        return members
