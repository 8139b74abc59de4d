"""A local stand-in for Meta's Graph API: a real HTTP server on a free port that
records every request and answers what the test scripted (JSON by path, or
bytes for media downloads). Default answers follow Meta's documented shapes."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class FakeGraph:
    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    # path -> (status, JSON answer) or (status, bytes, content type)
    answers: dict[str, tuple] = field(default_factory=dict)
    counter: int = 0

    def answer(self, path: str, status: int, body, content_type: str = "application/json") -> None:
        self.answers[path] = (status, body, content_type)

    def posts(self, path_suffix: str = "") -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith(path_suffix)]

    def default_answer(self, method: str, path: str):
        self.counter += 1
        if path.endswith("/messages") and "/me/" not in path:
            wamid = f"wamid.FAKE{self.counter}"
            return 200, {"messaging_product": "whatsapp", "messages": [{"id": wamid}]}
        if path.endswith("/me/messages"):
            return 200, {"recipient_id": "7234567890123456", "message_id": f"m_FAKE{self.counter}"}
        if path.endswith("/media"):
            return 200, {"id": f"media-{self.counter}"}
        if path.endswith("/comments") or path.endswith("/replies"):
            return 200, {"id": f"reply-{self.counter}"}
        return 404, {
            "error": {"message": "Unknown path", "type": "GraphMethodException", "code": 100}
        }


def _handler(fake: FakeGraph):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            fake.requests.append(
                Recorded(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    dict(self.headers.items()),
                    self.rfile.read(length),
                )
            )
            scripted = fake.answers.get(parts.path)
            status, body, content_type = (
                scripted if scripted else (*fake.default_answer(self.command, parts.path), "")
            )
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type or "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

    return Handler


@pytest.fixture
def fake_graph():
    fake = FakeGraph()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
