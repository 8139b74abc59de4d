"""The self-care KPIs of /supervision/self-care/ over a large Event log.

    .venv/bin/python -m benchmarks.selfcare_kpis [--events 200000] [--db sqlite|postgres]

Seeds a fresh database with `--events` self-care Events spread over 90 days
(help-center visitors viewing, searching, clicking, rating, escalating;
helpbox visitors; bot conversations), then times, for the 30- and 90-day
periods: the KPIs counted by the database (analytics.selfcare_sql, what the
page runs), the former in-memory path (every row loaded, then
analytics.selfcare) for comparison, and the page itself through Django's test
client. Peak Python memory of each path comes from tracemalloc. Both paths
must give the same report. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import time
import tracemalloc
from datetime import timedelta
from functools import partial

from benchmarks.setup import percentile, start_django

QUERIES = ["remboursement", "carte cadeau", "suivi colis", "adresse", "facture pro", "parka"]
BATCH = 5_000


def seed_events(count: int, rng: random.Random) -> None:
    from django.utils import timezone

    from benchmarks.seed import settable_timestamps
    from relais.core.models import Event

    now = timezone.now()
    batch: list = []
    with settable_timestamps(Event):
        for n in range(count):
            batch.append(_event(n, rng, now - timedelta(seconds=rng.randrange(90 * 86400))))
            if len(batch) == BATCH:
                Event.objects.bulk_create(batch)
                batch = []
        Event.objects.bulk_create(batch)


def _event(n: int, rng: random.Random, at):
    from relais.core.models import Event

    visitor = f"v{rng.randrange(40_000)}"
    data = {"visitor": visitor, "locale": rng.choice(("fr", "fr", "en"))}
    roll = rng.random()
    if roll < 0.35:
        return Event(kind="help.article_viewed", created_at=at, data={**data, "article_id": 1})
    if roll < 0.6:
        results = rng.choice((0, 1, 3, 5))
        data |= {"query": rng.choice(QUERIES) + f" {rng.randrange(30)}", "results": results}
        return Event(kind="help.searched", created_at=at, data=data)
    if roll < 0.7:
        data["search_event_id"] = max(1, n - rng.randrange(1, 50))
        return Event(kind="help.result_clicked", created_at=at, data=data)
    if roll < 0.75:
        return Event(kind="help.faq_clicked", created_at=at, data={**data, "article_id": 2})
    if roll < 0.8:
        rating = {"article_id": rng.randrange(1, 40), "helpful": rng.random() < 0.7}
        return Event(kind="help.article_rated", created_at=at, data={**data, **rating})
    if roll < 0.9:
        return Event(kind="helpbox.opened", created_at=at, data=data)
    if roll < 0.95:
        return Event(kind="help.escalated", created_at=at, data=data)
    return Event(kind="helpbox.escalated", created_at=at, data=data)


def timed(function, repeats: int) -> tuple[dict, object, float]:
    """p50/p95 in ms over `repeats` calls, the last result, and the peak of
    Python memory (MiB) during one more call."""
    durations = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        durations.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    durations.sort()
    figures = {"p50_ms": round(percentile(durations, 0.5), 1)}
    figures["p95_ms"] = round(percentile(durations, 0.95), 1)
    return figures, result, round(peak, 1)


def run(args) -> dict:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from relais.accounts.models import Role
    from relais.analytics.queries import selfcare_rows
    from relais.analytics.selfcare import selfcare_report
    from relais.analytics.selfcare_sql import selfcare_report_sql
    from tests.factories import make_agent

    started = time.perf_counter()
    seed_events(args.events, random.Random(42))
    seed_seconds = time.perf_counter() - started
    print(f"seeded {args.events} events in {seed_seconds:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    client = Client(HTTP_HOST="localhost")
    client.force_login(make_agent(Role.SUPERVISOR))
    cases = {}
    for days in (30, 90):
        end = timezone.now()
        start = end - timedelta(days=days)
        sql, (report, _titles), sql_peak = timed(
            partial(selfcare_report_sql, start, end, None), args.repeats
        )
        memory, old_report, memory_peak = timed(
            partial(_in_memory, selfcare_report, selfcare_rows, start, end),
            max(1, args.repeats // 3),
        )
        assert report == old_report, f"the SQL and in-memory reports differ over {days} days"
        page, response, _peak = timed(
            partial(client.get, f"/supervision/self-care/?days={days}"), args.repeats
        )
        assert response.status_code == 200
        cases[f"{days}d"] = {
            "searches": report.searches,
            "sessions": report.sessions,
            "sql": {**sql, "peak_mib": sql_peak},
            "in_memory": {**memory, "peak_mib": memory_peak},
            "page": page,
        }
        print(
            f"{days:2} days: {report.searches} searches, {report.sessions} sessions; "
            f"SQL p50 {sql['p50_ms']} ms p95 {sql['p95_ms']} ms peak {sql_peak} MiB; "
            f"in memory p50 {memory['p50_ms']} ms peak {memory_peak} MiB; "
            f"page p50 {page['p50_ms']} ms p95 {page['p95_ms']} ms"
        )
    return {"benchmark": "selfcare_kpis", "db": _db_name(connection), "events": args.events,
            "seed_seconds": round(seed_seconds, 1), "cases": cases}  # fmt: skip


def _in_memory(report, rows, start, end):
    return report(rows(start, end))


def _db_name(connection) -> str:
    if connection.vendor != "postgresql":
        return f"sqlite {connection.Database.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"postgresql {cursor.fetchone()[0].split()[0]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        database_url = None
        if args.db == "postgres":
            from tests.servers import postgres_server

            database_url = stack.enter_context(postgres_server())
        data_dir = start_django(database_url)
        stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
        figures = run(args)
        if database_url:
            from django.db import connections

            connections.close_all()  # before the server stops
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
