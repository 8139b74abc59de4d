"""Widget → agent console latency with many concurrent widget websockets.

Starts `relais serve` (one process, SQLite, in-memory channel layer) and a
`relais worker` beside it on a fresh data directory, opens one logged-in agent
console websocket and N widget websockets, and has every widget send messages
at random intervals. The latency of a message is the time from the widget's
send to the console receiving its `message.created` event: network, consumer,
receive_message() transaction, commit and fan-out included.

    .venv/bin/python -m benchmarks.ws_latency --clients 200 --messages 5 [--runs 5]

Pacing: each widget waits a random time (uniform, 0 to twice --interval)
before each message, from a seeded generator, so every run replays the same
arrivals: widgets type independently, as people do, about clients/interval
messages a second in all, never a synchronized burst.

The load generator runs on the same machine. Besides the latency it reports
what else the figures contain: its own event loop's scheduling delay (a probe
that sleeps 5 ms and measures how late it wakes: a message's latency includes
up to that much of the generator's own lateness), the CPU time the server,
the worker and the generator used per message, and how many cores other
processes on the machine kept busy meanwhile.

Last line: one JSON object with the figures (with --runs, of every run and
their min/median/max).
"""

import argparse
import asyncio
import contextlib
import gc
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
TARGET_P99_MS = 100


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
        return await measure(args, base, port, setup, {"server": server.pid, "worker": worker.pid})
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=10)


async def measure(args, base: str, port: int, setup: dict, pids: dict[str, int]) -> dict:
    """Open the console and the widgets, send every message, return the figures."""
    expected = args.clients * args.messages
    origin = f"http://127.0.0.1:{port}"
    console = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/console/",
        additional_headers={"Cookie": f"sessionid={setup['session']}", "Origin": origin},
        max_size=None,
    )
    heard = Heard(expected)
    listener = asyncio.create_task(heard.listen(console))
    widgets = await open_widgets(args.clients, base, port, setup["public_key"])
    answers: dict[str, int] = {}
    drains = [asyncio.create_task(drain(ws, answers)) for ws in widgets]
    arrivals = random.Random(args.seed)
    pauses = [
        [arrivals.uniform(0, args.interval * 2) for _ in range(args.messages)] for _ in widgets
    ]
    # The generator's own garbage-collector pauses are not the server's latency.
    gc.collect()
    gc.freeze()
    pids = {**pids, "generator": os.getpid()}
    cpu_before = cpu_seconds(pids)
    lateness: list[float] = []
    probe = asyncio.create_task(measure_lateness(lateness))
    started = time.perf_counter()
    await asyncio.gather(*(chat(ws, p, heard) for ws, p in zip(widgets, pauses, strict=True)))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(heard.all_heard.wait(), timeout=60)
    elapsed = time.perf_counter() - started
    cpu_after = cpu_seconds(pids)
    for task in (listener, *drains, probe):
        task.cancel()
    await console.close()
    for ws in widgets:
        await ws.close()
    gc.unfreeze()
    figures = summarise(args, heard.latencies, expected, elapsed)
    lateness.sort()
    figures["generator_lateness_ms"] = {
        "p50": round(percentile(lateness, 0.50), 1),
        "p99": round(percentile(lateness, 0.99), 1),
        "max": round(lateness[-1], 1) if lateness else 0.0,
    }
    used = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    figures["cpu_ms_per_message"] = {name: round(used[name] * 1000 / expected, 2) for name in pids}
    # Cores kept busy by everything else on the machine while the messages ran.
    others = used["machine"] - sum(used[name] for name in pids)
    figures["other_processes_cores"] = round(max(others, 0.0) / elapsed, 2)
    figures["widget_answers"] = answers
    return figures


