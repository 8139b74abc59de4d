import pytest

from relais.core.schedule import Job, run_due_jobs

pytestmark = pytest.mark.django_db


def test_jobs_run_at_their_interval():
    calls = []
    jobs = [
        Job("often", 10, lambda: calls.append("often") or 0),
        Job("rarely", 60, lambda: calls.append("rarely") or 0),
    ]
    last_run: dict[str, float] = {}
    for now in (0, 5, 10, 59, 60):
        run_due_jobs(jobs, last_run, now)
    assert calls == ["often", "rarely", "often", "often", "rarely"]


def test_a_failing_job_does_not_stop_the_others(caplog):
    calls = []

    def broken():
        raise RuntimeError("database gone")

    jobs = [Job("broken", 1, broken), Job("fine", 1, lambda: calls.append(1) or 1)]
    run_due_jobs(jobs, {}, 0)
    assert calls == [1]
    assert "periodic job failed" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_sqlite_log_checkpoint_runs_outside_transactions():
    # The worker's jobs run in autocommit mode; a checkpoint cannot run inside
    # an open transaction, hence transaction=True here.
    from django.db import connection

    from relais.core.schedule import checkpoint_sqlite_log

    assert checkpoint_sqlite_log() >= 0
    if connection.vendor != "sqlite":
        assert checkpoint_sqlite_log() == 0
