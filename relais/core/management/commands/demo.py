"""`relais demo`: migrate, load the French demo data once, then serve with a
worker and the SMTP receiver of the demo's e-mail inbox."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from relais.core.demo_data import DemoSummary, issue_demo_token, load_demo_data

# Seconds each helper process gets to finish its current work when the server stops.
HELPER_STOP_TIMEOUT = 10


class Command(BaseCommand):
    help = "Run the demo: migrate, load demo data (once), start a worker and serve."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--smtp-port",
            type=int,
            default=2525,
            help="port of the demo's SMTP receiver (relais smtpd); 0 starts none",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="migrate and load the data, then exit"
        )

    def handle(self, *args, host: str, port: int, smtp_port: int, no_serve: bool, **options):
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        summary = load_demo_data()
        if summary.created:
            self.stdout.write(f"Loaded the demo: {summary.conversations} conversations.")
        else:
            self.stdout.write("The demo data is already loaded.")
        self.stdout.write(login_instructions(summary, issue_demo_token(), host, port, smtp_port))
        if no_serve:
            return
        self.stdout.write(f"Serving on {host}:{port} with a background worker. Ctrl+C stops all.")
        helpers = []
        worker_env = {}
        if smtp_port and summary.mailbox:
            helpers.append(start_helper("smtpd", "--host", host, "--port", str(smtp_port)))
            if not os.environ.get("RELAIS_SMTP_URL"):
                # Replies to the demo's (fictitious) customers go to a folder.
                catcher = ("--port", str(smtp_port + 1), "--dir", str(demo_outbox()))
                helpers.append(start_helper("mailcatcher", *catcher))
                worker_env["RELAIS_SMTP_URL"] = f"smtp://127.0.0.1:{smtp_port + 1}?security=none"
        helpers.append(start_helper("worker", "--verbosity", "0", env=worker_env))
        try:
            call_command("serve", host=host, port=port)
        finally:
            for helper in helpers:
                stop_helper(helper)


def demo_outbox() -> Path:
    return settings.DATA_DIR / "demo-outbox"


def start_helper(*command: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`relais <command>` in a child process. It logs at WARNING unless
    LOG_LEVEL says otherwise: the demo keeps its terminal for the instructions
    and for warnings, as the server does."""
    env = {**os.environ, "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "relais", *command], env=env)  # noqa: S603


def stop_helper(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=HELPER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()


def login_instructions(
    summary: DemoSummary, token: str, host: str, port: int, smtp_port: int = 0
) -> str:
    # A server listening on every interface is still reached on the loopback.
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    base = f"http://{shown_host}:{port}"
    width = max(len(account.name) for account in summary.accounts)
    accounts = "\n".join(
        f"    {account.role:<11} {account.name:<{width}}  {account.email}"
        for account in summary.accounts
    )
    mail = ""
    if mailbox := summary.mailbox:
        if smtp_port:
            mail += f"  E-mail inbox   smtp://{shown_host}:{smtp_port} → {mailbox.address}\n"
            if not os.environ.get("RELAIS_SMTP_URL"):
                mail += f"  Mail sent      written to {demo_outbox()}/ (nothing leaves)\n"
        mail += f"  Contact form   {base}{mailbox.contact_form_path}\n"
    return f"""
Relais demo
  Agent console  {base}/login/
  Demo shop      {base}/demo/shop/   (the helpbox, the bot, then an agent)
  Help center    {base}/help/
  Community      {base}/community/
{mail}  API docs       {base}/api/v1/docs

  Every account's password: {summary.password}
{accounts}

  API token for {summary.admin_email} (new at each run):
    {token}
  e.g. curl -H "Authorization: Bearer {token}" {base}/api/v1/conversations
"""
