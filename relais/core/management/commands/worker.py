"""`relais worker`: runs background tasks (outbound sends, retries, timers)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks from the database queue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=0.5, help="seconds between polls when idle"
        )
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    def handle(self, *args, interval: float, batch: bool, **options):
        call_command("db_worker", queue_name="*", interval=interval, batch=batch, reload=False)
