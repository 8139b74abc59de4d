"""The one route every provider calls: /webhooks/<kind>/<public_key>/.

CSRF-exempt (providers sign their calls instead), body capped at
RELAIS_WEBHOOK_MAX_BYTES, errors answered in plain words.

Under ASGI an async view handing the work to webhook_batch's few database
threads (group commit): Django runs each sync view of an ASGI request on a
thread made for that request, which on PostgreSQL (with persistent
connections) opened one connection per concurrent webhook until the server
refused more. Those threads keep one connection each, so a burst of provider
calls queues instead. `relais serve` answers this route before Django's
middleware (webhook_asgi.py); this view serves the test client and any other
set-up."""

from __future__ import annotations

import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from relais.connectors.actions import (
    CheckedWebhook,
    InboxInactive,
    UnknownWebhook,
    WebhookOutcome,
    check_webhook,
    store_webhook,
)
from relais.connectors.webhooks import InvalidSignature, MalformedPayload, webhook_request

log = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
async def webhook(request: HttpRequest, kind: str, public_key: str) -> HttpResponse:
    if not isinstance(request, ASGIRequest):  # WSGI or the test client: its own thread
        return await sync_to_async(_handle)(request, kind, public_key)
    from relais.connectors.webhook_batch import GROUP_COMMIT, WebhookCall

    return await GROUP_COMMIT.answer(WebhookCall(request, kind, public_key))


def _handle(request: HttpRequest, kind: str, public_key: str) -> HttpResponse:
    checked = check_request(request, kind, public_key)
    if isinstance(checked, HttpResponse):
        return checked
    return outcome_response(store_webhook(checked))


def check_request(
    request: HttpRequest, kind: str, public_key: str
) -> CheckedWebhook | HttpResponse:
    """The checked webhook, or the answer when there is nothing to store (a
    refusal in plain words, a handshake's echo)."""
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
        checked = check_webhook(kind, public_key, webhook_request(request, body))
    except UnknownWebhook:
        return plain_response(404, "no inbox of this kind has this key")
    except (InvalidSignature, MalformedPayload) as error:
        log.warning("webhook refused", extra={"kind": kind, "reason": str(error)})
        return plain_response(error.status, str(error))
    except InboxInactive:
        return plain_response(409, "this inbox is deactivated")
    if isinstance(checked, WebhookOutcome):
        return outcome_response(checked)
    return checked


def outcome_response(outcome: WebhookOutcome) -> HttpResponse:
    response = outcome.response
    return HttpResponse(response.body, status=response.status, content_type=response.content_type)


def plain_response(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
