"""One assignment round of the routing engine: waiting items x agents, pure Python.

    .venv/bin/python -m benchmarks.routing [--items 10000] [--agents 1000]
        [--available 0.2] [--repeats 15] [--seed 7] [--profile]

The scenario (seeded: every run sees the same data):
- items: e-mail 70 %, messaging 20 %, chat 8 %, call 2 %, arrived over the
  channel's response target (call 60 s, chat 2 min, messaging 30 min, e-mail
  24 h) and due at arrival + target; priority low 10 %, normal 75 %, high 10 %,
  urgent 5 %; each needs a language (fr 70 %, en 30 %, level 1) and one of 6
  topics (level 1: 70 %, 2: 20 %, 3: 10 %); 5 % are restricted to one of 3 teams.
- agents: 15 % phone (1 call, 8 e-mails), 85 % digital (3 chats, 5 messaging,
  8 e-mails); fr 85 %, en 45 % (at least one), 2 to 4 topics, levels 1-5; 20 %
  in one of the 3 teams; last served within the last 10 minutes.
- load: a live round runs whenever an item arrives or an agent frees a slot,
  so most agents are full; `--available` of them (20 % by default, a busy
  moment; 5 % is also shown, closer to a round every 2 s) have room, a random
  part of their capacity on each channel. The worst case has every agent
  entirely free (an empty floor at the start of a shift).

A round is timed from the built items and agents to the list of assignments,
the sort included (wall clock and CPU time, median of `--repeats` rounds after
one warm-up). Building the items is timed apart: a QueueItem works out its
urgency and kind once, when built. On a shared machine the figures move by up
to a factor 1.5 from one run to the next: run it three times and take the
median. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable

from relais.routing.engine import AgentState, QueueItem, assign, next_item, sort_queue

TARGET_ROUND_MS = 20.0
RESPONSE_TARGET = {"call": 60.0, "chat": 120.0, "messaging": 1800.0, "email": 86400.0}
CHANNEL_MIX = {"email": 0.70, "messaging": 0.20, "chat": 0.08, "call": 0.02}
PRIORITY_MIX = {0: 0.10, 1: 0.75, 2: 0.10, 3: 0.05}
TOPICS = [f"topic:{t}" for t in ("billing", "delivery", "returns", "account", "tech", "sales")]
LANGUAGES = (("lang:fr", 0.85), ("lang:en", 0.45))  # share of agents speaking each
TEAMS = (1, 2, 3)
PHONE_CAPACITY = {"call": 1, "email": 8}
DIGITAL_CAPACITY = {"chat": 3, "messaging": 5, "email": 8}
SCALES = ((1_000, 100), (10_000, 1_000), (50_000, 5_000))
STEADY_AVAILABLE = 0.05  # rounds every 2 s: room is what freed up since the last one


def item_fields(count: int, rng: random.Random) -> list[tuple]:
    """QueueItem arguments, in order."""
    channels = rng.choices(list(CHANNEL_MIX), weights=list(CHANNEL_MIX.values()), k=count)
    priorities = rng.choices(list(PRIORITY_MIX), weights=list(PRIORITY_MIX.values()), k=count)
    rows = []
    for item_id, (channel, priority) in enumerate(zip(channels, priorities, strict=True)):
        target = RESPONSE_TARGET[channel]
        arrived_at = -rng.uniform(0, target)
        skills = {
            "lang:fr" if rng.random() < 0.7 else "lang:en": 1,
            rng.choice(TOPICS): rng.choices((1, 2, 3), weights=(70, 20, 10))[0],
        }
        team = rng.choice(TEAMS) if rng.random() < 0.05 else None
        rows.append((item_id, channel, arrived_at + target, priority, arrived_at, skills, team))
    return rows


def make_agents(count: int, available: float, rng: random.Random) -> list[AgentState]:
    agents = []
    for agent_id in range(count):
        capacity = PHONE_CAPACITY if rng.random() < 0.15 else DIGITAL_CAPACITY
        has_room = rng.random() < available
        free = {
            channel: (rng.randint(0, slots) if available < 1 else slots) if has_room else 0
            for channel, slots in capacity.items()
        }
        languages = [lang for lang, share in LANGUAGES if rng.random() < share]
        skills = {lang: rng.randint(1, 5) for lang in languages or ["lang:fr"]}
        skills |= {topic: rng.randint(1, 5) for topic in rng.sample(TOPICS, rng.randint(2, 4))}
        teams = frozenset({rng.choice(TEAMS)}) if rng.random() < 0.2 else frozenset()
        last = -rng.uniform(0, 600)
        agents.append(AgentState(agent_id, free, skills, teams, last, capacity))
    return agents


def medians_ms(action: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `action`, after one warm-up call."""
    action()
    wall, cpu = [], []
    for _ in range(repeats):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - wall_start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def scenario(items: int, agents: int, available: float, args) -> dict:
    rng = random.Random(args.seed)
    queue = [QueueItem(*row) for row in item_fields(items, rng)]
    floor = make_agents(agents, available, rng)
    repeats = args.repeats if items <= args.items else 5  # the big floors take seconds
    wall, cpu = medians_ms(lambda: assign(queue, floor), repeats)
    return {
        "items": items,
        "agents": agents,
        "available": available,
        "free_slots": sum(max(free, 0) for agent in floor for free in agent.free.values()),
        "assignments": len(assign(queue, floor)),
        "kinds": len({item.kind for item in queue}),
        "round_ms": round(wall, 2),
        "round_cpu_ms": round(cpu, 2),
    }


