"""What the timeline shows around a message's text: its e-mail headers, the
formatted version, the quoted history, its files and the badges that say where
it came from. Built from the message's metadata and its (prefetched)
attachments: no query when the timeline prefetched them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from relais.conversations.models import Attachment, AttachmentKind, Direction, Message
from relais.web.email_html import FramedHtml, content_id_key, framed_html

# Shown in the page (thumbnails, inline images); never SVG, which can carry script.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@dataclass(frozen=True)
class AttachmentLink:
    filename: str
    size: int
    content_type: str
    url: str
    # The image itself, for a thumbnail; "" for files that are not shown.
    thumbnail_url: str = ""


@dataclass(frozen=True)
class RefusedFile:
    filename: str
    size: int
    reason: str


@dataclass
class MessageDisplay:
    headers: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    subject: str = ""
    quoted: str = ""
    formatted: FramedHtml | None = None
    files: list[AttachmentLink] = field(default_factory=list)
    original: AttachmentLink | None = None
    refused: list[RefusedFile] = field(default_factory=list)
    badges: list[str] = field(default_factory=list)
    bot: str = ""  # the bot's name on its messages and handover notes


def is_inline_image(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in INLINE_IMAGE_TYPES


def attachment_url(attachment: Attachment, conversation_id: int, *, inline: bool = False) -> str:
    url = reverse("web:attachment", args=[conversation_id, attachment.pk])
    return f"{url}?inline=1" if inline else url


def message_display(message: Message) -> MessageDisplay:
    """The extras of one message (see the module docstring)."""
    metadata = message.metadata or {}
    email = metadata.get("email") or {}
    attachments = list(message.attachments.all())
    shown = MessageDisplay(badges=_badges(message, metadata, email))
    bot = metadata.get("bot") if message.author_id is None else None
    if isinstance(bot, dict):
        shown.bot = str(bot.get("name") or "") or _("Bot")
    if message.direction == Direction.INBOUND and email:
        shown.headers = _headers(email)
        shown.subject = email.get("subject") or ""
        shown.quoted = email.get("quoted") or ""
    if email.get("html"):
        shown.formatted = framed_html(email["html"], _inline_urls(message, attachments))
    shown_ids = shown.formatted.shown_content_ids if shown.formatted else set()
    for attachment in attachments:
        link = _link(message, attachment)
        if attachment.kind == AttachmentKind.ORIGINAL:
            shown.original = link
        elif not attachment.content_id or content_id_key(attachment.content_id) not in shown_ids:
            shown.files.append(link)
    shown.refused = [
        RefusedFile(
            filename=str(item.get("filename") or _("(no name)")),
            size=_int(item.get("size")),
            reason=refusal_reason(str(item.get("reason") or "")),
        )
        for item in email.get("refused_attachments") or []
        if isinstance(item, dict)
    ]
    return shown


def refusal_reason(code: str) -> str:
    """Why a file was not kept, in words (the parser's codes or sentences)."""
    lowered = code.lower()
    if "large" in lowered or "size" in lowered or "big" in lowered:
        return _("too large")
    if any(word in lowered for word in ("type", "block", "exec", "danger", "forbidden")):
        return _("blocked file type")
    if "many" in lowered or "count" in lowered:
        return _("too many files")
    return code or _("refused")


def _badges(message: Message, metadata: dict, email: dict) -> list[str]:
    badges = []
    if email.get("auto_reply"):
        badges.append(_("Automatic reply"))
    if metadata.get("source") == "web_form":
        reason = str(metadata.get("reason") or "")
        badges.append(
            _("Contact form: %(reason)s") % {"reason": reason} if reason else _("Contact form")
        )
    if metadata.get("automatic") == "acknowledgement" and message.author_id is None:
        badges.append(_("Automatic acknowledgement"))
    bot = metadata.get("bot") if message.author_id is None else None
    if isinstance(bot, dict):
        name = str(bot.get("name") or "")
        if isinstance(bot.get("handover"), dict):
            badges.append(_("Bot handover"))
        else:
            badges.append(_("Bot %(name)s") % {"name": name} if name else _("Bot"))
    return badges


def _headers(email: dict) -> list[tuple[str, str]]:
    rows = [
        (_("From"), _addresses(email.get("from"))),
        (_("To"), _addresses(email.get("to"))),
        (_("Cc"), _addresses(email.get("cc"))),
    ]
    reply_to = _addresses(email.get("reply_to"))
    if reply_to and reply_to != rows[0][1]:
        rows.append((_("Reply-To"), reply_to))
    return [(label, value) for label, value in rows if value]


def _addresses(items) -> str:
    shown = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        name, address = str(item.get("name") or ""), str(item.get("address") or "")
        shown.append(f"{name} <{address}>" if name and address else name or address)
    return ", ".join(shown)


def _inline_urls(message: Message, attachments: list[Attachment]) -> dict[str, str]:
    return {
        content_id_key(attachment.content_id): attachment_url(
            attachment, message.conversation_id, inline=True
        )
        for attachment in attachments
        if attachment.content_id and is_inline_image(attachment.content_type)
    }


def _link(message: Message, attachment: Attachment) -> AttachmentLink:
    image = attachment.kind != AttachmentKind.ORIGINAL and is_inline_image(attachment.content_type)
    return AttachmentLink(
        filename=attachment.filename,
        size=attachment.size,
        content_type=attachment.content_type,
        url=attachment_url(attachment, message.conversation_id),
        thumbnail_url=attachment_url(attachment, message.conversation_id, inline=True)
        if image
        else "",
    )


def _int(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0
