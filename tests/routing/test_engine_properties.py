"""Properties of the assignment engine on random floors and queues (hypothesis)."""

from collections import Counter
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from relais.routing.engine import (
    AgentState,
    QueueItem,
    assign,
    can_take,
    eligible,
    next_item,
    sort_queue,
    urgency_key,
)

CHANNELS = ("call", "chat", "email")
SKILLS = ("lang:fr", "lang:en", "topic:billing", "topic:returns")
TEAMS = (1, 2)
orders = st.sampled_from(["urgency", "fifo"])
# Few distinct times, so that equal keys (and their tie-breaks) come up often.
times = st.integers(0, 6).map(float)


def build_items(rows):
    return [
        QueueItem(item_id, channel, deadline, priority, arrived_at, dict(skills), team)
        for item_id, (channel, deadline, priority, arrived_at, skills, team) in enumerate(rows)
    ]


def build_agents(rows):
    return [
        AgentState(
            agent_id,
            free=free,
            skills=skills,
            teams=frozenset(teams),
            last_assigned_at=last,
            capacity={ch: max(free.get(ch, 0), 0) + n for ch, n in busy.items()},
        )
        for agent_id, (free, busy, skills, teams, last) in rows.items()
    ]


# Few kinds of items, so that an agent is often ranked for several at once.
required = st.lists(st.tuples(st.sampled_from(SKILLS[::2]), st.integers(1, 2)), max_size=2)
queue_items = st.lists(
    st.tuples(
        st.sampled_from(CHANNELS[1:]),
        times,
        st.integers(-1, 4),
        times,
        required,
        st.sampled_from((None, None, None, TEAMS[0])),
    ),
    max_size=20,
).map(build_items)
per_channel = st.dictionaries(st.sampled_from(CHANNELS), st.integers(-1, 3))
floors = st.dictionaries(
    st.integers(0, 50),
    st.tuples(
        per_channel,
        per_channel,  # busy slots on top of the free ones: the capacity
        st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 3)),
        st.sets(st.sampled_from(TEAMS)),
        st.one_of(st.just(float("-inf")), times),
    ),
    max_size=6,
).map(build_agents)


def room_left(agents, assignments, items):
    channel_of = {item.id: item.channel for item in items}
    used = Counter((a.agent_id, channel_of[a.item_id]) for a in assignments)
    return {
        agent.id: {ch: free - used[agent.id, ch] for ch, free in agent.free.items()}
        for agent in agents
    }


@given(queue_items, floors, orders)
def test_no_agent_goes_above_their_room(items, agents, order):
    assignments = assign(items, agents, order=order)
    channel_of = {item.id: item.channel for item in items}
    used = Counter((a.agent_id, channel_of[a.item_id]) for a in assignments)
    free = {(agent.id, ch): n for agent in agents for ch, n in agent.free.items()}
    assert all(count <= free.get(key, 0) for key, count in used.items())


@given(queue_items, floors, orders)
def test_no_item_is_assigned_twice(items, agents, order):
    assigned = [a.item_id for a in assign(items, agents, order=order)]
    assert len(assigned) == len(set(assigned))


@given(queue_items, floors)
def test_an_item_listed_twice_is_still_assigned_once(items, agents):
    assigned = [a.item_id for a in assign(items + items, agents)]
    assert len(assigned) == len(set(assigned))


@given(queue_items, floors, orders)
def test_every_assignment_is_eligible(items, agents, order):
    by_id = {agent.id: agent for agent in agents}
    item_by_id = {item.id: item for item in items}
    for a in assign(items, agents, order=order):
        assert can_take(by_id[a.agent_id], item_by_id[a.item_id])


@given(queue_items, floors, orders)
def test_an_item_waits_only_when_no_eligible_agent_has_room_left(items, agents, order):
    assignments = assign(items, agents, order=order)
    assigned = {a.item_id for a in assignments}
    left = room_left(agents, assignments, items)
    for item in items:
        if item.id not in assigned:
            assert not any(
                left[agent.id].get(item.channel, 0) > 0 and eligible(agent, item)
                for agent in agents
            )


@given(queue_items, floors)
def test_an_assigned_item_is_never_less_urgent_than_a_waiting_one_of_its_kind(items, agents):
    assigned = {a.item_id for a in assign(items, agents)}
    for kind in {item.kind for item in items}:
        same_kind = [item for item in items if item.kind == kind]
        taken = [urgency_key(item) for item in same_kind if item.id in assigned]
        waiting = [urgency_key(item) for item in same_kind if item.id not in assigned]
        if taken and waiting:
            assert max(taken) < min(waiting)


def reference_assign(items, agents, order):
    """The rules stated plainly, items x agents: each item in order goes to the
    eligible agent with room who has the highest skill score, then the largest
    free share, then was served longest ago (served in this round: later than
    anyone else, in the order served), then the lowest id. Capacity missing:
    the free capacity at the start of the round is all of it."""
    free = {agent.id: dict(agent.free) for agent in agents}
    served = {agent.id: (0, agent.last_assigned_at) for agent in agents}
    result = []
    for step, item in enumerate(sort_queue(items, order)):
        candidates = [
            agent
            for agent in agents
            if free[agent.id].get(item.channel, 0) > 0 and eligible(agent, item)
        ]
        if not candidates:
            continue

        def rank(agent, channel=item.channel, required=item.skills):
            room, at_start = free[agent.id][channel], agent.free[channel]
            share = Fraction(room, max(agent.capacity.get(channel, at_start), at_start))
            score = sum(agent.skills.get(skill, 0) for skill in required)
            return (-score, -share, served[agent.id], agent.id)

        best = min(candidates, key=rank)
        free[best.id][item.channel] -= 1
        served[best.id] = (1, step)
        result.append((item.id, best.id))
    return result


@given(queue_items, floors, orders)
def test_the_engine_decides_like_the_plain_reference(items, agents, order):
    decided = [(a.item_id, a.agent_id) for a in assign(items, agents, order=order)]
    assert decided == reference_assign(items, agents, order)
    queue = sort_queue(items, order)
    assert assign(queue, agents, order=order, presorted=True) == assign(items, agents, order=order)


@given(queue_items, floors, orders)
def test_next_item_is_the_first_in_order_the_agent_can_take(items, agents, order):
    queue = sort_queue(items, order)
    for agent in agents:
        expected = next((item for item in queue if can_take(agent, item)), None)
        assert next_item(agent, items, order=order) == expected
        assert next_item(agent, queue, order=order, presorted=True) == expected


@given(queue_items, orders)
def test_sort_queue_is_a_total_order_on_the_full_key(items, order):
    queue = sort_queue(items, order)
    key = urgency_key if order == "urgency" else (lambda item: (item.arrived_at, item.id))
    assert [key(item) for item in queue] == sorted(key(item) for item in items)