def side_figures(args) -> dict:
    """Building the items; the sort alone and the round without it; the "next"
    button on the whole queue."""
    rng = random.Random(args.seed)
    rows = item_fields(args.items, rng)
    queue = [QueueItem(*row) for row in rows]
    floor = make_agents(args.agents, args.available, rng)  # the main case's floor
    ordered = sort_queue(queue)
    agent = make_agents(1, 1.0, rng)[0]
    figures = {
        "round_presorted_ms": medians_ms(
            lambda: assign(ordered, floor, presorted=True), args.repeats
        ),
        "build_items_ms": medians_ms(lambda: [QueueItem(*row) for row in rows], args.repeats),
        "sort_queue_ms": medians_ms(lambda: sort_queue(queue), args.repeats),
        "next_item_unsorted_ms": medians_ms(lambda: next_item(agent, queue), args.repeats),
        "next_item_presorted_ms": medians_ms(
            lambda: next_item(agent, ordered, presorted=True), args.repeats
        ),
    }
    return {name: round(wall, 3) for name, (wall, _) in figures.items()}


def profile(args) -> None:
    import cProfile
    import pstats

    rng = random.Random(args.seed)
    queue = [QueueItem(*row) for row in item_fields(args.items, rng)]
    floor = make_agents(args.agents, args.available, rng)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeats):
        assign(queue, floor)
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(15)


def print_table(rows: list[dict]) -> None:
    print("  items  agents  with room  free slots  assigned  kinds  round ms  (CPU ms)")
    for row in rows:
        print(
            f"{row['items']:>7} {row['agents']:>7} {row['available']:>10.0%} "
            f"{row['free_slots']:>11} {row['assignments']:>9} {row['kinds']:>6} "
            f"{row['round_ms']:>9.2f}  ({row['round_cpu_ms']:.2f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=1_000)
    parser.add_argument("--available", type=float, default=0.2, help="share of agents with room")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    args = parser.parse_args()
    if args.profile:
        profile(args)
        return

    main_case = scenario(args.items, args.agents, args.available, args)
    worst = scenario(args.items, args.agents, 1.0, args)
    scaling = [scenario(i, a, args.available, args) for i, a in SCALES]
    scaling.append(scenario(args.items, args.agents, STEADY_AVAILABLE, args))
    scaling += [scenario(i, a, 1.0, args) for i, a in SCALES]
    side = side_figures(args)
    print_table(scaling)
    print(
        f"One round, {args.items} items x {args.agents} agents ({args.available:.0%} with room): "
        f"{main_case['round_ms']:.2f} ms ({main_case['round_cpu_ms']:.2f} ms CPU) for "
        f"{main_case['assignments']} assignments (target < {TARGET_ROUND_MS:.0f} ms); "
        f"every agent free: {worst['round_ms']:.2f} ms for {worst['assignments']} assignments"
    )
    print(
        f"Apart from the round: building {args.items} QueueItems {side['build_items_ms']:.2f} ms, "
        f"sort_queue {side['sort_queue_ms']:.2f} ms (a round on a presorted queue "
        f"{side['round_presorted_ms']:.2f} ms); next_item on the unsorted queue "
        f"{side['next_item_unsorted_ms']:.2f} ms, on the sorted one "
        f"{side['next_item_presorted_ms']:.3f} ms"
    )
    figures = {
        "benchmark": "routing",
        "python": sys.version.split()[0],
        "seed": args.seed,
        "repeats": args.repeats,
        **main_case,
        "worst_case_all_free": worst,
        "scaling": scaling,
        **side,
        "target_round_ms": TARGET_ROUND_MS,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
