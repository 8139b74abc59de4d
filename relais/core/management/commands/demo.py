"""`relais demo`: migrate, load the French demo data once, then serve with a worker."""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from relais.core.demo_data import DemoSummary, issue_demo_token, load_demo_data

# Seconds the worker gets to finish its current task when the server stops.
WORKER_STOP_TIMEOUT = 10


class Command(BaseCommand):
    help = "Run the demo: migrate, load demo data (once), start a worker and serve."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="migrate and load the data, then exit"
        )

    def handle(self, *args, host: str, port: int, no_serve: bool, **options):
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        summary = load_demo_data()
        if summary.created:
            self.stdout.write(f"Loaded the demo: {summary.conversations} conversations.")
        else:
            self.stdout.write("The demo data is already loaded.")
        self.stdout.write(login_instructions(summary, issue_demo_token(), host, port))
        if no_serve:
            return
        self.stdout.write(f"Serving on {host}:{port} with a background worker. Ctrl+C stops both.")
        # The worker logs every task at INFO; the demo keeps its terminal for the
        # instructions above and for warnings, as the server does.
        worker_env = {**os.environ, "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING")}
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "relais", "worker", "--verbosity", "0"], env=worker_env
        )
        try:
            call_command("serve", host=host, port=port)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=WORKER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                worker.kill()


def login_instructions(summary: DemoSummary, token: str, host: str, port: int) -> str:
    # A server listening on every interface is still reached on the loopback.
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    base = f"http://{shown_host}:{port}"
    width = max(len(account.name) for account in summary.accounts)
    accounts = "\n".join(
        f"    {account.role:<11} {account.name:<{width}}  {account.email}"
        for account in summary.accounts
    )
    return f"""
Relais demo
  Agent console  {base}/login/
  Demo shop      {base}/demo/shop/   (chat as a customer in the widget)
  API docs       {base}/api/v1/docs

  Every account's password: {summary.password}
{accounts}

  API token for {summary.admin_email} (new at each run):
    {token}
  e.g. curl -H "Authorization: Bearer {token}" {base}/api/v1/conversations
"""
