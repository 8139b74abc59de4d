"""Mail that no one typed: delivery failures (bounces) and automatic replies.

Bounces are read from RFC 3464 delivery status reports (multipart/report with
message/delivery-status), and, for the MTAs that still send free text (qmail,
old Exim and Exchange set-ups), from a mailer-daemon sender plus a bounce
subject or wording. Automatic replies follow RFC 3834 (Auto-Submitted other
than "no"), the common X-Autoreply/X-Autorespond headers, Precedence
bulk/junk/list, and anchored FR/EN/DE subject prefixes. Outlook's
X-Auto-Response-Suppress is deliberately ignored: Outlook sets it on ordinary
mail. Nothing here raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser

from . import mime
from .decoding import decode_bytes, header_text
from .references import message_ids

STATUS_PARTS = {"message/delivery-status", "message/global-delivery-status"}
ORIGINAL_PARTS = {"message/rfc822", "message/global", "message/global-headers"}
ORIGINAL_HEADER_PARTS = {"text/rfc822-headers"}
MAX_REPORT_PARTS = 50

_STATUS = re.compile(r"(?<![\d.])([45])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)")
_BOUNCE_SENDER = re.compile(
    r"^(mailer-daemon|mail-daemon|maildaemon|postmaster|mail-delivery-subsystem)@", re.I
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered mail|delivery status notification|failure notice|"
    r"mail delivery failed|delivery failure|returned mail|non remis|non distribuable|"
    r"échec de (la )?(remise|distribution)|could not be delivered|unzustellbar|"
    r"delivery (has )?failed|delayed mail|delivery delayed|warning: could not send",
    re.I,
)
_BOUNCE_WORDING = re.compile(
    r"this is the qmail-send program|created automatically by mail delivery software|"
    r"wasn't able to deliver|delivery to the following recipients? failed|"
    r"could not be delivered to one or more recipients|your message could not be delivered|"
    r"unable to deliver (your )?message|message n'a pas pu être remis",
    re.I,
)
_DELAY = re.compile(r"\bdelay|\bdelayed\b|will (be )?retr|retardé|still undelivered", re.I)
_QMAIL_RECIPIENT = re.compile(r"^<([^<>\s@]+@[^<>\s]+)>:\s*$", re.M)
_INDENTED_RECIPIENT = re.compile(r"^[ \t]{2,}<?([^\s@<>]+@[^\s@<>]+?)>?\s*$", re.M)
_SMTP_LINE = re.compile(r"^.*\b[45]\d\d[ -].*$", re.M)
_MESSAGE_ID_LINE = re.compile(r"^\s*message-id:\s*(<[^<>\s]+>)", re.I | re.M)
_OUT_OF_OFFICE = re.compile(
    r"^\s*(r[ée]ponse automatique\s*:|auto(matic)?[ -]?(reply|response)\s*:|"
    r"out of (the )?office\b|absen(ce|t|te)( du bureau)?\s*:|absence du bureau\b|"
    r"message d'absence\b|je suis absente?\b|abwesenheitsnotiz\b|"
    r"automatische antwort\s*:|respuesta automática\s*:|risposta automatica\s*:)",
    re.I,
)
_LOTUS_AUTO = re.compile(r"^\s*AUTO\s*:")


@dataclass(frozen=True)
class Bounce:
    original_message_id: str  # "<…>" or ""
    recipient: str
    status: str  # e.g. "5.1.1"
    reason: str  # the Diagnostic-Code text or the best human reason
    permanent: bool  # False for a delay warning (4.x.x)


def find_bounce(message: Message, *, sender: str, subject: str, text: str) -> Bounce | None:
    """The delivery failure this mail reports, or None. `text` is the full
    body text (quoted parts included)."""
    parts = _report_parts(message)
    status_part = next((p for p in parts if mime.content_type(p) in STATUS_PARTS), None)
    if status_part is not None:
        return _standard_bounce(status_part, parts, text)
    null_sender = (mime.raw_header(message, "Return-Path") or "").strip() == "<>"
    if not (_BOUNCE_SENDER.match(sender) or null_sender):
        return None
    if not (_BOUNCE_SUBJECT.search(subject) or _BOUNCE_WORDING.search(text[:20000])):
        return None
    return _free_text_bounce(parts, subject, text)


def _report_parts(message: Message) -> list[Message]:
    """The parts of the mail (attached messages not walked), bounded."""
    found: list[Message] = []
    stack = [message]
    while stack and len(found) < MAX_REPORT_PARTS:
        part = stack.pop()
        found.append(part)
        if part.is_multipart() and not mime.content_type(part).startswith("message/"):
            stack.extend(reversed([p for p in part.get_payload() if isinstance(p, Message)]))
    return found


def _standard_bounce(status_part: Message, parts: list[Message], text: str) -> Bounce | None:
    blocks = _status_blocks(status_part)
    recipients = [b for b in blocks if "action" in b or "final-recipient" in b]
    failed = [b for b in recipients if _is_failure(b)]
    delayed = [b for b in recipients if b.get("action", "").startswith("delayed")]
    chosen = (failed or delayed or [None])[0]
    if chosen is None:
        return None  # a success report (delivered, relayed, expanded)
    permanent = chosen in failed
    status = _status_of(chosen.get("status", "") + " " + chosen.get("diagnostic-code", ""))
    recipient = chosen.get("final-recipient") or chosen.get("original-recipient") or ""
    reason = re.sub(r"^\s*[\w-]+\s*;\s*", "", chosen.get("diagnostic-code", ""))
    return Bounce(
        original_message_id=_original_message_id(parts, text),
        recipient=_address(recipient),
        status=status or ("5.0.0" if permanent else "4.0.0"),
        reason=(reason or _first_paragraph(text))[:1000],
        permanent=permanent,
    )


def _is_failure(block: dict[str, str]) -> bool:
    action = block.get("action", "")
    return action.startswith("failed") or (not action and block.get("status", "")[:1] == "5")


def _status_blocks(part: Message) -> list[dict[str, str]]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [
            {key.lower(): header_text(value, 2000) for key, value in block.raw_items()}
            for block in payload
            if isinstance(block, Message)
        ]
    data, _ = mime.payload_bytes(part)
    blocks = []
    for chunk in re.split(r"\r?\n\s*\r?\n", decode_bytes(data[:200_000], "utf-8")):
        fields = re.findall(r"^([\w-]+)[ \t]*:(.*(?:\r?\n[ \t].*)*)", chunk, re.M)
        blocks.append({key.lower(): header_text(value, 2000) for key, value in fields})
    return blocks


def _status_of(text: str) -> str:
    found = _STATUS.search(text)
    return ".".join(found.groups()) if found else ""


def _address(value: str) -> str:
    """ "rfc822; <Jean@Example.com>" -> "jean@example.com"."""
    return value.split(";", 1)[-1].strip().strip("<>").strip().lower()[:320]


def _original_message_id(parts: list[Message], text: str) -> str:
    for part in parts:
        kind = mime.content_type(part)
        headers = None
        if kind in ORIGINAL_PARTS and part.is_multipart():
            headers = next((p for p in part.get_payload() if isinstance(p, Message)), None)
        elif kind in ORIGINAL_HEADER_PARTS:
            data, _ = mime.payload_bytes(part)
            headers = BytesHeaderParser(policy=mime.POLICY).parsebytes(data[:262144])
        if headers is not None:
            found = message_ids(header_text(mime.raw_header(headers, "Message-ID"), 1000))
            if found:
                return found[0]
    quoted = _MESSAGE_ID_LINE.search(text)
    return quoted.group(1) if quoted else ""


def _free_text_bounce(parts: list[Message], subject: str, text: str) -> Bounce:
    status = _status_of(text[:20000])
    delayed = status.startswith("4") or bool(_DELAY.search(subject))
    head = text[:20000]
    recipient = _QMAIL_RECIPIENT.search(head) or _INDENTED_RECIPIENT.search(head)
    smtp_line = _SMTP_LINE.search(head)
    if recipient is not None:  # qmail and Exim explain right below the address
        reason = _first_paragraph(head[recipient.end() :])
    else:
        reason = smtp_line.group(0).strip() if smtp_line else _first_paragraph(head)
    return Bounce(
        original_message_id=_original_message_id(parts, text),
        recipient=recipient.group(1).lower() if recipient else "",
        status=status or ("4.0.0" if delayed else "5.0.0"),
        reason=reason[:1000],
        permanent=not delayed,
    )


def _first_paragraph(text: str) -> str:
    for paragraph in re.split(r"\n\s*\n", text.strip()[:5000]):
        if paragraph.strip():
            return " ".join(paragraph.split())
    return ""


def auto_reply_reason(
    headers: Mapping[str, str], subject: str, content_type: str, bounce: Bounce | None
) -> str:
    """Why this mail must not be answered automatically, or "" if it may be.
    Reasons: bounce, report, out-of-office, auto-submitted, x-autoreply,
    precedence-bulk."""
    if bounce is not None:
        return "bounce"
    if content_type == "multipart/report":
        return "report"  # read receipts, success notices, abuse feedback
    if _OUT_OF_OFFICE.match(subject) or _LOTUS_AUTO.match(subject):
        return "out-of-office"
    auto_submitted = headers.get("auto-submitted", "").split(";", 1)[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto-submitted"
    if any(name in headers for name in ("x-autoreply", "x-autorespond", "x-autoreply-from")):
        return "x-autoreply"
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list"):
        return "precedence-bulk"
    if precedence == "auto_reply":
        return "x-autoreply"
    return ""
