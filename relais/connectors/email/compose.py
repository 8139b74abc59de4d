"""Outbound mail as MIME (pure): an `OutgoingMail` becomes an `EmailMessage`
ready for `smtp_client.send_mail`.

Guarantees: a text and an HTML part (multipart/alternative, inside
multipart/mixed when there are attachments); non-ASCII names, subjects and
file names encoded as RFC 2047 / RFC 2231 says; internationalised domains in
ASCII (IDNA); no header can be injected (control characters in subjects,
names and file names become spaces, addresses are parsed, message ids are
extracted from their "<…>"); threading headers folded without encoded words.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy as email_policy
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import localtime

from relais.connectors.email.references import message_ids

# A References header keeps the thread's first id and its latest ones: enough
# for every client to thread, bounded for long conversations.
MAX_RECENT_REFERENCES = 20
FOLD_WIDTH = 78
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class OutgoingAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(kw_only=True)
class OutgoingMail:
    """One outbound mail. Names and addresses are (display name, address)."""

    sender: tuple[str, str]
    to: list[tuple[str, str]]
    cc: list[tuple[str, str]] = field(default_factory=list)
    reply_to: str = ""
    subject: str
    text: str
    # None: derived from the text (escaped, one <p> per paragraph).
    html: str | None = None
    message_id: str
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    # "auto-replied" for acknowledgements (RFC 3834); empty for agents' answers.
    auto_submitted: str = ""
    language: str = ""  # Content-Language
    attachments: list[OutgoingAttachment] = field(default_factory=list)
    date: datetime | None = None  # None: now


class MessageIdListHeader(UnstructuredHeader):
    """In-Reply-To and References: folded between ids, never as encoded words
    (the standard library would encode a long id, which breaks threading)."""

    def fold(self, *, policy) -> str:
        lines = [f"{self.name}:"]
        for index, message_id in enumerate(message_ids(str(self))):
            # The first id stays beside the name, however long (the limit is 998).
            if index and len(lines[-1]) + 1 + len(message_id) > FOLD_WIDTH:
                lines.append("")
            lines[-1] += f" {message_id}"
        return policy.linesep.join(lines) + policy.linesep


def _header_registry() -> HeaderRegistry:
    registry = HeaderRegistry()
    registry.map_to_type("in-reply-to", MessageIdListHeader)
    registry.map_to_type("references", MessageIdListHeader)
    return registry


POLICY = email_policy.SMTP.clone(header_factory=_header_registry())


def build_message(mail: OutgoingMail) -> EmailMessage:
    """The MIME message for `mail`. Raises ValueError for an address that
    cannot be parsed or encoded."""
    message = EmailMessage(policy=POLICY)
    message["From"] = make_address(*mail.sender)
    message["To"] = [make_address(name, address) for name, address in mail.to]
    if mail.cc:
        message["Cc"] = [make_address(name, address) for name, address in mail.cc]
    if mail.reply_to:
        message["Reply-To"] = make_address("", mail.reply_to)
    message["Subject"] = one_line(mail.subject)
    message["Date"] = mail.date or localtime()
    message["Message-ID"] = _single_id(mail.message_id)
    if in_reply_to := message_ids(mail.in_reply_to):
        message["In-Reply-To"] = in_reply_to[0]
    if references := bounded_references(mail.references):
        message["References"] = " ".join(references)
    if mail.auto_submitted:
        message["Auto-Submitted"] = one_line(mail.auto_submitted)
        # Asks Exchange and Outlook not to answer an automatic message with theirs.
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(mail.text, subtype="plain")
    html_body = mail.html if mail.html is not None else text_to_html(mail.text, mail.language)
    message.add_alternative(html_body, subtype="html")
    for attachment in mail.attachments:
        maintype, subtype = _attachment_type(attachment.content_type)
        message.add_attachment(
            attachment.data,
            maintype=maintype,
            subtype=subtype,
            filename=one_line(attachment.filename).replace("/", "_").replace("\\", "_")
            or "attachment",
        )
    for part in message.iter_parts():
        _drop_nested_mime_version(part)
    if mail.language:  # after the body: setting content clears Content-* headers
        message["Content-Language"] = one_line(mail.language)
    return message


def make_address(name: str, address: str) -> Address:
    """An Address with a one-line display name and an ASCII domain; raises
    ValueError when `address` is not one address."""
    return Address(display_name=one_line(name), addr_spec=ascii_address(one_line(address)))


def ascii_address(address: str) -> str:
    """`address` with its domain in IDNA (xn--…) form; raises ValueError."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        raise ValueError(f"not an e-mail address: {address!r}")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        raise ValueError(f"not an e-mail domain: {domain!r}") from None


def one_line(value: str) -> str:
    """`value` with control characters (CR, LF…) turned into single spaces."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", value or "").split())


def bounded_references(references: list[str]) -> list[str]:
    """The distinct ids of `references`: the first one and the latest 20."""
    ids = list(dict.fromkeys(i for value in references for i in message_ids(value)))
    if len(ids) <= MAX_RECENT_REFERENCES + 1:
        return ids
    return [ids[0], *ids[-MAX_RECENT_REFERENCES:]]


def text_to_html(text: str, language: str = "") -> str:
    """A minimal HTML document for a plain-text body: escaped, a paragraph per
    blank-line-separated block, line breaks kept; links are not made."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [block for block in PARAGRAPH_BREAK.split(text) if block.strip()]
    body = "\n".join(
        "<p>" + html.escape(block).replace("\n", "<br>\n") + "</p>" for block in paragraphs
    )
    lang = f' lang="{html.escape(language)}"' if language else ""
    return (
        f'<!DOCTYPE html>\n<html{lang}><head><meta charset="utf-8"></head>\n'
        f"<body>\n{body}\n</body></html>\n"
    )


def _single_id(value: str) -> str:
    ids = message_ids(value)
    if not ids:
        raise ValueError(f"not a message id: {value!r}")
    return ids[0]


def _attachment_type(content_type: str) -> tuple[str, str]:
    maintype, _, subtype = (content_type or "").strip().lower().partition("/")
    valid = re.fullmatch(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}", maintype or "-") and re.fullmatch(
        r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}", subtype or "-"
    )
    # message/* and multipart/* may not be base64-encoded (RFC 2046): sent as bytes.
    if not valid or maintype in {"message", "multipart"}:
        return "application", "octet-stream"
    return maintype, subtype


def _drop_nested_mime_version(part: EmailMessage) -> None:
    # The standard library stamps every part; only the top level needs it.
    del part["MIME-Version"]
    for child in part.iter_parts() if part.is_multipart() else ():
        _drop_nested_mime_version(child)
