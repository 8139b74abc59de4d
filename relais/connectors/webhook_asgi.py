"""Provider webhooks straight from the ASGI server, before Django's stack.

A provider's call needs none of what Django's request stack runs for a page:
sessions, authentication, locale, CSRF (providers sign their calls), messages,
WhiteNoise, axes, URL resolution. Through that stack a webhook spent most of
its CPU there (several thread hops per sync middleware, and a new thread per
request for them). `WebhookRoute` answers `/webhooks/<kind>/<public_key>/`
itself and hands every other request to Django unchanged.

What Django did that still matters is kept: the method check (405), the host
check against ALLOWED_HOSTS (400), the body limit (413, read no further), a
logged 500 for an unexpected error. The work is the Django view's own
(`webhook_views.check_request`, then webhook_batch's group commit), on a
Django `ASGIRequest` built from the scope, so the URL a provider signed, the
headers and the query are read exactly as through the view; the view still
serves the test client and any set-up without this route.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse

from relais.connectors.webhook_batch import GROUP_COMMIT, WebhookCall
from relais.connectors.webhook_views import plain_response

log = logging.getLogger(__name__)

# The route of relais/urls.py ("webhooks/<slug:kind>/<slug:public_key>/").
WEBHOOK_PATH = re.compile(r"/webhooks/([-a-zA-Z0-9_]+)/([-a-zA-Z0-9_]+)/")
METHODS = ("GET", "POST")


class WebhookRoute:
    """ASGI application: provider webhooks answered here, the rest to `app`."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        match = None
        if scope["type"] == "http":
            path = scope["path"]
            root = scope.get("root_path") or ""
            if root and path.startswith(root):
                path = path[len(root) :]
            match = WEBHOOK_PATH.fullmatch(path)
        if match is None:
            return await self.app(scope, receive, send)
        response = await answer_webhook(scope, receive, *match.groups())
        await send_response(send, response)


async def answer_webhook(scope: dict, receive: Any, kind: str, public_key: str) -> HttpResponse:
    """The webhook view's answer to this request, without the middleware."""
    if scope["method"] not in METHODS:
        response = plain_response(405, "GET or POST")
        response["Allow"] = ", ".join(METHODS)
        return response
    limit = settings.RELAIS_WEBHOOK_MAX_BYTES
    body = await read_body(receive, limit)
    if body is None:
        return plain_response(413, f"the body is larger than {limit} bytes")
    request = ASGIRequest(scope, io.BytesIO(body))
    try:
        request.get_host()  # ALLOWED_HOSTS, as Django's stack checks it
    except SuspiciousOperation as error:
        log.warning("webhook refused: %s", error)
        return plain_response(400, "bad host")
    return await GROUP_COMMIT.answer(WebhookCall(request, kind, public_key))


async def read_body(receive: Any, limit: int) -> bytes | None:
    """The request's body, or None as soon as it exceeds `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def send_response(send: Any, response: HttpResponse) -> None:
    body = response.content
    headers = [
        (name.lower().encode("latin1"), value.encode("latin1")) for name, value in response.items()
    ]
    headers.append((b"content-length", str(len(body)).encode()))
    headers.append((b"x-content-type-options", b"nosniff"))  # as SecurityMiddleware
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})
