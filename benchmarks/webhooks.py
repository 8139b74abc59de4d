"""Signed inbound webhooks through the real HTTP stack into conversations.

    .venv/bin/python -m benchmarks.webhooks [--db postgres|sqlite]
        [--requests 6000] [--concurrency 40] [--customers 1000] [--profile FILE]

Starts a throwaway PostgreSQL (tests.servers) unless --db sqlite, migrates,
creates a Telegram inbox, then starts `relais serve` (uvicorn, one process)
and POSTs Telegram Updates, each with the inbox's secret-token header, to
/webhooks/telegram/<key>/ from `concurrency` concurrent connections; the
customers write in turn, so most messages continue a conversation and the
first of each customer opens one. A warm-up of 300 requests is not counted.
Afterwards the stored messages are counted (every update must be stored,
once). Figures: requests per second, latency percentiles, the server's CPU
time per request, the load average. Target: 500/s on one process with
PostgreSQL. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from benchmarks.setup import percentile
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-secret-token-0123456789"
TARGET_PER_SECOND = 500
WARM_UP = 300

PREPARE = """
import django, json, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'relais.settings'
django.setup()
from django.core.management import call_command
call_command('migrate', verbosity=0)
from relais.accounts.models import Agent, Team
from relais.connectors.models import Inbox
inbox = Inbox.objects.create(kind='telegram', name='Bench bot', config={
    'bot_token': '123:bench', 'secret_token': %r, 'api_base_url': 'http://127.0.0.1:9'})
agent = Agent.objects.create_user('bench@example.com', password='x' * 12, name='Bench')
team = Team.objects.create(name='Bench team')
team.members.add(agent); team.inboxes.add(inbox)
print(json.dumps({'public_key': inbox.public_key}))
"""

COUNT = """
import django, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'relais.settings'
django.setup()
from relais.conversations.models import Conversation, Message
print(Message.objects.count(), Conversation.objects.count())
"""


def python(script: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return result.stdout.strip().splitlines()[-1]


def update(number: int, customers: int) -> bytes:
    user = 10_000 + number % customers
    return json.dumps(
        {
            "update_id": number,
            "message": {
                "message_id": number,
                "from": {"id": user, "is_bot": False, "first_name": f"Client {user}"},
                "chat": {"id": user, "type": "private"},
                "date": 1_700_000_000 + number,
                "text": f"Bonjour, message {number} : où en est ma commande ?",
            },
        }
    ).encode()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def fire(url: str, bodies: list[bytes], concurrency: int) -> tuple[list[float], int]:
    """POST every body, `concurrency` at a time on keep-alive connections;
    (latencies in ms, failures). Plain HTTP/1.1 on asyncio streams, the
    requests built beforehand: httpx cost the generator 6 ms of CPU a request,
    twice the server's, on the same two cores."""
    parts = urlsplit(url)
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Content-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
    )
    queue = [
        f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body for body in reversed(bodies)
    ]
    latencies: list[float] = []
    failures = 0

    async def worker() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        while queue:
            started = time.perf_counter()
            writer.write(queue.pop())
            status_line, _, headers = (await reader.readuntil(b"\r\n\r\n")).partition(b"\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", headers).group(1))
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            failures += status_line.split()[1] != b"200"
        writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, failures


async def wait_ready(base: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(400):
            with contextlib.suppress(httpx.TransportError):
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.05)
    raise RuntimeError("server did not start")


def _profiler(pid: int, output: str | None) -> subprocess.Popen | None:
    """py-spy sampling the server's thread holding the GIL (raw folded stacks)."""
    if not output:
        return None
    command = ["py-spy", "record", "-p", str(pid), "-f", "raw", "--gil", "-r", "200"]
    py_spy = Path(sys.executable).with_name("py-spy")
    command[0] = str(py_spy) if py_spy.exists() else command[0]
    process = subprocess.Popen([*command, "-o", output], stdout=subprocess.DEVNULL)
    time.sleep(1.0)  # py-spy attaches before the measured requests start
    return process


def run(args, database_url: str | None) -> dict:
    env = {**os.environ, "RELAIS_DATA_DIR": tempfile.mkdtemp(prefix="relais-bench-wh-")}
    env.update(LOG_LEVEL="WARNING", SECRET_KEY="benchmark-secret-key-not-for-production")
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    public_key = json.loads(python(PREPARE % SECRET, env))["public_key"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "relais", "serve", "--port", str(port)], env=env, cwd=ROOT
    )
    try:
        asyncio.run(wait_ready(base))
        url = f"{base}/webhooks/telegram/{public_key}/"
        total = WARM_UP + args.requests
        bodies = [update(number, args.customers) for number in range(1, total + 1)]
        asyncio.run(fire(url, bodies[:WARM_UP], args.concurrency))
        profiler = _profiler(server.pid, args.profile)
        own_before = time.process_time()
        cpu_before, started = cpu_seconds(server.pid), time.perf_counter()
        latencies, failures = asyncio.run(fire(url, bodies[WARM_UP:], args.concurrency))
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(server.pid) - cpu_before
        generator_cpu = time.process_time() - own_before
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)
        # A replay of a few: acknowledged, nothing stored twice.
        asyncio.run(fire(url, bodies[:50], 4))
    finally:
        server.terminate()
        server.wait(timeout=10)
    messages, conversations = map(int, python(COUNT, env).split())
    latencies.sort()
    return {
        "benchmark": "webhooks",
        "db": "postgresql" if database_url else "sqlite",
        "requests": args.requests,
        "concurrency": args.concurrency,
        "customers": args.customers,
        "per_second": round(args.requests / elapsed, 1),
        "target_per_second": TARGET_PER_SECOND,
        "met": args.requests / elapsed >= TARGET_PER_SECOND,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "server_cpu_ms_per_request": round(cpu * 1000 / args.requests, 2),
        "generator_cpu_ms_per_request": round(generator_cpu * 1000 / args.requests, 2),
        "failures": failures,
        "messages_stored": messages,
        "messages_expected": total,
        "conversations": conversations,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--requests", type=int, default=6000)
    # Telegram delivers over up to 40 connections at once by default
    # (setWebhook max_connections, 1-100); Meta and Twilio also send in parallel.
    parser.add_argument("--concurrency", type=int, default=40)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--profile", metavar="FILE", help="py-spy folded stacks of the server")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    with contextlib.ExitStack() as stack:
        database_url = None
        if args.db == "postgres":
            from tests.servers import postgres_server

            database_url = stack.enter_context(postgres_server())
        result = run(args, database_url)
    for key, value in result.items():
        print(f"{key:>28}: {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
