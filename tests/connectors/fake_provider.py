"""The provider side of the channel tests: a real HTTP server on 127.0.0.1
(a free port) that records every request and answers scripted responses.

    with FakeProvider() as provider:
        provider.on("POST", "/bot123:abc/sendMessage", Reply(json={"ok": True, ...}))
        inbox.config["api_base_url"] = provider.url
        ...
        [call] = provider.requests_to("/bot123:abc/sendMessage")

Responses for a route are used in order, the last one repeated; a route may
also answer slowly (`delay`) or drop the connection (`drop`). Unscripted
requests get a 404 with a JSON error, like a provider's unknown method.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}


@dataclass(frozen=True)
class Reply:
    status: int = 200
    json: Any = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = ""
    delay: float = 0.0
    drop: bool = False  # close the connection without answering


class FakeProvider:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._routes: dict[tuple[str, str], list[Reply]] = {}
        self._lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                provider._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def on(self, method: str, path: str, *replies: Reply) -> None:
        """Script the answers to `method path` (a path or a regular expression)."""
        with self._lock:
            self._routes[method.upper(), path] = list(replies) or [Reply()]

    def requests_to(self, path: str, method: str = "") -> list[Recorded]:
        with self._lock:
            return [
                request
                for request in self.requests
                if request.path == path and (not method or request.method == method.upper())
            ]

    def _reply_for(self, method: str, path: str) -> Reply | None:
        with self._lock:
            for (route_method, route), replies in self._routes.items():
                if route_method == method and (route == path or re.fullmatch(route, path)):
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        return None

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        recorded = Recorded(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={name.lower(): value for name, value in handler.headers.items()},
            body=body,
        )
        with self._lock:
            self.requests.append(recorded)
        reply = self._reply_for(handler.command, parts.path) or Reply(
            404, json={"ok": False, "error_code": 404, "description": "Not Found"}
        )
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            handler.close_connection = True
            handler.connection.close()
            return
        payload = json.dumps(reply.json).encode() if reply.json is not None else reply.body
        content_type = reply.content_type or (
            "application/json" if reply.json is not None else "application/octet-stream"
        )
        handler.send_response(reply.status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)
