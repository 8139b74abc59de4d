"""`relais worker`: runs background tasks (outbound sends, retries), the
periodic jobs (waking snoozed conversations, sweeping the outbox) and the IMAP
fetchers of the e-mail inboxes."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from relais.connectors.email.imap_loop import start_imap_fetchers
from relais.core.realtime import no_local_listeners
from relais.core.schedule import default_jobs, run_due_jobs, start_scheduler


class Command(BaseCommand):
    help = "Run background tasks from the database queue and the periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=0.5, help="seconds between polls when idle"
        )
        parser.add_argument("--batch", action="store_true", help="run what is due, then exit")
        parser.add_argument(
            "--no-imap", action="store_true", help="do not fetch the inboxes' IMAP mailboxes"
        )

    def handle(self, *args, interval: float, batch: bool, no_imap: bool, **options):
        no_local_listeners()  # nobody listens here: realtime only goes out through Redis
        if batch:
            run_due_jobs(default_jobs(), {}, 0.0)
            call_command(
                "db_worker",
                queue_name="*",
                batch=True,
                reload=False,
                verbosity=options["verbosity"],
            )
            return
        stop = threading.Event()
        start_scheduler(stop)
        if not no_imap:
            start_imap_fetchers(stop)
        try:
            # -v 0 silences the per-task log lines (our own warnings still show).
            call_command(
                "db_worker",
                queue_name="*",
                interval=interval,
                reload=False,
                verbosity=options["verbosity"],
            )
        finally:
            stop.set()
