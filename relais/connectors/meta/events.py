"""Messenger and Instagram webhooks, parsed (pure: bytes in, dataclasses out).

Both send `{"object": "page" | "instagram", "entry": [{"id": <page or
Instagram account id>, "time", ...}]}`. An entry carries either `messaging`
(private messages, postbacks, delivery and read receipts, each with `sender`,
`recipient` and `timestamp` in milliseconds) or `changes` (`{"field", "value"}`:
`feed` for comments on a Page's posts, `comments` for comments on Instagram
media). Echoes of the page's own messages, its own comments, and every event
type we do not handle are listed in `ignored`, for the caller to acknowledge
and log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from relais.connectors.webhooks import MalformedPayload


class MalformedEvents(MalformedPayload):
    """The body is not a Messenger/Instagram webhook delivery; says why (400)."""


@dataclass(frozen=True)
class AttachmentRef:
    """A file Meta hosts for a private message (a signed CDN URL)."""

    type: str  # image | video | audio | file | sticker…
    url: str


@dataclass
class PrivateMessage:
    mid: str
    sender_id: str  # the PSID (Messenger) or IGSID (Instagram)
    sent_at: datetime | None
    body: str
    attachments: list[AttachmentRef] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Receipt:
    """Our messages to `sender_id` were delivered or read: those listed in
    `mids`, or (Messenger's read receipts) all those sent up to `watermark`."""

    status: str  # delivered | read
    sender_id: str
    mids: tuple[str, ...] = ()
    watermark: datetime | None = None


@dataclass
class Comment:
    """A public comment on one of the account's posts."""

    comment_id: str
    post_id: str
    author_id: str
    author_name: str
    body: str
    sent_at: datetime | None
    parent_id: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedEvents:
    messages: list[PrivateMessage] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def parse_events(data: dict[str, Any], *, object_type: str, account_id: str) -> ParsedEvents:
    """What a delivery (the body's JSON object) says to `account_id`. Raises
    MalformedEvents."""
    if data.get("object") != object_type:
        raise MalformedEvents(f"object must be {object_type}")
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise MalformedEvents("entry must be a list")
    parsed = ParsedEvents()
    for entry in entries:
        if not isinstance(entry, dict):
            raise MalformedEvents("each entry must be an object")
        if str(entry.get("id", "")) != account_id:
            parsed.ignored.append(f"entry for account {entry.get('id')!r}")
            continue
        for event in _list(entry.get("messaging"), "messaging"):
            _parse_messaging(event, account_id, parsed)
        for change in _list(entry.get("changes"), "changes"):
            _parse_change(change, account_id, parsed)
    return parsed


def _list(value: Any, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedEvents(f"{name} must be a list")
    return value


def _parse_messaging(event: Any, account_id: str, parsed: ParsedEvents) -> None:
    if not isinstance(event, dict) or not isinstance(event.get("sender"), dict):
        raise MalformedEvents("each messaging event needs a sender")
    sender = str(event["sender"].get("id", ""))
    at = _milliseconds(event.get("timestamp"))
    if isinstance(event.get("message"), dict):
        message = event["message"]
        if message.get("is_echo") or sender == account_id:
            parsed.ignored.append("echo of our own message")
        elif message.get("is_deleted"):
            parsed.ignored.append("message deleted by the customer")
        else:
            parsed.messages.append(_private_message(message, sender, at))
    elif isinstance(event.get("postback"), dict):
        postback = event["postback"]
        title, payload = str(postback.get("title", "")), str(postback.get("payload", ""))
        mid = str(postback.get("mid") or f"postback:{sender}:{event.get('timestamp')}")
        parsed.messages.append(
            PrivateMessage(mid, sender, at, title or payload, metadata={"postback": payload})
        )
    elif isinstance(event.get("delivery"), dict):
        delivery = event["delivery"]
        mids = tuple(str(mid) for mid in delivery.get("mids") or ())
        watermark = _milliseconds(delivery.get("watermark"))
        parsed.receipts.append(Receipt("delivered", sender, mids, watermark))
    elif isinstance(event.get("read"), dict):
        read = event["read"]
        mids = (str(read["mid"]),) if read.get("mid") else ()  # Instagram names the message
        parsed.receipts.append(Receipt("read", sender, mids, _milliseconds(read.get("watermark"))))
    else:
        kinds = sorted(set(event) - {"sender", "recipient", "timestamp"})
        parsed.ignored.append(f"messaging event {', '.join(kinds) or 'without content'}")


def _private_message(message: dict, sender: str, at: datetime | None) -> PrivateMessage:
    if not message.get("mid"):
        raise MalformedEvents("a message needs a mid")
    result = PrivateMessage(str(message["mid"]), sender, at, str(message.get("text", "")))
    for item in message.get("attachments") or ():
        if not isinstance(item, dict):
            continue
        payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
        kind = str(item.get("type", "file"))
        if payload.get("sticker_id"):
            kind = "sticker"
        if payload.get("url"):
            result.attachments.append(AttachmentRef(kind, str(payload["url"])))
        elif payload.get("coordinates"):  # a shared location (older Messenger clients)
            result.metadata["location"] = payload["coordinates"]
    quick_reply = message.get("quick_reply")
    if isinstance(quick_reply, dict):
        result.metadata["quick_reply"] = str(quick_reply.get("payload", ""))
    reply_to = message.get("reply_to")
    if isinstance(reply_to, dict) and reply_to.get("mid"):
        result.metadata["reply_to"] = str(reply_to["mid"])
    return result


def _parse_change(change: Any, account_id: str, parsed: ParsedEvents) -> None:
    if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
        raise MalformedEvents("each change needs a value object")
    field_name, value = change.get("field"), change["value"]
    if field_name == "feed":
        comment = _page_comment(value, account_id)
    elif field_name == "comments":
        comment = _instagram_comment(value, account_id)
    else:
        comment = f"field {field_name!r}"
    if isinstance(comment, str):
        parsed.ignored.append(comment)
    else:
        parsed.comments.append(comment)


def _page_comment(value: dict, page_id: str) -> Comment | str:
    """A `feed` change: only new comments (item comment, verb add) by others."""
    item, verb = value.get("item"), value.get("verb")
    if item != "comment" or verb != "add":
        return f"feed {item!r} {verb!r}"
    author = value.get("from") if isinstance(value.get("from"), dict) else {}
    if str(author.get("id", "")) == page_id:
        return "the page's own comment"
    if not value.get("comment_id") or not value.get("post_id") or not author.get("id"):
        raise MalformedEvents("a comment needs comment_id, post_id and from.id")
    post = value.get("post") if isinstance(value.get("post"), dict) else {}
    parent = str(value.get("parent_id", ""))
    return Comment(
        comment_id=str(value["comment_id"]),
        post_id=str(value["post_id"]),
        author_id=str(author["id"]),
        author_name=str(author.get("name", "")),
        body=str(value.get("message", "")),
        sent_at=_seconds(value.get("created_time")),
        # A reply to a comment names its comment as parent; a top-level one, the post.
        parent_id="" if parent == str(value["post_id"]) else parent,
        metadata={"permalink_url": str(post["permalink_url"])} if post.get("permalink_url") else {},
    )


def _instagram_comment(value: dict, account_id: str) -> Comment | str:
    author = value.get("from") if isinstance(value.get("from"), dict) else {}
    media = value.get("media") if isinstance(value.get("media"), dict) else {}
    if str(author.get("id", "")) == account_id:
        return "the account's own comment"
    if not value.get("id") or not media.get("id") or not author.get("id"):
        raise MalformedEvents("a comment needs id, media.id and from.id")
    metadata = {"media_product_type": str(media.get("media_product_type", ""))}
    return Comment(
        comment_id=str(value["id"]),
        post_id=str(media["id"]),
        author_id=str(author["id"]),
        author_name=str(author.get("username", "")),
        body=str(value.get("text", "")),
        sent_at=None,  # Instagram's comment webhooks carry no creation time
        parent_id=str(value.get("parent_id", "")),
        metadata=metadata,
    )


def _milliseconds(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _seconds(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
