"""Periodic jobs the worker runs besides its task queue.

Each job is idempotent and safe to run from several workers at once, so scaling
out to M workers needs no leader election.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    run: Callable[[], int]


def default_jobs() -> list[Job]:
    from relais.conversations.actions import wake_snoozed_conversations
    from relais.conversations.outbox import sweep_outbox
    from relais.knowledge.faq_refresh import refresh_faq
    from relais.routing.chat_offered import CHECK_EVERY_SECONDS, record_chat_offered_changes
    from relais.routing.escalation import check_deadlines
    from relais.routing.live import ROUND_SECONDS, route_waiting
    from relais.routing.presence import mark_idle_agents_away

    return [
        Job("wake snoozed conversations", 30, wake_snoozed_conversations),
        Job("sweep the outbox", 30, sweep_outbox),
        Job("route waiting conversations", ROUND_SECONDS, route_waiting),
        Job("check SLA deadlines", 15, check_deadlines),
        Job("checkpoint the SQLite log", 5, checkpoint_sqlite_log),
        Job("mark idle agents away", 15, mark_idle_agents_away),
        Job("record chat offered", CHECK_EVERY_SECONDS, record_chat_offered_changes),
        Job("refresh the FAQ rankings", 300, refresh_faq),
    ]


def checkpoint_sqlite_log() -> int:
    """Copy the SQLite write-ahead log back into the database file, from the
    worker rather than inside a customer's message: a PASSIVE checkpoint never
    blocks the server's readers and writers, whereas the automatic one runs in
    whichever commit crosses the threshold and holds that message up. Returns
    the number of pages copied (0 on PostgreSQL)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        busy, log_pages, checkpointed = cursor.fetchone()
    return max(checkpointed, 0)


def run_due_jobs(jobs: list[Job], last_run: dict[str, float], now: float) -> None:
    """Run each job whose interval has passed since `last_run` (monotonic seconds)."""
    for job in jobs:
        if now - last_run.get(job.name, float("-inf")) < job.every_seconds:
            continue
        last_run[job.name] = now
        try:
            done = job.run()
        except Exception:
            log.exception("periodic job failed", extra={"job": job.name})
            continue
        finally:
            close_old_connections()
        if done:
            log.info("%s: %s", job.name, done)


def start_scheduler(stop: threading.Event, jobs: list[Job] | None = None) -> threading.Thread:
    """Run the jobs in a daemon thread until `stop` is set."""
    import time

    jobs = jobs if jobs is not None else default_jobs()

    def loop() -> None:
        last_run: dict[str, float] = {}
        while not stop.is_set():
            run_due_jobs(jobs, last_run, time.monotonic())
            stop.wait(1.0)

    thread = threading.Thread(target=loop, name="relais-scheduler", daemon=True)
    thread.start()
    return thread
