"""Widget → agent console latency with many concurrent widget websockets.

Starts `relais serve` (one process, SQLite, in-memory channel layer) and a
`relais worker` beside it on a fresh data directory, opens one logged-in agent
console websocket and N widget websockets, and has every widget send messages
at random intervals. The latency of a message is the time from the widget's
send to the console receiving its `message.created` event: network, consumer,
receive_message() transaction, commit and fan-out included.

    .venv/bin/python -m benchmarks.ws_latency --clients 200 --messages 5

Last line: one JSON object with the figures.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import websockets

from benchmarks.setup import percentile
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


def prepare(env: dict) -> dict:
    """Migrate a fresh database and create an inbox, a team and an online agent."""
    script = """
import django, json, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'relais.settings'
django.setup()
from django.core.management import call_command
call_command('migrate', verbosity=0)
from django.contrib.sessions.backends.db import SessionStore
from relais.accounts.models import Agent, Team
from relais.connectors.models import Inbox
inbox = Inbox.objects.create(kind='webchat', name='Bench chat')
agent = Agent.objects.create_user('bench@example.com', password='x' * 12, name='Bench',
                                  presence='online', capacity={'chat': 100000})
team = Team.objects.create(name='Bench team')
team.members.add(agent); team.inboxes.add(inbox)
session = SessionStore()
session['_auth_user_id'] = str(agent.pk)
session['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend'
session['_auth_user_hash'] = agent.get_session_auth_hash()
session.create()
print(json.dumps({'public_key': inbox.public_key, 'session': session.session_key}))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


async def wait_ready(base: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                if (await client.get(f"{base}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError("server did not start")


async def run(args) -> dict:
    data_dir = tempfile.mkdtemp(prefix="relais-bench-ws-")
    env = {**os.environ, "RELAIS_DATA_DIR": data_dir, "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    setup = prepare(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "relais", "serve", "--port", str(port)], env=env, cwd=ROOT
    )
    # The worker runs beside the server as in production (its periodic jobs
    # include checkpointing the SQLite log, off the messages' path).
    worker = subprocess.Popen(
        [sys.executable, "-m", "relais", "worker", "--verbosity", "0"], env=env, cwd=ROOT
    )
    try:
        await wait_ready(base)
        return await measure(args, base, port, setup)
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=10)


async def measure(args, base: str, port: int, setup: dict) -> dict:
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    expected = args.clients * args.messages
    done = asyncio.Event()
    origin = f"http://127.0.0.1:{port}"
    console = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/console/",
        additional_headers={"Cookie": f"sessionid={setup['session']}", "Origin": origin},
        max_size=None,
    )

    async def listen() -> None:
        async for raw in console:
            event = json.loads(raw)
            if event.get("name") != "message.created":
                continue
            marker = event["message"]["body"].rsplit(" ", 1)[-1]
            start = sent_at.pop(marker, None)
            if start is not None:
                latencies.append((time.perf_counter() - start) * 1000)
                if len(latencies) >= expected:
                    done.set()

    listener = asyncio.create_task(listen())
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        tokens = []
        for _ in range(args.clients):
            response = await http.post(f"/widget/{setup['public_key']}/session", json={})
            response.raise_for_status()
            tokens.append(response.json()["token"])
    widgets = [
        await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/widget/{setup['public_key']}/?token={token}",
            additional_headers={"Origin": origin},
        )
        for token in tokens
    ]
    drains = [asyncio.create_task(drain(ws)) for ws in widgets]

    async def chat(ws) -> None:
        for _ in range(args.messages):
            await asyncio.sleep(random.uniform(0, args.interval * 2))
            marker = uuid.uuid4().hex
            sent_at[marker] = time.perf_counter()
            await ws.send(
                json.dumps(
                    {
                        "type": "message",
                        "body": f"Bonjour, ma commande {marker}",
                        "client_id": marker,
                    }
                )
            )

    started = time.perf_counter()
    await asyncio.gather(*(chat(ws) for ws in widgets))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), timeout=60)
    elapsed = time.perf_counter() - started
    for task in (listener, *drains):
        task.cancel()
    await console.close()
    for ws in widgets:
        await ws.close()
    return summarise(args, latencies, expected, elapsed)


ANSWERS: dict[str, int] = {}


async def drain(ws) -> None:
    """Read the widget's answers (acks, agent events); count them by type."""
    async for raw in ws:
        event = json.loads(raw)
        key = event.get("type") or event.get("name") or "?"
        if key == "error":
            key = f"error:{event.get('error')}"
        ANSWERS[key] = ANSWERS.get(key, 0) + 1


def summarise(args, latencies: list[float], expected: int, elapsed: float) -> dict:
    latencies.sort()

    def pct(fraction: float) -> float:
        return round(percentile(latencies, fraction), 1)

    return {
        "clients": args.clients,
        "messages": expected,
        "received": len(latencies),
        "lost": expected - len(latencies),
        "messages_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1], 1),
        "mean_ms": round(statistics.fmean(latencies), 1),
        "widget_answers": dict(ANSWERS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5, help="messages per client")
    parser.add_argument(
        "--interval", type=float, default=2.0, help="mean seconds between a client's messages"
    )
    args = parser.parse_args()
    figures = asyncio.run(run(args))
    print(
        f"{figures['clients']} widget clients, {figures['messages']} messages, "
        f"{figures['received']} received by the console, {figures['messages_per_s']} msg/s"
    )
    print(
        f"latency widget -> console: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
        f"p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
