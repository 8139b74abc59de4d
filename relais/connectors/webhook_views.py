"""The one route every provider calls: /webhooks/<kind>/<public_key>/.

CSRF-exempt (providers sign their calls instead), body capped at
RELAIS_WEBHOOK_MAX_BYTES, errors answered in plain words.

An async view running the work on a small pool of its own threads: Django
runs each sync view of an ASGI request on a thread made for that request,
which on PostgreSQL (with persistent connections) opened one connection per
concurrent webhook until the server refused more. The pool's threads keep one
connection each, so a burst of provider calls queues instead."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from relais.connectors.actions import InboxInactive, UnknownWebhook, receive_webhook
from relais.connectors.webhooks import InvalidSignature, MalformedPayload, webhook_request

log = logging.getLogger(__name__)

POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhooks")


@csrf_exempt
@require_http_methods(["GET", "POST"])
async def webhook(request: HttpRequest, kind: str, public_key: str) -> HttpResponse:
    if not isinstance(request, ASGIRequest):  # WSGI or the test client: its own thread
        return await sync_to_async(_handle)(request, kind, public_key)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(POOL, pooled_handle, request, kind, public_key)


def pooled_handle(request: HttpRequest, kind: str, public_key: str) -> HttpResponse:
    """The view's work on a thread of POOL (also for webhook_asgi's route)."""
    close_old_connections()  # what Django does around a sync request, for this thread
    return _handle(request, kind, public_key)


def _handle(request: HttpRequest, kind: str, public_key: str) -> HttpResponse:
    limit = settings.RELAIS_WEBHOOK_MAX_BYTES
    try:
        if int(request.headers.get("Content-Length") or 0) > limit:
            raise RequestDataTooBig
        body = request.body
        if len(body) > limit:  # chunked, without a Content-Length
            raise RequestDataTooBig
    except (RequestDataTooBig, ValueError):
        return plain_response(413, f"the body is larger than {limit} bytes")
    try:
        outcome = receive_webhook(kind, public_key, webhook_request(request, body))
    except UnknownWebhook:
        return plain_response(404, "no inbox of this kind has this key")
    except (InvalidSignature, MalformedPayload) as error:
        log.warning("webhook refused", extra={"kind": kind, "reason": str(error)})
        return plain_response(error.status, str(error))
    except InboxInactive:
        return plain_response(409, "this inbox is deactivated")
    response = outcome.response
    return HttpResponse(response.body, status=response.status, content_type=response.content_type)


def plain_response(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
