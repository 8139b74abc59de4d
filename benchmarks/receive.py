"""receive_message throughput: web-chat messages on SQLite, in one process.

    .venv/bin/python -m benchmarks.receive [--visitors 2000] [--per-visitor 5]
        [--history 100000] [--in-event-loop] [--profile] [--show-queries]

Visitors' messages are interleaved at random (seeded): a visitor's first message
opens a conversation, the next ones join it. Every call is one
receive_message(), one committed transaction, with its realtime broadcast
after commit (in-memory channel layer, nobody listening).

By default the calls are plain synchronous calls, as a worker or a script makes
them: each broadcast then starts an event loop of its own. With
--in-event-loop they go through database_sync_to_async from a running loop, as
the web-chat websocket consumer makes them: the broadcast runs on that loop.

With --history N the database first holds N seeded conversations (10 messages
each, benchmarks/seed.py) and the messages go to its busiest web-chat inbox: the
cost per message must not grow with the history.

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import time

from benchmarks.setup import percentile, start_django

TARGET_MESSAGES_PER_SECOND = 1_000


def interleaved_messages(visitors: int, per_visitor: int, seed: int) -> list[tuple[str, int]]:
    """(visitor, n-th message of that visitor), shuffled, each visitor in order."""
    order = [v for v in range(visitors) for _ in range(per_visitor)]
    random.Random(seed).shuffle(order)
    sent = [0] * visitors
    messages = []
    for visitor in order:
        messages.append((f"bench-visitor-{visitor}", sent[visitor]))
        sent[visitor] += 1
    return messages


def inbound_for(inbox_id: int, visitor: str, n: int):
    from relais.connectors.base import IdentityRef, InboundMessage

    return InboundMessage(
        inbox_id=inbox_id,
        body=f"Message {n} from {visitor}: ma commande n'est pas arrivée, pouvez-vous vérifier ?",
        identities=[IdentityRef("visitor", visitor)],
        provider_message_id=f"{visitor}:{n}",
        metadata={"client_id": f"{visitor}-{n}"},
    )


def count_queries(inbox_id: int, show: bool) -> dict[str, int]:
    """SQL statements (BEGIN and COMMIT included) one message costs: a new
    visitor's first message, a follow-up, the same follow-up delivered again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relais.conversations.actions import receive_message

    counts = {}
    cases = [
        ("new_conversation", inbound_for(inbox_id, "query-count", 0)),
        ("existing_conversation", inbound_for(inbox_id, "query-count", 1)),
        ("duplicate", inbound_for(inbox_id, "query-count", 1)),
    ]
    for name, message in cases:
        with CaptureQueriesContext(connection) as queries:
            receive_message(message)
        counts[name] = len(queries)
        if show:
            print(f"-- {name}: {len(queries)} statements")
            for query in queries:
                print("  ", query["sql"][:160])
    return counts


def machine_calibration(inbox_id: int, repeats: int = 1000) -> float:
    """CPU milliseconds of the simplest ORM query (a primary-key get), to put
    the figures in proportion to the machine's speed."""
    from relais.connectors.models import Inbox

    started = time.process_time()
    for _ in range(repeats):
        Inbox.objects.get(pk=inbox_id)
    return (time.process_time() - started) * 1000 / repeats


def measure(messages: list, in_event_loop: bool) -> list[float]:
    """Seconds each receive_message took, in order."""
    from channels.db import database_sync_to_async

    from relais.conversations.actions import receive_message

    clock = time.perf_counter
    durations = []
    if not in_event_loop:
        for message in messages:
            before = clock()
            assert receive_message(message).created
            durations.append(clock() - before)
        return durations

    async def deliver_all() -> None:
        receive = database_sync_to_async(receive_message)
        for message in messages:
            before = clock()
            assert (await receive(message)).created
            durations.append(clock() - before)

    asyncio.run(deliver_all())
    return durations


def run(args) -> dict:
    from django.db import connection

    from relais.connectors.models import Inbox

    if args.history:
        from benchmarks.seed import seed

        seed(args.history, args.history * 10, progress=lambda _: None)
        # The busiest seeded web-chat inbox: lookups run against a long history.
        inbox = Inbox.objects.filter(kind="webchat").order_by("pk").first()
    else:
        inbox = Inbox.objects.create(kind="webchat", name="Benchmark chat")
    pairs = interleaved_messages(args.visitors, args.per_visitor, args.seed)
    messages = [inbound_for(inbox.pk, visitor, n) for visitor, n in pairs]
    measure([inbound_for(inbox.pk, "warm-up", n) for n in range(20)], args.in_event_loop)

    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    wall, cpu = time.perf_counter(), time.process_time()
    durations = measure(messages, args.in_event_loop)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if args.profile:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)

    durations.sort()
    count = len(durations)
    return {
        "benchmark": "receive",
        "db": f"sqlite {connection.Database.sqlite_version}",
        "mode": "in_event_loop" if args.in_event_loop else "sync",
        "messages": count,
        "conversations": args.visitors,
        "history_conversations": args.history,
        "seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "messages_per_s": round(count / wall, 1),
        "p50_ms": round(percentile(durations, 0.50) * 1000, 3),
        "p99_ms": round(percentile(durations, 0.99) * 1000, 3),
        "max_ms": round(durations[-1] * 1000, 3),
        "cpu_ms_per_message": round(cpu * 1000 / count, 3),
        "statements_per_message": count_queries(inbox.pk, args.show_queries),
        "orm_pk_get_cpu_ms": round(machine_calibration(inbox.pk), 3),
        "target_messages_per_s": TARGET_MESSAGES_PER_SECOND,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=2000)
    parser.add_argument("--per-visitor", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="first seed this many conversations (ten messages each), as on a busy server",
    )
    parser.add_argument("--in-event-loop", action="store_true", help="call as the consumer does")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument("--show-queries", action="store_true", help="print one message's SQL")
    args = parser.parse_args()

    data_dir = start_django()
    try:
        figures = run(args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(
        f"{figures['messages']} messages ({args.visitors} visitors × {args.per_visitor}, "
        f"{figures['mode']}) in {figures['seconds']:.2f} s "
        f"({figures['cpu_seconds']:.2f} s CPU): {figures['messages_per_s']:.0f} messages/s "
        f"(target ≥ {TARGET_MESSAGES_PER_SECOND}), "
        f"p50 {figures['p50_ms']:.2f} ms, p99 {figures['p99_ms']:.2f} ms"
    )
    print(f"SQL statements per message: {figures['statements_per_message']}")
    print(
        f"CPU per message {figures['cpu_ms_per_message']:.2f} ms; on this machine one "
        f"primary-key get through the ORM costs {figures['orm_pk_get_cpu_ms']:.3f} ms of CPU"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
