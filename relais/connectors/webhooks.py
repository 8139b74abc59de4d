"""The common shape of provider webhooks: what a connector receives, what it
returns, and the errors that become HTTP answers.

A connector sees a `WebhookRequest`, never a Django request, so that parsing
and signature checks are plain functions tested without a server. The URL in
it is the one the provider signed (Twilio signs the full URL): behind a proxy
that terminates TLS, set RELAIS_PUBLIC_URL so that it is rebuilt with the
public scheme and host rather than the ones the proxy used.

Route: `/webhooks/<kind>/<public_key>/` (web_views.webhook), GET for a
verification handshake, POST for events; `actions.receive_webhook` stores them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.datastructures import CaseInsensitiveMapping

from relais.connectors.base import ConnectorError, InboundMessage
from relais.connectors.consent import ConsentChange

STATUSES = ("sent", "delivered", "read", "failed")


class InvalidSignature(ConnectorError):
    """The request does not prove the inbox's secret: 401, nothing stored."""

    status = 401


class MalformedPayload(ConnectorError):
    """The body is not what the provider sends: 400 with the reason."""

    status = 400


@dataclass(frozen=True)
class WebhookRequest:
    """A provider's HTTP request as the connector sees it. `headers` is
    case-insensitive; `query` keeps the first value of each parameter."""

    method: str
    url: str
    headers: CaseInsensitiveMapping
    query: dict[str, str]
    body: bytes

    @classmethod
    def build(
        cls,
        *,
        method: str = "POST",
        url: str = "http://testserver/",
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> WebhookRequest:
        return cls(method, url, CaseInsensitiveMapping(headers or {}), dict(query or {}), body)

    def json(self) -> Any:
        """The body as JSON; raises MalformedPayload with the parser's reason."""
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise MalformedPayload(f"malformed JSON: {error}") from None

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise MalformedPayload("the body must be a JSON object")
        return data

    def form(self) -> list[tuple[str, str]]:
        """The body as form fields (application/x-www-form-urlencoded), in order."""
        try:
            text = self.body.decode("utf-8")
            return parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
        except (UnicodeDecodeError, ValueError) as error:
            raise MalformedPayload(f"malformed form body: {error}") from None


@dataclass(frozen=True)
class WebhookResponse:
    """What we answer the provider (an acknowledgement, a handshake echo)."""

    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    body: bytes = b""

    @classmethod
    def json(cls, data: Any, status: int = 200) -> WebhookResponse:
        return cls(status, "application/json", json.dumps(data).encode())


@dataclass(frozen=True)
class StatusUpdate:
    """A delivery status the provider reports for one of our outbound messages."""

    provider_message_id: str
    status: str  # sent | delivered | read | failed
    error: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown delivery status: {self.status}")


@dataclass
class WebhookResult:
    """The events of one webhook call. `ignored` names the events acknowledged
    without effect (unknown types, our own account's echoes), for the log."""

    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    response: WebhookResponse = field(default_factory=WebhookResponse)
    ignored: list[str] = field(default_factory=list)
    # Opt-outs and opt-ins the customer sent (SMS STOP / START): connectors.consent.
    consent: list[ConsentChange] = field(default_factory=list)


def webhook_path(kind: str, public_key: str) -> str:
    return reverse("webhook", kwargs={"kind": kind, "public_key": public_key})


class ReceivesWebhooks:
    """Mixed into a connector its provider calls on /webhooks/<kind>/<key>/:
    the inbox's API representation then gives that URL as `webhook_url`."""

    kind: str

    def public_urls(self, inbox) -> dict[str, str]:
        return {"webhook_url": webhook_path(self.kind, inbox.public_key)}


def public_url(request: HttpRequest, path: str) -> str:
    """`path` made absolute with RELAIS_PUBLIC_URL when set, else the request's host."""
    base = settings.RELAIS_PUBLIC_URL
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path)


def webhook_request(request: HttpRequest, body: bytes) -> WebhookRequest:
    """The WebhookRequest of a Django request, its URL as the provider called it."""
    return WebhookRequest(
        method=request.method or "POST",
        url=public_url(request, request.get_full_path()),
        headers=CaseInsensitiveMapping(dict(request.headers)),
        query={key: request.GET.get(key, "") for key in request.GET},
        body=body,
    )
