"""The Telegram connector: webhook secret check, Update parsing, Bot API sends."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pydantic import Field, HttpUrl

from relais.bot.config import BotConfig
from relais.connectors.base import (
    Connector,
    InboundAttachment,
    InboxConfig,
    PendingMedia,
    PermanentSendError,
    SendResult,
    TemporarySendError,
    customer_handle,
)
from relais.connectors.http_api import RateLimit, call_provider
from relais.connectors.media import MediaRefused, MediaUnavailable, download_media
from relais.connectors.telegram.parsing import parse_update
from relais.connectors.webhooks import (
    InvalidSignature,
    ReceivesWebhooks,
    WebhookRequest,
    WebhookResult,
)

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Conversation, Message

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
SECRET_MASK = "********"  # noqa: S105 (what the API shows instead of a token)
# Telegram allows about 30 messages a second per bot (and one a second per chat).
RATE = RateLimit(per_second=25, burst=30)
MAX_TEXT = 4096  # sendMessage's limit, in characters


class TelegramConfig(InboxConfig):
    bot_token: str = Field(pattern=r"^\d+:[A-Za-z0-9_-]+$", max_length=100)
    # Given to setWebhook as secret_token: Telegram sends it back on every call.
    secret_token: str = Field(pattern=r"^[A-Za-z0-9_-]{16,256}$")
    api_base_url: HttpUrl = HttpUrl("https://api.telegram.org")
    bot: BotConfig = BotConfig()  # the self-care bot, off unless enabled


class TelegramConnector(ReceivesWebhooks, Connector):
    """Private chats with a Telegram bot. Idempotent on (chat id, message id);
    send raises TemporarySendError on 429/5xx/network errors (Retry-After
    honoured), PermanentSendError with Telegram's description otherwise (e.g.
    "Forbidden: bot was blocked by the user")."""

    kind = "telegram"
    label = _("Telegram")
    channel_class = "messaging"
    config_model = TelegramConfig
    supports_bot = True  # one-to-one: the bot answers with numbered choices
    supports_attachments = True

    def public_config(self, inbox: Inbox) -> dict[str, Any]:
        return {**inbox.config, "bot_token": SECRET_MASK, "secret_token": SECRET_MASK}

    def handle_webhook(self, inbox: Inbox, request: WebhookRequest) -> WebhookResult:
        expected = inbox.config.get("secret_token", "")
        given = request.headers.get(SECRET_HEADER, "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise InvalidSignature(f"missing or wrong {SECRET_HEADER} header")
        return parse_update(inbox.pk, request.json_object(), settings.RELAIS_MEDIA_MAX_BYTES)

    def fetch_media(self, inbox: Inbox, media: PendingMedia) -> InboundAttachment:
        return _fetch(inbox, media.ref, media.filename, media.content_type, media.size)

    def reply_constraints(self, conversation: Conversation) -> dict[str, Any]:
        return {**super().reply_constraints(conversation), "max_length": MAX_TEXT}

    def send(self, message: Message) -> SendResult:
        inbox = message.inbox
        chat_id = _chat_id(message)
        provider_id = ""
        if message.body:
            if len(message.body) > MAX_TEXT:
                raise PermanentSendError(f"Telegram messages are at most {MAX_TEXT} characters")
            sent = _call(inbox, "sendMessage", json={"chat_id": chat_id, "text": message.body})
            provider_id = f"{chat_id}:{sent['message_id']}"
        for attachment in message.attachments.all():
            method, field = (
                ("sendPhoto", "photo")
                if attachment.content_type.startswith("image/")
                else ("sendDocument", "document")
            )
            with attachment.file.open("rb") as file:
                files = {field: (attachment.filename, file.read(), attachment.content_type)}
            sent = _call(inbox, method, data={"chat_id": str(chat_id)}, files=files)
            provider_id = provider_id or f"{chat_id}:{sent['message_id']}"
        return SendResult(provider_message_id=provider_id, status="sent")


def _api_url(inbox: Inbox, method: str) -> str:
    base = str(inbox.config.get("api_base_url") or "https://api.telegram.org").rstrip("/")
    return f"{base}/bot{inbox.config['bot_token']}/{method}"


def _call(inbox: Inbox, method: str, **request: Any) -> dict[str, Any]:
    response = call_provider(
        "POST",
        _api_url(inbox, method),
        provider="Telegram",
        rate_key=f"inbox:{inbox.pk}",
        rate=RATE,
        **request,
    )
    data = response.json()
    if not data.get("ok"):
        raise PermanentSendError(f"Telegram refused: {data.get('description', 'no reason')}")
    return data["result"]


def _chat_id(message: Message) -> int | str:
    value = customer_handle(message, "telegram")
    if value is None:
        raise PermanentSendError("this contact has no Telegram account to write to")
    return int(value) if value.lstrip("-").isdigit() else value


def _fetch(inbox: Inbox, file_id: str, name: str, declared: str, size: int) -> InboundAttachment:
    """getFile, then the download from <base>/file/bot<token>/<file_path>."""
    limit = settings.RELAIS_MEDIA_MAX_BYTES
    if size > limit:
        raise MediaRefused(f"the file is larger than {limit // 1024} KiB: it was not kept")
    try:
        response = call_provider(
            "POST", _api_url(inbox, "getFile"), provider="Telegram", json={"file_id": file_id}
        )
        file_path = response.json()["result"]["file_path"]
    except TemporarySendError as error:
        raise MediaUnavailable(f"the file could not be fetched from Telegram: {error}") from None
    except Exception as error:  # a refusal, an odd answer: retrying will not help
        raise MediaRefused(f"the file could not be fetched from Telegram: {error}") from None
    base = str(inbox.config.get("api_base_url") or "https://api.telegram.org").rstrip("/")
    return download_media(
        f"{base}/file/bot{inbox.config['bot_token']}/{file_path}",
        max_bytes=limit,
        filename=name,
        declared_type=declared,
    )
