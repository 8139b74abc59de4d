"""Web chat: the click-to-chat widget served by Relais itself.

There is no external provider: the widget talks to Relais over a websocket, and
an agent's reply reaches the widget through the conversation's realtime group as
soon as it is committed. `send` therefore only confirms; read receipts come back
from the widget.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.utils.translation import gettext_lazy as _

from relais.bot.config import BotConfig
from relais.connectors.base import Connector, InboxConfig, SendResult

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Message

VISITOR_TOKEN_SALT = "relais.webchat.visitor"  # noqa: S105 (a namespace, not a secret)


class WebchatConfig(InboxConfig):
    greeting: str = ""
    # Sites allowed to embed the widget; empty means any.
    allowed_origins: list[str] = []
    # When set, only visitors with a valid identity HMAC may chat.
    require_identity: bool = False
    color: str = "#1f6feb"
    # The helpbox: the widget opens on self-care (suggestions, search) and
    # offers the chat after.
    help_mode: bool = False
    bot: BotConfig = BotConfig()


class WebchatConnector(Connector):
    kind = "webchat"
    label = _("Web chat")
    channel_class = "chat"
    config_model = WebchatConfig
    supports_bot = True
    supports_quick_replies = True
    asks_email_when_away = True

    def send(self, message: Message) -> SendResult:
        return SendResult(provider_message_id=f"webchat-{message.pk}", status="sent")

    def public_urls(self, inbox: Inbox) -> dict[str, str]:
        from django.urls import reverse

        return {"widget_script_url": reverse("webchat:loader", args=[inbox.public_key])}


def identity_hash(inbox: Inbox, value: str) -> str:
    """HMAC-SHA256 of a customer's id or e-mail with the inbox secret (hex), as the
    host site computes it server-side (Intercom-style identity verification)."""
    return hmac.new(inbox.secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def identity_is_verified(inbox: Inbox, value: str, given_hash: str) -> bool:
    return bool(value) and hmac.compare_digest(identity_hash(inbox, value), given_hash or "")


def issue_visitor_token(inbox: Inbox, visitor_id: str, extra_claims: dict | None = None) -> str:
    """Sign the visitor's claims: "i" the inbox, "v" the visitor id, plus any
    `extra_claims` (verified identities, see webchat.visitors)."""
    claims = {**(extra_claims or {}), "i": inbox.pk, "v": visitor_id}
    return signing.dumps(claims, salt=VISITOR_TOKEN_SALT)


def read_visitor_token(token: str, max_age: int) -> dict[str, Any] | None:
    """The token's claims, or None if it is forged or expired."""
    try:
        return signing.loads(token, salt=VISITOR_TOKEN_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
