"""WhatsApp Cloud API webhooks, parsed (pure: bytes in, dataclasses out).

A delivery is `{"object": "whatsapp_business_account", "entry": [{"id": <WABA
id>, "changes": [{"field": "messages", "value": {...}}]}]}`; a `messages`
value holds `metadata.phone_number_id`, `contacts` (profile names by `wa_id`),
and `messages` (what customers sent) and/or `statuses` (what became of ours).
Anything else — other fields, other phone numbers, message types we do not
handle — is listed in `ignored` so that the caller acknowledges and logs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import phonenumbers

from relais.connectors.meta.errors import GraphError, error_from_status
from relais.connectors.webhooks import MalformedPayload

MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
STATUSES = ("sent", "delivered", "read", "failed")


class MalformedWebhook(MalformedPayload):
    """The body is not a WhatsApp webhook delivery; the message says why (400)."""


@dataclass(frozen=True)
class MediaRef:
    """A file the customer sent, still at Meta: fetched by id with the token."""

    media_id: str
    kind: str  # image | audio | video | document | sticker
    mime_type: str = ""
    filename: str = ""
    sha256: str = ""


@dataclass
class CustomerMessage:
    wamid: str
    phone: str  # E.164, "+33612345678"
    name: str
    sent_at: datetime | None
    type: str
    body: str
    media: MediaRef | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusChange:
    wamid: str
    status: str  # sent | delivered | read | failed
    recipient: str
    at: datetime | None
    error: GraphError | None = None


@dataclass
class ParsedWebhook:
    messages: list[CustomerMessage] = field(default_factory=list)
    statuses: list[StatusChange] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def parse_webhook(data: dict[str, Any], phone_number_id: str) -> ParsedWebhook:
    """Everything a delivery (the body's JSON object) says about
    `phone_number_id`. Raises MalformedWebhook."""
    if data.get("object") != "whatsapp_business_account":
        raise MalformedWebhook("object must be whatsapp_business_account")
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise MalformedWebhook("entry must be a list")
    parsed = ParsedWebhook()
    for entry in entries:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        if not isinstance(changes, list):
            raise MalformedWebhook("each entry needs a list of changes")
        for change in changes:
            _parse_change(change, phone_number_id, parsed)
    return parsed


def _parse_change(change: Any, phone_number_id: str, parsed: ParsedWebhook) -> None:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        raise MalformedWebhook("each change needs a value object")
    if change.get("field") != "messages":
        parsed.ignored.append(f"field {change.get('field')!r}")
        return
    value = change["value"]
    metadata = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
    if str(metadata.get("phone_number_id", "")) != phone_number_id:
        parsed.ignored.append(f"phone number {metadata.get('phone_number_id')!r}")
        return
    names = {
        str(contact.get("wa_id", "")): (contact.get("profile") or {}).get("name", "")
        for contact in value.get("contacts") or ()
        if isinstance(contact, dict)
    }
    for item in value.get("messages") or ():
        message = parse_message(item, names)
        if isinstance(message, str):
            parsed.ignored.append(message)
        else:
            parsed.messages.append(message)
    for item in value.get("statuses") or ():
        status = parse_status(item)
        if isinstance(status, str):
            parsed.ignored.append(status)
        else:
            parsed.statuses.append(status)


def parse_message(item: Any, names: dict[str, str]) -> CustomerMessage | str:
    """One entry of `messages`, or why it is ignored."""
    if not isinstance(item, dict) or not item.get("id") or not item.get("from"):
        raise MalformedWebhook("a message needs an id and a sender")
    kind = str(item.get("type", ""))
    content = item.get(kind)
    if kind != "contacts" and not isinstance(content, dict):
        content = {}  # (only `contacts` holds a list)
    message = CustomerMessage(
        wamid=str(item["id"]),
        phone=e164(str(item["from"])),
        name=names.get(str(item["from"]), ""),
        sent_at=_timestamp(item.get("timestamp")),
        type=kind,
        body="",
    )
    context = item.get("context")
    if isinstance(context, dict) and context.get("id"):
        message.metadata["reply_to"] = str(context["id"])
    reader = _READERS.get(kind)
    if reader is None:
        return f"message type {kind!r}"
    return reader(message, content)


def _text(message: CustomerMessage, content: dict) -> CustomerMessage | str:
    message.body = str(content.get("body", ""))
    return message


def _media(message: CustomerMessage, content: dict) -> CustomerMessage | str:
    if not content.get("id"):
        raise MalformedWebhook(f"a {message.type} message needs a media id")
    message.media = MediaRef(
        media_id=str(content["id"]),
        kind=message.type,
        mime_type=str(content.get("mime_type", "")).split(";")[0].strip(),
        filename=str(content.get("filename", "")),
        sha256=str(content.get("sha256", "")),
    )
    message.body = str(content.get("caption", ""))
    return message


def _location(message: CustomerMessage, content: dict) -> CustomerMessage | str:
    try:
        latitude, longitude = float(content["latitude"]), float(content["longitude"])
    except (KeyError, TypeError, ValueError):
        raise MalformedWebhook("a location needs a latitude and a longitude") from None
    place = {key: str(content[key]) for key in ("name", "address", "url") if content.get(key)}
    message.metadata["location"] = {"latitude": latitude, "longitude": longitude, **place}
    lines = [place.get("name", ""), place.get("address", ""), f"{latitude}, {longitude}"]
    lines.append(f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}")
    message.body = "\n".join(line for line in lines if line)
    return message


def _interactive(message: CustomerMessage, content: dict) -> CustomerMessage | str:
    choice_type = str(content.get("type", ""))
    choice = content.get(choice_type)
    if choice_type not in ("button_reply", "list_reply") or not isinstance(choice, dict):
        return f"interactive reply {choice_type!r}"
    message.metadata["interactive"] = {
        "type": choice_type,
        "id": str(choice.get("id", "")),
        "title": str(choice.get("title", "")),
    }
    message.body = str(choice.get("title", "")) or str(choice.get("id", ""))
    return message


def _button(message: CustomerMessage, content: dict) -> CustomerMessage | str:
    # A quick-reply button of a template message.
    message.metadata["interactive"] = {"type": "button", "id": str(content.get("payload", ""))}
    message.body = str(content.get("text", "")) or str(content.get("payload", ""))
    return message


def _reaction(message: CustomerMessage, content: dict) -> CustomerMessage | str:
    emoji = str(content.get("emoji", ""))
    if not emoji:
        return "reaction removed"
    reacted_to = str(content.get("message_id", ""))
    message.metadata["reaction"] = {"message_id": reacted_to, "emoji": emoji}
    message.body = emoji
    return message


def _contacts(message: CustomerMessage, content: list) -> CustomerMessage | str:
    # Contact cards the customer shared: their names and numbers, as text.
    cards = []
    for card in content if isinstance(content, list) else ():
        name = (card.get("name") or {}).get("formatted_name", "") if isinstance(card, dict) else ""
        phones = [p.get("phone", "") for p in card.get("phones") or () if isinstance(p, dict)]
        cards.append(" ".join(part for part in [name, *phones] if part))
    if not any(cards):
        return "empty contacts message"
    message.metadata["shared_contacts"] = content
    message.body = "\n".join(card for card in cards if card)
    return message


_READERS = {
    "text": _text,
    **dict.fromkeys(MEDIA_TYPES, _media),
    "location": _location,
    "interactive": _interactive,
    "button": _button,
    "reaction": _reaction,
    "contacts": _contacts,
}


def parse_status(item: Any) -> StatusChange | str:
    if not isinstance(item, dict) or not item.get("id"):
        raise MalformedWebhook("a status needs a message id")
    status = str(item.get("status", ""))
    if status not in STATUSES:
        return f"status {status!r}"
    return StatusChange(
        wamid=str(item["id"]),
        status=status,
        recipient=e164(str(item.get("recipient_id", ""))) if item.get("recipient_id") else "",
        at=_timestamp(item.get("timestamp")),
        error=error_from_status(item.get("errors")) if status == "failed" else None,
    )


def e164(wa_id: str) -> str:
    """A wa_id (digits, country code first) as E.164, the form SMS uses too, so
    that one number is one contact on both channels."""
    digits = "".join(ch for ch in wa_id if ch.isdigit())
    if not digits:
        raise MalformedWebhook(f"not a phone number: {wa_id!r}")
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return "+" + digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _timestamp(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
