"""Inbound e-mail through `relais smtpd` into conversations.

Starts `relais smtpd` (one process, SQLite) and a `relais worker` on a fresh
data directory with one e-mail inbox, then sends N mails of mixed size over
SMTP from concurrent client connections (10 by default, as a relay delivers),
10% of them with an attachment; each mail is acknowledged (250) only once
stored. Throughput is mails per second from the first MAIL FROM to the last
250; the stored count is checked against the database.

    .venv/bin/python -m benchmarks.email_smtpd --mails 10000

Last line: one JSON object with the figures.
"""

import argparse
import json
import os
import random
import shutil
import smtplib
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from email import policy
from email.message import EmailMessage
from pathlib import Path

from benchmarks.ws_latency import cpu_seconds
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
ADDRESS = "support@bench.example"
WORDS = ["bonjour", "commande", "livraison", "retour", "colis", "facture", "merci"]


def prepare(env: dict) -> None:
    script = f"""
import django, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'relais.settings'
django.setup()
from django.core.management import call_command
call_command('migrate', verbosity=0)
from relais.connectors.models import Inbox
Inbox.objects.create(kind='email', name='Bench mail', config={{'address': '{ADDRESS}'}})
"""
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=ROOT)


def make_mail(index: int, rng: random.Random) -> bytes:
    """A customer mail: 1 to 60 KB of text, every tenth with a 20–300 KB file."""
    message = EmailMessage()
    message["From"] = f"Client {index % 3000} <client{index % 3000}@customers.example>"
    message["To"] = ADDRESS
    message["Subject"] = f"Commande {index} : {' '.join(rng.choices(WORDS, k=4))}"
    message["Message-ID"] = f"<bench-{index}@customers.example>"
    size = rng.choice([1_000, 2_000, 5_000, 10_000, 60_000])
    text = textwrap.fill(" ".join(rng.choices(WORDS, k=size // 8)), 72)
    message.set_content(f"Bonjour,\n\n{text}\n\nCordialement,\nClient {index}")
    if index % 10 == 0:
        data = rng.randbytes(rng.choice([20_000, 100_000, 300_000]))
        message.add_attachment(
            b"%PDF-1.4\n" + data, maintype="application", subtype="pdf", filename=f"f{index}.pdf"
        )
    return message.as_bytes(policy=policy.SMTP)  # CRLF line ends, as on the wire


def send_all(port: int, mails: list[bytes], clients: int) -> tuple[float, list[str]]:
    errors: list[str] = []
    chunks = [mails[i::clients] for i in range(clients)]

    def client(chunk: list[bytes]) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
            for raw in chunk:
                try:
                    smtp.sendmail("sender@customers.example", [ADDRESS], raw)
                except smtplib.SMTPException as error:
                    errors.append(str(error))

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, errors


def wait_listening(port: int) -> None:
    for _ in range(300):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError("relais smtpd did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=10_000)
    # Postfix delivers to one destination over up to 20 connections at once
    # (default_destination_concurrency_limit); a busy relay uses several.
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="relais-bench-smtpd-")
    env = {**os.environ, "RELAIS_DATA_DIR": data_dir, "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    prepare(env)
    rng = random.Random(7)
    mails = [make_mail(index, rng) for index in range(args.mails)]
    megabytes = sum(map(len, mails)) / 1e6
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "relais", "smtpd", "--port", str(port)], env=env, cwd=ROOT
    )
    # The worker runs beside it as in production: its periodic jobs checkpoint
    # the SQLite log, off the mails' path.
    worker = subprocess.Popen(
        [sys.executable, "-m", "relais", "worker", "--verbosity", "0"], env=env, cwd=ROOT
    )
    try:
        wait_listening(port)
        pids = {"server": server.pid, "worker": worker.pid}
        cpu_before = cpu_seconds(pids)
        elapsed, errors = send_all(port, mails, args.clients)
        cpu_after = cpu_seconds(pids)
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)
    db = sqlite3.connect(Path(data_dir) / "relais.sqlite3")
    stored = db.execute("SELECT COUNT(*) FROM conversations_message").fetchone()[0]
    files = db.execute("SELECT COUNT(*) FROM conversations_attachment").fetchone()[0]
    db.close()
    shutil.rmtree(data_dir)  # hundreds of MB of mail
    figures = {
        "mails": args.mails,
        "megabytes": round(megabytes, 1),
        "clients": args.clients,
        "seconds": round(elapsed, 2),
        "mails_per_second": round(args.mails / elapsed, 1),
        "stored": stored,
        "attachments_stored": files,
        "errors": len(errors),
        # CPU the smtpd process spent per mail: what one core can carry
        # (1000 / this = mails/s) whatever else shares the machine.
        "server_cpu_ms_per_mail": round(
            (cpu_after["server"] - cpu_before["server"]) * 1000 / args.mails, 2
        ),
        "worker_cpu_ms_per_mail": round(
            (cpu_after["worker"] - cpu_before["worker"]) * 1000 / args.mails, 2
        ),
        # Share of the machine's two cores busy during the run, all processes.
        "machine_busy_cores": round((cpu_after["machine"] - cpu_before["machine"]) / elapsed, 2),
    }
    print(
        f"{args.mails} mails ({megabytes:.0f} MB) in {elapsed:.1f} s: "
        f"{figures['mails_per_second']} mails/s; stored {stored}, errors {len(errors)}; "
        f"server CPU {figures['server_cpu_ms_per_mail']} ms a mail, "
        f"machine {figures['machine_busy_cores']} cores busy"
    )
    if errors:
        print(f"first error: {errors[0]}", file=sys.stderr)
    print(json.dumps(figures))
    if errors or stored < args.mails:
        sys.exit(1)


if __name__ == "__main__":
    main()
