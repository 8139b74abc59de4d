"""The contact-centre day simulator: events, the attention budget, the metrics."""

import math
import subprocess
import sys
from collections import Counter
from dataclasses import replace

import pytest

from relais.planning.simulation import (
    EngineContractError,
    SimulationResult,
    TraceEvent,
    percentile,
    simulate,
    summarise,
)
from relais.planning.workload import (
    ATTENTION,
    CAPACITY,
    CLOSE_S,
    DEFAULT_CHANNELS,
    HOUR,
    OPEN_S,
    AgentShift,
    Arrival,
    expected_work_per_hour,
    generate_arrivals,
    plan_shifts,
)
from relais.routing.engine import Assignment

TARGET = {channel.name: channel.target_s for channel in DEFAULT_CHANNELS}
FRENCH = {"lang:fr": 1}


def arrival(
    item_id: int,
    channel: str,
    at: float,
    handle_s: float = 300.0,
    patience_s: float = math.inf,
    skills: dict[str, int] | None = None,
) -> Arrival:
    at = OPEN_S + at
    return Arrival(
        id=item_id,
        channel=channel,
        arrived_at=at,
        queued_at=at,
        deadline=at + TARGET[channel],
        handle_s=handle_s,
        patience_s=patience_s,
        priority=1,
        skills=skills if skills is not None else FRENCH,
    )


def agent(agent_id: int = 1, start: float = 0.0, end: float = CLOSE_S - OPEN_S) -> AgentShift:
    return AgentShift(agent_id, OPEN_S + start, OPEN_S + end, {"lang:fr": 3})


def answered_at(result: SimulationResult) -> dict[int, float]:
    return {event.item_id: event.time - OPEN_S for event in result.trace if event.kind == "assign"}


def small_day(seed: int) -> tuple[list[Arrival], list[AgentShift]]:
    """A tenth of the default day, with a staff planned for it."""
    channels = tuple(
        replace(channel, daily_volume=channel.daily_volume / 10) for channel in DEFAULT_CHANNELS
    )
    return generate_arrivals(seed, channels), plan_shifts(expected_work_per_hour(channels))


@pytest.mark.parametrize("order", ["urgency", "fifo"])
def test_call_waits_behind_an_earlier_email_only_in_fifo(order):
    # The only agent starts at 100 s; the e-mail has waited since 0, the call since 50.
    arrivals = [arrival(1, "email", 0), arrival(2, "call", 50)]
    result = simulate(arrivals, [agent(start=100)], order=order)

    first_taken = 1 if order == "fifo" else 2
    assert answered_at(result) == {first_taken: 100, 3 - first_taken: 400}
    call = summarise(result).channels["call"]
    assert call.within_target == (0.0 if order == "fifo" else 1.0)


def test_caller_hangs_up_when_patience_is_shorter_than_the_wait():
    arrivals = [
        arrival(1, "call", 0, handle_s=200),
        arrival(2, "call", 10, patience_s=30),  # the only agent is busy until 200
        arrival(3, "call", 20, patience_s=500),
    ]
    result = simulate(arrivals, [agent()])

    assert [(event.kind, event.item_id, event.time - OPEN_S) for event in result.trace][4:7] == [
        ("abandon", 2, 40),
        ("complete", 1, 200),
        ("assign", 3, 200),
    ]
    call = summarise(result).channels["call"]
    assert (call.abandoned, call.answered) == (1, 2)
    assert call.abandoned_share == pytest.approx(1 / 3)


def test_nobody_hangs_up_once_answered():
    result = simulate([arrival(1, "call", 0, handle_s=500, patience_s=10)], [agent()])

    assert [event.kind for event in result.trace] == ["arrive", "assign", "complete"]


def test_an_agent_on_a_call_takes_no_chat_until_it_ends():
    # The engine would give both to the only agent; the call takes their whole attention.
    arrivals = [arrival(1, "call", 0, handle_s=120), arrival(2, "chat", 0)]
    result = simulate(arrivals, [agent()])

    assert answered_at(result) == {1: 0, 2: 120}


def test_work_the_engine_piles_on_a_busy_agent_goes_to_another_at_once():
    arrivals = [arrival(1, "call", 0), arrival(2, "chat", 0), arrival(3, "chat", 0)]
    result = simulate(arrivals, [agent(1), agent(2)])

    taken_by = {event.item_id: event.agent_id for event in result.trace if event.kind == "assign"}
    assert answered_at(result) == {1: 0, 2: 0, 3: 0}
    assert taken_by[2] == taken_by[3] != taken_by[1]


