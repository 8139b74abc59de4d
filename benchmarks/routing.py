"""One assignment round of the routing engine: waiting items x agents, pure Python.

    .venv/bin/python -m benchmarks.routing [--items 10000] [--agents 1000]
        [--available 0.2] [--repeats 9] [--seed 7] [--profile]

The scenario (seeded, so every run sees the same data):
- items: e-mail 70 %, messaging 20 %, chat 8 %, call 2 %, arrived over the
  channel's response target (call 60 s, chat 2 min, messaging 30 min, e-mail
  24 h) and due at arrival + target; priority low 10 %, normal 75 %, high 10 %,
  urgent 5 %; each needs a language (fr 70 %, en 30 %, level 1) and one of 6
  topics (level 1: 70 %, 2: 20 %, 3: 10 %); 5 % are restricted to one of 3 teams.
- agents: 15 % phone (1 call, 8 e-mails), 85 % digital (3 chats, 5 messaging,
  8 e-mails); fr 85 %, en 45 % (at least one), 2 to 4 topics, levels 1-5; 20 %
  in one of the 3 teams; last served within the last 10 minutes.
- load: a live round runs whenever an item arrives or an agent frees a slot,
  so most agents are full; `--available` of them (20 % by default) have room,
  a random part of their capacity per channel. The worst case has every agent
  fully free (an empty floor at the start of a shift): every slot is filled.

Each round is timed from the built items and agents (as the live queue holds
them) to the list of assignments, sort included; the figure is the median of
`--repeats` rounds. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time

from relais.routing.engine import AgentState, QueueItem, assign, next_item, sort_queue

TARGET_ROUND_MS = 20.0
RESPONSE_TARGET = {"call": 60.0, "chat": 120.0, "messaging": 1800.0, "email": 86400.0}
CHANNEL_MIX = {"email": 0.70, "messaging": 0.20, "chat": 0.08, "call": 0.02}
PRIORITY_MIX = {0: 0.10, 1: 0.75, 2: 0.10, 3: 0.05}
TOPICS = [f"topic:{name}" for name in ("billing", "delivery", "returns", "account", "tech", "sales")]
TEAMS = (1, 2, 3)
PHONE_CAPACITY = {"call": 1, "email": 8}
DIGITAL_CAPACITY = {"chat": 3, "messaging": 5, "email": 8}
SCALES = ((1_000, 100), (10_000, 1_000), (50_000, 5_000))


def make_items(count: int, rng: random.Random) -> list[QueueItem]:
    channels = rng.choices(list(CHANNEL_MIX), weights=list(CHANNEL_MIX.values()), k=count)
    priorities = rng.choices(list(PRIORITY_MIX), weights=list(PRIORITY_MIX.values()), k=count)
    items = []
    for item_id, (channel, priority) in enumerate(zip(channels, priorities, strict=True)):
        target = RESPONSE_TARGET[channel]
        arrived_at = -rng.uniform(0, target)
        skills = {
            "lang:fr" if rng.random() < 0.7 else "lang:en": 1,
            rng.choice(TOPICS): rng.choices((1, 2, 3), weights=(70, 20, 10))[0],
        }
        team = rng.choice(TEAMS) if rng.random() < 0.05 else None
        items.append(
            QueueItem(item_id, channel, arrived_at + target, priority, arrived_at, skills, team)
        )
    return items


def make_agents(count: int, available: float, rng: random.Random) -> list[AgentState]:
    agents = []
    for agent_id in range(count):
        capacity = PHONE_CAPACITY if rng.random() < 0.15 else DIGITAL_CAPACITY
        has_room = rng.random() < available
        free = {
            channel: (rng.randint(0, slots) if available < 1 else slots) if has_room else 0
            for channel, slots in capacity.items()
        }
        languages = [lang for lang, share in (("lang:fr", 0.85), ("lang:en", 0.45)) if rng.random() < share]
        skills = {lang: rng.randint(1, 5) for lang in languages or ["lang:fr"]}
        skills |= {topic: rng.randint(1, 5) for topic in rng.sample(TOPICS, rng.randint(2, 4))}
        teams = frozenset({rng.choice(TEAMS)}) if rng.random() < 0.2 else frozenset()
        last = -rng.uniform(0, 600)
        agents.append(AgentState(agent_id, free, skills, teams, last, capacity))
    return agents


def time_rounds(items, agents, repeats: int) -> tuple[float, int]:
    """Median milliseconds of one round, and the assignments it makes."""
    made = len(assign(items, agents))  # warm-up
    durations = []
    for _ in range(repeats):
        started = time.perf_counter()
        assign(items, agents)
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), made


def median_ms(action, repeats: int) -> float:
    durations = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations)


def scenario(items: int, agents: int, available: float, args) -> dict:
    rng = random.Random(args.seed)
    queue, floor = make_items(items, rng), make_agents(agents, available, rng)
    round_ms, made = time_rounds(queue, floor, args.repeats)
    return {
        "items": items,
        "agents": agents,
        "available": available,
        "free_slots": sum(sum(agent.free.values()) for agent in floor),
        "assignments": made,
        "kinds": len({item.kind for item in queue}),
        "round_ms": round(round_ms, 2),
    }


def pull_figures(args) -> dict:
    """The "next" button: one agent, 10,000 items, unsorted and presorted."""
    rng = random.Random(args.seed)
    queue, floor = make_items(args.items, rng), make_agents(args.agents, 1.0, rng)
    ordered = sort_queue(queue)
    agent = floor[0]
    return {
        "sort_queue_ms": round(median_ms(lambda: sort_queue(queue), args.repeats), 2),
        "next_item_unsorted_ms": round(median_ms(lambda: next_item(agent, queue), args.repeats), 2),
        "next_item_presorted_ms": round(
            median_ms(lambda: next_item(agent, ordered, presorted=True), args.repeats), 3
        ),
    }


def profile(args) -> None:
    import cProfile
    import pstats

    rng = random.Random(args.seed)
    queue, floor = make_items(args.items, rng), make_agents(args.agents, args.available, rng)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.repeats):
        assign(queue, floor)
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=1_000)
    parser.add_argument("--available", type=float, default=0.2, help="share of agents with room")
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    args = parser.parse_args()
    if args.profile:
        profile(args)
        return

    main_case = scenario(args.items, args.agents, args.available, args)
    worst = scenario(args.items, args.agents, 1.0, args)
    scaling = [scenario(i, a, args.available, args) for i, a in SCALES]
    scaling += [scenario(i, a, 1.0, args) for i, a in SCALES]
    print("items   agents  room   free slots  assigned  kinds  round ms")
    for row in scaling:
        print(
            f"{row['items']:>6}  {row['agents']:>6}  {row['available']:>4.0%}  "
            f"{row['free_slots']:>10}  {row['assignments']:>8}  {row['kinds']:>5}  "
            f"{row['round_ms']:>8.2f}"
        )
    pull = pull_figures(args)
    print(
        f"One round, {args.items} items x {args.agents} agents ({args.available:.0%} with room): "
        f"{main_case['round_ms']:.2f} ms for {main_case['assignments']} assignments "
        f"(target < {TARGET_ROUND_MS:.0f} ms); every agent free: {worst['round_ms']:.2f} ms "
        f"for {worst['assignments']} assignments"
    )
    print(
        f"Pull mode: sort_queue {pull['sort_queue_ms']:.2f} ms, next_item on the unsorted "
        f"queue {pull['next_item_unsorted_ms']:.2f} ms, on the sorted queue "
        f"{pull['next_item_presorted_ms']:.3f} ms"
    )
    figures = {
        "benchmark": "routing",
        "python": sys.version.split()[0],
        "seed": args.seed,
        **main_case,
        "worst_case_all_free": worst,
        "scaling": scaling,
        **pull,
        "target_round_ms": TARGET_ROUND_MS,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