class Heard:
    """What the console heard: the latency of each message sent, by its marker."""

    def __init__(self, expected: int) -> None:
        self.sent_at: dict[str, float] = {}
        self.latencies: list[float] = []
        self.expected = expected
        self.all_heard = asyncio.Event()

    async def listen(self, console) -> None:
        async for raw in console:
            event = json.loads(raw)
            if event.get("name") != "message.created":
                continue
            marker = event["message"]["body"].rsplit(" ", 1)[-1]
            start = self.sent_at.pop(marker, None)
            if start is not None:
                self.latencies.append((time.perf_counter() - start) * 1000)
                if len(self.latencies) >= self.expected:
                    self.all_heard.set()


async def open_widgets(count: int, base: str, port: int, public_key: str) -> list:
    """`count` widget websockets, each with a visitor session of its own."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        tokens = []
        for _ in range(count):
            response = await http.post(f"/widget/{public_key}/session", json={})
            response.raise_for_status()
            tokens.append(response.json()["token"])
    return [
        await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/widget/{public_key}/?token={token}",
            additional_headers={"Origin": f"http://127.0.0.1:{port}"},
        )
        for token in tokens
    ]


async def chat(ws, pauses: list[float], heard: Heard) -> None:
    """Send one message after each pause; the marker ends the body."""
    for pause in pauses:
        await asyncio.sleep(pause)
        marker = uuid.uuid4().hex
        heard.sent_at[marker] = time.perf_counter()
        message = {"type": "message", "body": f"Bonjour, ma commande {marker}", "client_id": marker}
        await ws.send(json.dumps(message))


async def measure_lateness(lateness: list[float], period: float = 0.005) -> None:
    """How late the generator's loop wakes a task that sleeps `period` (ms)."""
    while True:
        before = time.perf_counter()
        await asyncio.sleep(period)
        lateness.append((time.perf_counter() - before - period) * 1000)


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """User + system CPU seconds each process has used so far, and the whole
    machine's busy CPU seconds as "machine" (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for name, pid in pids.items():
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        used[name] = (int(fields[11]) + int(fields[12])) / ticks
    with open("/proc/stat") as stat:
        # cpu  user nice system idle iowait irq softirq steal …
        user, nice, system, _, _, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    used["machine"] = (user + nice + system + irq + softirq + steal) / ticks
    return used


async def drain(ws, answers: dict[str, int]) -> None:
    """Read the widget's answers (acks, agent events); count them by type."""
    async for raw in ws:
        event = json.loads(raw)
        key = event.get("type") or event.get("name") or "?"
        if key == "error":
            key = f"error:{event.get('error')}"
        answers[key] = answers.get(key, 0) + 1


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
        "max_ms": round(latencies[-1], 1) if latencies else 0.0,
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
    }


def spread(runs: list[dict], key: str) -> dict[str, float]:
    values = sorted(run[key] for run in runs)
    return {"min": values[0], "median": statistics.median(values), "max": values[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5, help="messages per client")
    parser.add_argument(
        "--interval", type=float, default=2.0, help="mean seconds between a client's messages"
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the arrival times")
    parser.add_argument("--runs", type=int, default=1, help="repeat on a fresh server")
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        figures = asyncio.run(run(args))
        runs.append(figures)
        print(
            f"{figures['clients']} widgets, {figures['received']}/{figures['messages']} "
            f"messages heard by the console: p50 {figures['p50_ms']} ms, "
            f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms "
            f"(target p99 < {TARGET_P99_MS} ms); generator lateness "
            f"p99 {figures['generator_lateness_ms']['p99']} ms; CPU ms per message "
            f"{figures['cpu_ms_per_message']}; other processes kept "
            f"{figures['other_processes_cores']} of {os.cpu_count()} cores busy"
        )
    if args.runs == 1:
        print(json.dumps(runs[0]))
        return
    summary = {key: spread(runs, key) for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")}
    print(f"{args.runs} runs: " + ", ".join(f"{key} {value}" for key, value in summary.items()))
    print(json.dumps({"runs": runs, **summary}))


if __name__ == "__main__":
    main()
