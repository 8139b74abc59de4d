"""Messenger webhook intake while the Graph API is slow or down: the sender's
profile look-up must not hold up the webhook.

    .venv/bin/python -m benchmarks.meta_profile [--senders 40] [--per-sender 3]
        [--graph-delay 0.5] [--graph-down]

A fresh SQLite database, a Messenger inbox (fetch_profile on) whose Graph API
is the tests' fake provider, answering every profile GET after
`--graph-delay` seconds (or with a 500 under --graph-down). Each of `senders`
new customers sends `per-sender` signed webhooks in turn, through Django's
test client (in process, one at a time): the first message of each is a new
sender, whose name is looked up. The latency of every webhook request is
measured, and the Graph calls made while the requests ran; then the queued
tasks run (`db_worker --batch`) and the named contacts are counted.
Expectation: no Graph call during intake, webhook latency independent of
the Graph delay, one call per sender afterwards. The last line printed is
one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time

from benchmarks.setup import percentile, start_django

PAGE_ID = "109876543210987"
APP_SECRET = "benchmark-app-secret"


def webhook_body(sender: str, n: int) -> bytes:
    event = {
        "sender": {"id": sender},
        "recipient": {"id": PAGE_ID},
        "timestamp": 1750857384000 + n,
        "message": {"mid": f"m_{sender}_{n}", "text": f"Message {n} : ma commande ?"},
    }
    entry = {"id": PAGE_ID, "time": 1750857384123, "messaging": [event]}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def run(args: argparse.Namespace) -> dict:
    from django.core.management import call_command
    from django.test import Client

    from relais.connectors.meta.signature import sign
    from relais.connectors.models import Inbox
    from relais.connectors.webhooks import webhook_path
    from relais.contacts.models import Contact
    from relais.conversations.models import Message
    from tests.connectors.fake_provider import FakeProvider, Reply

    with FakeProvider() as graph:
        profile = Reply(json={"first_name": "Camille", "last_name": "Durand"})
        if args.graph_down:
            profile = Reply(500, json={"error": {"message": "down", "code": 2}})
        graph.on("GET", r"/v21\.0/\d+", Reply(**{**profile.__dict__, "delay": args.graph_delay}))
        inbox = Inbox.objects.create(
            kind="messenger",
            name="Bench page",
            config={
                "page_id": PAGE_ID,
                "access_token": "EAAB-bench",
                "app_secret": APP_SECRET,
                "verify_token": "bench-verify-token",
                "api_base_url": graph.url,
                "fetch_profile": True,
            },
        )
        url, client = webhook_path("messenger", inbox.public_key), Client()
        latencies, first_latencies = [], []
        for n in range(args.per_sender):
            for s in range(args.senders):
                body = webhook_body(f"{7000000000000000 + s}", n)
                started = time.perf_counter()
                response = client.post(
                    url,
                    body,
                    content_type="application/json",
                    HTTP_X_HUB_SIGNATURE_256=sign(APP_SECRET, body),
                    HTTP_HOST="localhost",
                )
                elapsed = time.perf_counter() - started
                assert response.status_code == 200, response.content
                latencies.append(elapsed)
                if n == 0:
                    first_latencies.append(elapsed)
        calls_during_intake = len(graph.requests)
        started = time.perf_counter()
        call_command("db_worker", batch=True, verbosity=0, startup_delay=False)
        tasks_seconds = time.perf_counter() - started
        calls_total = len(graph.requests)
    latencies.sort()
    first_latencies.sort()
    return {
        "benchmark": "meta_profile",
        "graph_delay_s": args.graph_delay,
        "graph_down": args.graph_down,
        "requests": len(latencies),
        "stored": Message.objects.count(),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "new_sender_p50_ms": round(percentile(first_latencies, 0.5) * 1000, 1),
        "new_sender_max_ms": round(first_latencies[-1] * 1000, 1),
        "graph_calls_during_intake": calls_during_intake,
        "graph_calls_total": calls_total,
        "named_contacts": Contact.objects.exclude(name="").count(),
        "tasks_s": round(tasks_seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--senders", type=int, default=40)
    parser.add_argument("--per-sender", type=int, default=3)
    parser.add_argument("--graph-delay", type=float, default=0.5)
    parser.add_argument("--graph-down", action="store_true")
    args = parser.parse_args()
    data_dir = start_django()
    try:
        figures = run(args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    for key, value in figures.items():
        print(f"{key:>28}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
