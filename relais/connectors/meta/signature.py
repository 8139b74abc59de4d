"""Meta webhooks: the subscription handshake and the payload signature.

Meta proves a subscription with a GET carrying `hub.mode=subscribe`,
`hub.verify_token` (the token we chose in the app dashboard) and
`hub.challenge`, which we echo. Every POST then carries
`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`; the
signature covers the exact bytes received, never re-serialised JSON. It carries
no timestamp, so a captured delivery replays cleanly: inbound is idempotent on
the provider's message id, which makes a replay harmless.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Hub-Signature-256"


class SignatureMismatch(Exception):
    """The body is not signed with the app secret (or not signed at all)."""


class HandshakeRefused(Exception):
    """A subscription request that is not Meta's, or not for our token."""


def sign(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 value Meta sends for `body`."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(app_secret: str, body: bytes, signature: str | None) -> None:
    """Raise SignatureMismatch unless `signature` signs `body` with `app_secret`."""
    if not app_secret:
        # An inbox without its secret must refuse everything, not accept everything.
        raise SignatureMismatch("the inbox has no app secret to check signatures with")
    if not signature:
        raise SignatureMismatch(f"missing {SIGNATURE_HEADER} header")
    if not signature.startswith("sha256="):
        raise SignatureMismatch(f"{SIGNATURE_HEADER} must start with sha256=")
    # Meta sends lowercase hex; compare case-insensitively on the digest only.
    expected = sign(app_secret, body)
    if not hmac.compare_digest(expected, "sha256=" + signature[7:].lower()):
        raise SignatureMismatch("the signature does not match the body and the app secret")


def check_handshake(params: Mapping[str, str], verify_token: str) -> str:
    """The challenge to echo for a valid subscription request; raises
    HandshakeRefused for a wrong mode or token (Meta expects a 403 then)."""
    if params.get("hub.mode") != "subscribe":
        raise HandshakeRefused("hub.mode must be subscribe")
    if not verify_token or not hmac.compare_digest(
        params.get("hub.verify_token", "").encode(), verify_token.encode()
    ):
        raise HandshakeRefused("hub.verify_token does not match the inbox's verify token")
    challenge = params.get("hub.challenge", "")
    if not challenge:
        raise HandshakeRefused("hub.challenge is missing")
    return challenge