def test_three_chats_fill_an_agent_but_leave_no_room_for_a_call():
    arrivals = [arrival(item_id, "chat", 0, handle_s=600) for item_id in (1, 2, 3)]
    arrivals.append(arrival(4, "call", 5, handle_s=60))
    result = simulate(arrivals, [agent()])

    assert answered_at(result) == {1: 0, 2: 0, 3: 0, 4: 600}


def test_unqualified_items_stay_unanswered():
    arrivals = [arrival(1, "email", 0, skills={"lang:en": 1})]
    result = simulate(arrivals, [agent()])

    email = summarise(result).channels["email"]
    assert (email.answered, email.abandoned, email.within_target) == (0, 0, 0.0)
    assert email.wait_avg_s is None


def test_agent_takes_nothing_after_an_early_shift_end_but_the_closing_shift_drains_the_queue():
    day = CLOSE_S - OPEN_S
    arrivals = [arrival(1, "email", 0, handle_s=day + 600), arrival(2, "email", 60)]
    early = agent(1, start=0, end=3600)
    closing = agent(2, start=7200, end=day)
    result = simulate(arrivals, [early, closing])

    # Agent 2 comes at 2 h while the first e-mail (held by agent 1) runs on.
    assert {event.item_id: event.agent_id for event in result.trace if event.kind == "assign"} == {
        1: 1,
        2: 2,
    }
    late = [arrival(3, "email", day + 60)]  # after closing: only the closing shift remains
    result = simulate(late, [early, closing])
    assert answered_at(result) == {3: day + 60}


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("order", ["urgency", "fifo"])
def test_no_agent_ever_holds_more_than_capacity_or_attention(seed, order):
    arrivals, shifts = small_day(seed)
    result = simulate(arrivals, shifts, order=order)

    channel_of = {item.id: item.channel for item in arrivals}
    held: dict[int, Counter] = {shift.id: Counter() for shift in shifts}
    peak_attention = 0.0
    for event in result.trace:
        if event.kind == "assign":
            held[event.agent_id][channel_of[event.item_id]] += 1
            load = held[event.agent_id]
            assert all(load[channel] <= CAPACITY[channel] for channel in load)
            attention = sum(count * ATTENTION[channel] for channel, count in load.items())
            peak_attention = max(peak_attention, attention)
            assert attention <= 1 + 1e-9
        elif event.kind == "complete":
            held[event.agent_id][channel_of[event.item_id]] -= 1
    assert peak_attention == pytest.approx(1.0)  # the day is busy enough to fill someone


@pytest.mark.parametrize("order", ["urgency", "fifo"])
def test_every_item_ends_answered_or_abandoned_unless_nobody_at_closing_is_qualified(order):
    arrivals, shifts = small_day(3)
    result = simulate(arrivals, shifts, order=order)

    ends = {event.item_id: event.kind for event in result.trace if event.kind != "complete"}
    closing = [shift for shift in shifts if shift.end >= CLOSE_S]
    left = [item for item in arrivals if ends[item.id] == "arrive"]
    assert left  # this small staff has a skills gap at closing
    for item in left:
        assert not any(
            all(shift.skills.get(skill, 0) >= level for skill, level in item.skills.items())
            for shift in closing
        )


def test_same_seed_same_day_and_same_result():
    first, second = small_day(5), small_day(5)

    assert first == second
    assert small_day(6)[0] != first[0]
    assert simulate(*first).trace == simulate(*second).trace


