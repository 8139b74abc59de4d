"""The one route every provider calls: /webhooks/<kind>/<public_key>/.

CSRF-exempt (providers sign their calls instead), body capped at
RELAIS_WEBHOOK_MAX_BYTES, errors answered in plain words."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from relais.connectors.actions import InboxInactive, UnknownWebhook, receive_webhook
from relais.connectors.webhooks import InvalidSignature, MalformedPayload, webhook_request

log = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, kind: str, public_key: str) -> HttpResponse:
    limit = settings.RELAIS_WEBHOOK_MAX_BYTES
    try:
        if int(request.headers.get("Content-Length") or 0) > limit:
            raise RequestDataTooBig
        body = request.body
        if len(body) > limit:  # chunked, without a Content-Length
            raise RequestDataTooBig
    except (RequestDataTooBig, ValueError):
        return _plain(413, f"the body is larger than {limit} bytes")
    try:
        outcome = receive_webhook(kind, public_key, webhook_request(request, body))
    except UnknownWebhook:
        return _plain(404, "no inbox of this kind has this key")
    except (InvalidSignature, MalformedPayload) as error:
        log.warning("webhook refused", extra={"kind": kind, "reason": str(error)})
        return _plain(error.status, str(error))
    except InboxInactive:
        return _plain(409, "this inbox is deactivated")
    response = outcome.response
    return HttpResponse(response.body, status=response.status, content_type=response.content_type)


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
