"""The X connector: CRC handshake, signed Account Activity webhooks, DMs and
public replies through the v2 API."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import Field, HttpUrl

from relais.connectors.base import (
    REPLY_PRIVATELY,
    Connector,
    InboxConfig,
    PermanentSendError,
    SendResult,
    customer_handle,
)
from relais.connectors.http_api import RateLimit, call_provider
from relais.connectors.webhooks import (
    InvalidSignature,
    MalformedPayload,
    ReceivesWebhooks,
    WebhookRequest,
    WebhookResponse,
    WebhookResult,
)
from relais.connectors.x.parsing import parse_events

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Conversation, Message

SIGNATURE_HEADER = "x-twitter-webhooks-signature"
SECRET_MASK = "********"  # noqa: S105 (what the API shows instead of a secret)
RATE = RateLimit(per_second=1, burst=15)  # DMs: 15 per 15 minutes per user… bursts allowed
MAX_TWEET = 280
MAX_DM = 10_000


def crc_response_token(consumer_secret: str, crc_token: str) -> str:
    digest = hmac.new(consumer_secret.encode(), crc_token.encode(), hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def body_signature(consumer_secret: str, body: bytes) -> str:
    digest = hmac.new(consumer_secret.encode(), body, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


class XConfig(InboxConfig):
    # Our account's numeric id: its own events are ignored.
    user_id: str = Field(pattern=r"^\d+$")
    consumer_secret: str = Field(min_length=8)
    # An OAuth 2.0 user-context token of the account (tweet.write, dm.write).
    access_token: str = Field(min_length=8)
    api_base_url: HttpUrl = HttpUrl("https://api.x.com")


class XConnector(ReceivesWebhooks, Connector):
    """DMs (private) and mentions (public, threaded by the tweet replied to).
    Idempotent on event and tweet ids. An agent's reply to a public
    conversation is a reply tweet, or a DM when "reply privately" is chosen."""

    kind = "x"
    label = _("X (Twitter)")
    channel_class = "messaging"
    config_model = XConfig

    def public_config(self, inbox: Inbox) -> dict[str, Any]:
        return {**inbox.config, "consumer_secret": SECRET_MASK, "access_token": SECRET_MASK}

    def handshake(self, inbox: Inbox, request: WebhookRequest) -> WebhookResponse:
        token = request.query.get("crc_token", "")
        if not token:
            raise MalformedPayload("the CRC check needs crc_token")
        secret = inbox.config.get("consumer_secret", "")
        return WebhookResponse.json({"response_token": crc_response_token(secret, token)})

    def handle_webhook(self, inbox: Inbox, request: WebhookRequest) -> WebhookResult:
        secret = inbox.config.get("consumer_secret", "")
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not secret or not hmac.compare_digest(
            given.encode(), body_signature(secret, request.body).encode()
        ):
            raise InvalidSignature(f"missing or wrong {SIGNATURE_HEADER} header")
        return parse_events(inbox.pk, request.json_object(), str(inbox.config.get("user_id", "")))

    def reply_constraints(self, conversation: Conversation) -> dict[str, Any]:
        constraints = super().reply_constraints(conversation)
        if conversation.is_public:
            notes = [gettext("A public reply is a tweet: at most 280 characters.")]
            return {**constraints, "max_length": MAX_TWEET, "private_reply": True, "notes": notes}
        return {**constraints, "max_length": MAX_DM}

    def send(self, message: Message) -> SendResult:
        conversation = message.conversation
        private = not conversation.is_public or bool(message.metadata.get(REPLY_PRIVATELY))
        if private:
            path = f"/2/dm_conversations/with/{_participant(message)}/messages"
            data = self._post(message.inbox, path, {"text": message.body})
            return SendResult(provider_message_id=f"dm:{data['dm_event_id']}")
        if len(message.body) > MAX_TWEET:
            raise PermanentSendError(f"a public reply on X is at most {MAX_TWEET} characters")
        replied = _last_tweet(message)
        body = {"text": message.body, "reply": {"in_reply_to_tweet_id": replied}}
        data = self._post(message.inbox, "/2/tweets", body)
        return SendResult(provider_message_id=f"tweet:{data['id']}")

    def _post(self, inbox: Inbox, path: str, body: dict[str, Any]) -> dict[str, Any]:
        base = str(inbox.config.get("api_base_url") or "https://api.x.com").rstrip("/")
        response = call_provider(
            "POST",
            base + path,
            provider="X",
            rate_key=f"inbox:{inbox.pk}",
            rate=RATE,
            json=body,
            headers={"Authorization": f"Bearer {inbox.config['access_token']}"},
        )
        return response.json().get("data") or {}


def _participant(message: Message) -> str:
    value = customer_handle(message, "x")
    if value is None:
        raise PermanentSendError("this contact has no X account to write to")
    return value


def _last_tweet(message: Message) -> str:
    """The customer's latest tweet in the conversation: the one we answer."""
    from relais.conversations.models import Direction

    latest = (
        message.conversation.messages.filter(
            direction=Direction.INBOUND, provider_message_id__startswith="tweet:"
        )
        .order_by("-id")
        .values_list("provider_message_id", flat=True)
        .first()
    )
    if latest is None:
        raise PermanentSendError("there is no tweet to reply to in this conversation")
    return latest.removeprefix("tweet:")