def test_metrics_from_a_hand_built_trace():
    arrivals = [
        arrival(1, "call", 0),
        arrival(2, "call", 0),
        arrival(3, "call", 0, patience_s=30),
        arrival(4, "call", 0),
        arrival(5, "email", 0),
    ]
    trace = [
        TraceEvent(OPEN_S + 10, "assign", 1, 1),
        TraceEvent(OPEN_S + 30, "abandon", 3),
        TraceEvent(OPEN_S + 70, "assign", 2, 2),  # 70 s: late for a 60 s target
        TraceEvent(OPEN_S + 70, "complete", 1, 1),
        TraceEvent(OPEN_S + 70, "assign", 5, 1),
        TraceEvent(OPEN_S + 3670, "complete", 2, 2),
        TraceEvent(OPEN_S + 3670, "complete", 5, 1),
    ]  # call 4 was never answered
    shifts = [agent(1, end=HOUR), agent(2, end=HOUR)]
    summary = summarise(SimulationResult("urgency", arrivals, shifts, trace))

    call = summary.channels["call"]
    assert (call.offered, call.answered, call.abandoned) == (4, 2, 1)
    assert call.within_target == 0.25
    assert call.abandoned_share == 0.25
    assert call.wait_avg_s == 40.0
    assert call.wait_p90_s == 70.0
    assert summary.channels["email"].within_target == 1.0
    # First hour: agent 1 busy 60 + 3530 s, agent 2 busy 3530 s, out of 2 x 3600 present.
    assert summary.hourly_occupancy[0] == pytest.approx((60 + 3530 + 3530) / 7200)
    assert summary.hourly_occupancy[1] == 0.0  # nobody present
    assert summary.last_answer_at == OPEN_S + 70


def test_percentile_is_nearest_rank():
    values = [float(value) for value in range(1, 11)]

    assert percentile(values, 0.9) == 9.0
    assert percentile(values, 0.95) == 10.0
    assert percentile([5.0], 0.9) == 5.0


def over_assigning(items, agents, *, order="urgency"):
    """Gives every item to the first agent, whatever their capacity."""
    agent = next(iter(agents))
    return [Assignment(item.id, agent.id) for item in items]


def unqualified(items, agents, *, order="urgency"):
    agent = next(iter(agents))
    return [Assignment(item.id, agent.id) for item in items[:1]]


def duplicating(items, agents, *, order="urgency"):
    agent = next(iter(agents))
    return [Assignment(items[0].id, agent.id)] * 2


@pytest.mark.parametrize(
    ("assign", "arrivals", "message"),
    [
        (over_assigning, [arrival(item_id, "chat", 0) for item_id in (1, 2, 3, 4)], "free 3"),
        (unqualified, [arrival(1, "chat", 0, skills={"lang:en": 1})], "lacks"),
        (duplicating, [arrival(1, "chat", 0)], "assigned twice"),
    ],
)
def test_engine_breaking_its_guarantees_is_reported(assign, arrivals, message):
    with pytest.raises(EngineContractError, match=message):
        simulate(arrivals, [agent()], assign=assign)


def test_overnight_mail_waits_at_opening_with_its_clock_starting_then():
    arrivals = generate_arrivals(1)
    overnight = [item for item in arrivals if item.arrived_at < OPEN_S]

    assert {item.channel for item in overnight} == {"email", "messaging"}
    assert all(item.queued_at == OPEN_S for item in overnight)
    mails = [item for item in overnight if item.channel == "email"]
    assert all(item.deadline == OPEN_S + 4 * HOUR for item in mails if item.priority == 1)
    assert all(item.deadline == OPEN_S + 1 * HOUR for item in mails if item.priority == 2)
    assert any(item.priority == 2 for item in mails)
    assert all(OPEN_S <= item.queued_at < CLOSE_S for item in arrivals)


def test_day_volumes_are_close_to_the_model():
    counts = Counter(item.channel for item in generate_arrivals(1))

    for channel in DEFAULT_CHANNELS:
        assert counts[channel.name] == pytest.approx(channel.daily_volume, rel=0.15)


def test_shift_plan_covers_the_work_of_every_hour():
    work = expected_work_per_hour()
    shifts = plan_shifts(work, target_occupancy=0.9)

    for hour, hour_work in enumerate(work):
        moment = OPEN_S + hour * HOUR
        present = sum(1 for shift in shifts if shift.start <= moment < shift.end)
        assert present >= hour_work / 0.9
    assert all(shift.start % HOUR == 0 and shift.end <= CLOSE_S for shift in shifts)
    assert all(shift.end - shift.start <= 8 * HOUR for shift in shifts)


def test_capacity_mirrors_the_agents_default():
    from relais.accounts.models import DEFAULT_CAPACITY

    assert dict(CAPACITY) == DEFAULT_CAPACITY


def test_simulator_does_not_import_django():
    code = "import sys, relais.planning.simulation; print(any('django' in m for m in sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert output.stdout.strip() == "False"
