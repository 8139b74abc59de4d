"""Parsing one raw e-mail into plain data: who, what, the new text apart from
the quoted history, sanitised HTML, checked attachments, and whether it is a
bounce or an automatic reply.

Pure: no database, no settings. `parse_mail` never raises, whatever the bytes;
what it could not make sense of is listed in `ParsedMail.problems`. Every str
it returns encodes to UTF-8 and holds no NUL byte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from . import mime
from .attachment_checks import AttachmentGate, ParsedAttachment, RefusedAttachment
from .decoding import header_text, raw_header_text
from .dsn import Bounce, auto_reply_reason, find_bounce
from .html_body import cid_references, html_to_text, sanitise_html
from .parts import MAX_PROBLEMS, MailParts, collect_parts
from .references import message_ids
from .text_body import fold_quoted, truncate

__all__ = [
    "Bounce",
    "MailAddress",
    "MailLimits",
    "ParsedAttachment",
    "ParsedMail",
    "RefusedAttachment",
    "parse_mail",
]

MAX_ADDRESSES = 500
MAX_REFERENCES = 100
_VALID_ADDRESS = re.compile(r"^[^\s@<>(),;:\"\[\]\\]{1,64}@[^\s@<>(),;:\"\[\]\\]{1,255}$")
_BARE_MESSAGE_ID = re.compile(r"^[^\s<>@]{1,400}@[^\s<>@]{1,400}$")
_ADDRESS_FALLBACK = re.compile(r"[^\s<>(),;:\"]{1,64}@[^\s<>(),;:\"]{1,255}")


@dataclass(frozen=True)
class MailAddress:
    name: str  # decoded display name, "" when none
    address: str  # lower-cased


@dataclass(frozen=True)
class MailLimits:
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_attachments_bytes: int = 25 * 1024 * 1024
    max_parts: int = 200
    max_depth: int = 10
    max_header_bytes: int = 256 * 1024
    max_text_chars: int = 20_000
    max_html_chars: int = 2_000_000  # of the HTML source, before sanitising


DEFAULT_LIMITS = MailLimits()


@dataclass
class ParsedMail:
    message_id: str = ""  # "<…>" or "" when missing or invalid
    subject: str = ""
    sender: MailAddress | None = None
    reply_to: list[MailAddress] = field(default_factory=list)
    to: list[MailAddress] = field(default_factory=list)
    cc: list[MailAddress] = field(default_factory=list)
    date: datetime | None = None  # aware
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    text: str = ""  # the new text, quoted history removed, capped with a marker
    quoted: str = ""  # the folded quoted history
    html: str = ""  # sanitised; inline images still as src="cid:…"
    attachments: list[ParsedAttachment] = field(default_factory=list)
    refused: list[RefusedAttachment] = field(default_factory=list)
    auto_reply: str = ""  # "" or why no automatic answer may be sent (see dsn.py)
    bounce: Bounce | None = None
    problems: list[str] = field(default_factory=list)


def parse_mail(raw: bytes, limits: MailLimits = DEFAULT_LIMITS) -> ParsedMail:
    """Parse `raw` (the bytes of one RFC 5322 message). Never raises: what
    cannot be read is left empty and described in `problems`."""
    try:
        return _parse(bytes(raw), limits)
    except Exception as error:  # the promise to callers: bad mail is data, not a crash
        return ParsedMail(problems=[f"mail could not be parsed ({type(error).__name__})"])


def _parse(raw: bytes, limits: MailLimits) -> ParsedMail:
    problems: list[str] = [] if raw.strip() else ["empty message"]
    raw, header_problems = mime.bound_header_block(raw, limits.max_header_bytes)
    problems += header_problems
    message = mime.parse_bytes(raw, problems)
    mail = _read_headers(message, problems)
    parts = collect_parts(message, max_parts=limits.max_parts, max_depth=limits.max_depth)
    problems += parts.problems
    full_text = _read_body(mail, parts, limits, problems)
    cids = cid_references("\n".join(parts.html))
    _read_attachments(mail, parts.leaves, cids, limits, problems)
    sender = mail.sender.address if mail.sender else ""
    mail.bounce = find_bounce(message, sender=sender, subject=mail.subject, text=full_text)
    headers = {key.lower(): header_text(value, 200) for key, value in message.raw_items()}
    mail.auto_reply = auto_reply_reason(
        headers, mail.subject, mime.content_type(message), mail.bounce
    )
    mail.problems = list(dict.fromkeys(problems))[:MAX_PROBLEMS]
    return mail


def _read_headers(message: Message, problems: list[str]) -> ParsedMail:
    def values(name: str) -> list[str]:
        return mime.raw_headers(message, name)

    mail = ParsedMail(
        message_id=_message_id(mime.raw_header(message, "Message-ID")),
        subject=header_text(mime.raw_header(message, "Subject"), 1000),
        reply_to=_addresses(values("Reply-To"), problems),
        to=_addresses(values("To"), problems),
        cc=_addresses(values("Cc"), problems),
        date=_date(mime.raw_header(message, "Date")),
        in_reply_to=message_ids(header_text(mime.raw_header(message, "In-Reply-To"), 8000)),
        references=_references(mime.raw_header(message, "References")),
    )
    senders = _addresses(values("From"), problems)
    mail.sender = senders[0] if senders else None
    if not values("From"):
        problems.append("no From header")
    elif mail.sender is None:
        problems.append("the From header has no valid address")
    if not mail.message_id:
        problems.append("no valid Message-ID")
    if mail.date is None:
        problems.append("no valid Date")
    return mail


def _message_id(raw: str | None) -> str:
    value = header_text(raw, 1000)
    found = message_ids(value)
    if found:
        return found[0]
    return f"<{value}>" if _BARE_MESSAGE_ID.match(value) else ""


def _references(raw: str | None) -> list[str]:
    """The References ids; past MAX_REFERENCES the root and the most recent."""
    found = message_ids(header_text(raw, 100_000))
    if len(found) > MAX_REFERENCES:
        found = found[:1] + found[-(MAX_REFERENCES - 1) :]
    return found


def _addresses(values: list[str], problems: list[str]) -> list[MailAddress]:
    text = re.sub(r"\r?\n[ \t]*", " ", ", ".join(raw_header_text(v[:65536]) for v in values))
    try:
        pairs = getaddresses([text])
    except Exception:  # the parser recurses on nested comments
        problems.append("an address header could not be parsed")
        pairs = [("", found) for found in _ADDRESS_FALLBACK.findall(text)]
    found: dict[str, MailAddress] = {}
    for name, address in pairs[:MAX_ADDRESSES]:
        address = address.strip().strip("<>").strip().lower()
        if _VALID_ADDRESS.match(address) and address not in found:
            found[address] = MailAddress(name=header_text(name, 200), address=address)
    return list(found.values())


def _date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        value = parsedate_to_datetime(header_text(raw, 200))
    except Exception:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _read_body(mail: ParsedMail, parts: MailParts, limits: MailLimits, problems: list[str]) -> str:
    """Fill text, quoted and html; return the whole text (quotes included)."""
    html_source = "\n".join(parts.html)
    if len(html_source) > limits.max_html_chars:
        html_source = html_source[: limits.max_html_chars]
        problems.append(f"HTML body cut to {limits.max_html_chars} characters")
    mail.html = sanitise_html(html_source) if html_source.strip() else ""
    plain = "\n\n".join(text.strip("\n") for text in parts.plain if text.strip())
    full_text = plain or html_to_text(html_source, limits.max_text_chars * 10)
    new, quoted = fold_quoted(full_text[: limits.max_text_chars * 10])
    mail.text, cut = truncate(new, limits.max_text_chars)
    mail.quoted, cut_quoted = truncate(quoted, limits.max_text_chars)
    if cut or len(full_text) > limits.max_text_chars * 10:
        problems.append(f"text cut to {limits.max_text_chars} characters")
    if cut_quoted:
        problems.append(f"quoted history cut to {limits.max_text_chars} characters")
    return full_text


def _read_attachments(
    mail: ParsedMail, leaves: list[Message], cids: set[str], limits: MailLimits, problems: list[str]
) -> None:
    gate = AttachmentGate(limits.max_attachment_bytes, limits.max_attachments_bytes)
    for leaf in leaves:
        declared = mime.content_type(leaf)
        name = mime.filename(leaf)
        if declared.startswith("message/"):
            data = mime.message_bytes(leaf)
            name = name or _attached_subject(leaf)
        else:
            data, damaged = mime.payload_bytes(leaf)
            if damaged:
                problems.append(f"attachment {name or declared}: damaged transfer encoding")
        content_id = mime.content_id(leaf)
        kind = "inline" if content_id and content_id in cids else "file"
        admitted = gate.admit(
            filename=name, declared_type=declared, data=data, kind=kind, content_id=content_id
        )
        if isinstance(admitted, RefusedAttachment):
            mail.refused.append(admitted)
            problems.append(f"attachment {admitted.filename} refused: {admitted.reason}")
        else:
            mail.attachments.append(admitted)


def _attached_subject(part: Message) -> str:
    """ "<subject>.eml" for a forwarded message without a file name."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        return ""
    subject = header_text(mime.raw_header(inner, "Subject"), 150)
    return f"{subject}.eml" if subject else ""
