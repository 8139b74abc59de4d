"""Telegram Updates into InboundMessages (pure: files are fetched later).

Message ids are unique per chat only, so the provider id is
"<chat id>:<message id>"; an edit is a new message "<chat>:<id>:edit:<date>".
Only private chats are conversations: group and channel posts, and updates
of other types (callback queries, polls, members…), are acknowledged and
ignored.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from relais.connectors.base import IdentityRef, InboundMessage, PendingMedia
from relais.connectors.webhooks import MalformedPayload, WebhookResult

MESSAGE_TYPES = ("message", "edited_message")


def telegram_identity(user_id: int | str) -> IdentityRef:
    """Telegram vouches for its user ids: verified."""
    return IdentityRef("telegram", str(user_id), verified=True)


def parse_update(inbox_id: int, update: dict[str, Any], max_bytes: int) -> WebhookResult:
    """One Update (Telegram sends one per call); raises MalformedPayload. Its
    files are named for later fetching (Connector.fetch_media), not fetched."""
    update_id = update.get("update_id")
    if not isinstance(update_id, int):
        raise MalformedPayload("the update has no integer update_id")
    result = WebhookResult()
    kind = next((key for key in MESSAGE_TYPES if key in update), None)
    if kind is None:
        other = next((key for key in update if key != "update_id"), "empty")
        result.ignored.append(f"update {update_id}: {other}")
        return result
    message = update[kind]
    if not isinstance(message, dict):
        raise MalformedPayload(f"{kind} must be an object")
    chat, sender = message.get("chat"), message.get("from")
    if not isinstance(chat, dict) or not isinstance(message.get("message_id"), int):
        raise MalformedPayload(f"{kind} needs message_id and chat")
    if chat.get("type") != "private" or not isinstance(sender, dict) or sender.get("is_bot"):
        result.ignored.append(f"update {update_id}: {chat.get('type')} chat")
        return result
    result.messages.append(_inbound(inbox_id, kind, message, chat, sender, max_bytes))
    return result


def _inbound(
    inbox_id: int,
    kind: str,
    message: dict[str, Any],
    chat: dict[str, Any],
    sender: dict[str, Any],
    max_bytes: int,
) -> InboundMessage:
    provider_id = f"{chat['id']}:{message['message_id']}"
    metadata: dict[str, Any] = {"telegram_chat_id": chat["id"]}
    if kind == "edited_message":
        provider_id += f":edit:{message.get('edit_date', 0)}"
        metadata["edited_message_id"] = message["message_id"]
    pending, refused = [], []
    for file_id, name, declared, size in _files(message):
        # Telegram announces the size: an oversized file is refused unfetched.
        if size > max_bytes:
            refused.append(_too_large(max_bytes))
        else:
            pending.append(PendingMedia(file_id, name, declared, size))
    if refused:
        metadata["media_refused"] = refused
    body = str(message.get("text") or message.get("caption") or "")
    if not body and not pending:
        body = _("(a message without text: %(what)s)") % {
            "what": "; ".join(refused) or _describe(message)
        }
    name = " ".join(part for part in (sender.get("first_name"), sender.get("last_name")) if part)
    if sender.get("username"):
        metadata["telegram_username"] = sender["username"]
    return InboundMessage(
        inbox_id=inbox_id,
        body=body,
        identities=[telegram_identity(sender["id"])],
        provider_message_id=provider_id,
        contact_name=name or sender.get("username", ""),
        metadata=metadata,
        pending_media=pending,
    )


def _too_large(max_bytes: int) -> str:
    return f"the file is larger than {max_bytes // 1024} KiB: it was not kept"


def _files(message: dict[str, Any]) -> list[tuple[str, str, str, int]]:
    """(file_id, name, declared type, size) of the photo (its largest size) and document."""
    files = []
    photos = message.get("photo")
    if isinstance(photos, list) and photos and isinstance(photos[-1], dict):
        largest = photos[-1]
        files.append((str(largest.get("file_id", "")), "photo.jpg", "image/jpeg", _size(largest)))
    document = message.get("document")
    if isinstance(document, dict):
        files.append(
            (
                str(document.get("file_id", "")),
                str(document.get("file_name") or "document"),
                str(document.get("mime_type") or ""),
                _size(document),
            )
        )
    return [item for item in files if item[0]]


def _size(item: dict[str, Any]) -> int:
    size = item.get("file_size")
    return size if isinstance(size, int) else 0


def _describe(message: dict[str, Any]) -> str:
    for key in ("sticker", "voice", "video", "audio", "location", "contact", "animation", "poll"):
        if key in message:
            return key
    return "unsupported content"
