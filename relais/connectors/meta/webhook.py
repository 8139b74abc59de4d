"""The Meta side of the common webhook route: the hub.challenge handshake and
the signature check, as the framework's `handshake` and `handle_webhook` need
them."""

from __future__ import annotations

from relais.connectors.meta.signature import (
    SIGNATURE_HEADER,
    HandshakeRefused,
    SignatureMismatch,
    check_handshake,
    verify_signature,
)
from relais.connectors.webhooks import InvalidSignature, WebhookRequest, WebhookResponse


class WrongVerifyToken(InvalidSignature):
    """Meta's documentation answers a wrong verify token with 403."""

    status = 403


def answer_handshake(request: WebhookRequest, verify_token: str) -> WebhookResponse:
    try:
        challenge = check_handshake(request.query, verify_token)
    except HandshakeRefused as error:
        raise WrongVerifyToken(str(error)) from None
    return WebhookResponse(200, body=challenge.encode())


def check_signature(request: WebhookRequest, app_secret: str) -> None:
    try:
        verify_signature(app_secret, request.body, request.headers.get(SIGNATURE_HEADER))
    except SignatureMismatch as error:
        raise InvalidSignature(str(error)) from None
