"""The customers' side of each demo channel, standing in for the provider:
what the widget, the shop's back-end or a customer's mail client hands the
pipeline, built the way the real thing builds it (the API payload is parsed by
the API connector, a mail is a real RFC 5322 message parsed by the e-mail
connector). And what each provider records when an answer leaves, since the
demo sends nothing.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable, Sequence
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from typing import Protocol

from django.utils import timezone

from relais.connectors.api_channel import parse_payload
from relais.connectors.base import InboundMessage
from relais.connectors.email.ingest import mail_limits, to_inbound
from relais.connectors.email.parsing import parse_mail
from relais.connectors.email.references import new_message_id
from relais.connectors.models import Inbox
from relais.connectors.webchat.visitors import Visitor
from relais.conversations.models import DeliveryStatus, Message
from relais.conversations.outbox import update_delivery_status
from relais.core.demo_people import API, EMAIL, WEBCHAT, DemoContact


class CustomerSide(Protocol):
    """Builds what the pipeline receives when `person` writes `body`.

    `message_id` is unique in the demo; `thread` holds the provider ids of
    the conversation's messages so far, oldest first (empty for a first
    message); `files` name `DEMO_FILES` to attach; `automatic` marks an
    out-of-office. A channel that cannot carry files or automatic messages
    raises ValueError."""

    def __call__(
        self,
        inbox: Inbox,
        person: DemoContact,
        body: str,
        message_id: str,
        subject: str,
        /,
        *,
        sent_at: datetime | None = None,
        thread: Sequence[str] = (),
        files: Sequence[str] = (),
        automatic: bool = False,
    ) -> InboundMessage: ...


def shop_visitor(inbox: Inbox, person: DemoContact) -> Visitor:
    """The widget visitor this person is on the demo shop: identified by the
    shop's login when they have one, else by the e-mail the shop vouches for
    its customers, else anonymous."""
    visitor_id = f"v_demo-{person.key}"
    if person.shop_login:
        return Visitor(
            inbox.pk,
            visitor_id,
            external_id=person.shop_login,
            name=person.name,
            email_hint=person.email,
        )
    if person.customer_id:
        return Visitor(inbox.pk, visitor_id, verified_email=person.email, name=person.name)
    return Visitor(inbox.pk, visitor_id)


def chat_visitor_message(
    inbox: Inbox,
    person: DemoContact,
    body: str,
    client_id: str,
    subject: str,
    *,
    sent_at: datetime | None = None,
    thread: Sequence[str] = (),
    files: Sequence[str] = (),
    automatic: bool = False,
) -> InboundMessage:
    """What the widget hands the pipeline for this person (as the web chat's
    `receive_visitor_message` builds it), with a subject for the inbox list.
    A chat has no threading headers: the pipeline joins the open conversation."""
    _text_only("the web chat", files, automatic)
    visitor = shop_visitor(inbox, person)
    metadata = {"client_id": client_id}
    if person.email and not visitor.is_verified:
        metadata["contact_email"] = person.email  # typed in the leave-a-message form
    return InboundMessage(
        inbox_id=inbox.pk,
        body=body,
        identities=visitor.identities(),
        provider_message_id=f"webchat:{visitor.visitor_id}:{client_id}",
        contact_name=visitor.name,
        contact_email=person.email,
        subject=subject,
        metadata=metadata,
    )


def app_user_message(
    inbox: Inbox,
    person: DemoContact,
    body: str,
    message_id: str,
    subject: str,
    *,
    sent_at: datetime | None = None,
    thread: Sequence[str] = (),
    files: Sequence[str] = (),
    automatic: bool = False,
) -> InboundMessage:
    """What the shop's back-end posts to the API channel for this person,
    parsed by the connector itself."""
    _text_only("the mobile app", files, automatic)
    if not person.customer_id:
        raise ValueError(f"{person.key} needs a customer number to use the app")
    payload = {
        "message_id": message_id,
        "contact": {
            "external_id": person.customer_id,
            "name": person.name,
            "email": person.email,
            "phone": person.phone,
        },
        "body": body,
        "subject": subject,
    }
    return parse_payload(inbox, json.dumps(payload).encode())


def customer_mail(
    inbox: Inbox,
    person: DemoContact,
    body: str,
    message_id: str,
    subject: str,
    *,
    sent_at: datetime | None = None,
    thread: Sequence[str] = (),
    files: Sequence[str] = (),
    automatic: bool = False,
) -> InboundMessage:
    """The mail this person sends the inbox, through the e-mail connector's
    own parsing and threading (`ingest.to_inbound`), as `relais smtpd` would
    hand it over: a follow-up answers the latest mail of `thread`."""
    raw = raw_mail(
        inbox,
        person,
        body,
        message_id,
        subject,
        sent_at=sent_at,
        thread=thread,
        files=files,
        automatic=automatic,
    )
    return to_inbound(inbox, parse_mail(raw, mail_limits()), raw, recipients=[], envelope_from="")


def raw_mail(
    inbox: Inbox,
    person: DemoContact,
    body: str,
    message_id: str,
    subject: str,
    *,
    sent_at: datetime | None = None,
    thread: Sequence[str] = (),
    files: Sequence[str] = (),
    automatic: bool = False,
) -> bytes:
    """The bytes of this person's mail to the inbox, as their mail client
    writes them (Message-ID "<message_id@their domain>", a reply's
    In-Reply-To and References, Auto-Submitted for an out-of-office)."""
    if not person.email:
        raise ValueError(f"{person.key} needs an e-mail address to write to the inbox")
    if thread:
        subject = f"Réponse automatique : Re: {subject}" if automatic else f"Re: {subject}"
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = Address(person.name, addr_spec=person.email)
    mail["To"] = Address(inbox.name, addr_spec=inbox.config["address"])
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.localtime(sent_at or timezone.now()))
    mail["Message-ID"] = f"<{message_id}@{person.email.rpartition('@')[2]}>"
    if thread:
        mail["In-Reply-To"] = thread[-1]
        mail["References"] = " ".join(thread[-20:])
    if automatic:
        mail["Auto-Submitted"] = "auto-replied"
    mail.set_content(body)
    for name in files:
        mail.add_attachment(demo_file(name), maintype="image", subtype="png", filename=name)
    return mail.as_bytes()


def _text_only(channel: str, files: Sequence[str], automatic: bool) -> None:
    if files:
        raise ValueError(f"the demo's customers send no files on {channel}")
    if automatic:
        raise ValueError(f"the demo's customers send no automatic replies on {channel}")


# How the customer's side of each channel writes, standing in for the provider.
CUSTOMER_SIDES: dict[str, CustomerSide] = {
    WEBCHAT: chat_visitor_message,
    API: app_user_message,
    EMAIL: customer_mail,
}


def mail_sent(message: Message) -> None:
    """Give an answer the Message-ID the e-mail connector would have sent it
    with (see sending.send_message), so that the customer's reply threads."""
    domain = message.inbox.config["address"].rpartition("@")[2]
    message_id = new_message_id(message.pk, domain)
    email = {**(message.metadata.get("email") or {}), "message_id": message_id}
    message.metadata = {**message.metadata, "email": email}
    message.provider_message_id = message_id
    Message.objects.filter(pk=message.pk).update(
        provider_message_id=message_id, metadata=message.metadata
    )


# What a provider adds to an answer it takes, beyond "sent" (by inbox kind).
SENT_RECEIPTS: dict[str, Callable[[Message], None]] = {EMAIL: mail_sent}


def record_sent(message: Message) -> None:
    """Record an answer as sent, as its connector would once the provider
    took it (the demo talks to no provider)."""
    if receipt := SENT_RECEIPTS.get(message.inbox.kind):
        receipt(message)
    update_delivery_status(message, DeliveryStatus.SENT)


# Photos the demo's customers attach: small PNGs drawn here, (width, height,
# background, mark) with the mark a darker band across the picture.
DEMO_FILES = {
    "vase-casse.png": (96, 72, (196, 112, 74), (70, 40, 30)),
    "carton.png": (96, 72, (181, 140, 96), (110, 80, 50)),
    "pull-accroc.png": (96, 72, (38, 52, 96), (210, 205, 190)),
}


@cache
def demo_file(name: str) -> bytes:
    """The PNG bytes of DEMO_FILES[name]; raises KeyError for another name."""
    width, height, background, mark = DEMO_FILES[name]
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type: none
        for x in range(width):
            on_mark = abs((x * height) // width - y) < 3 + (x % 7 == 0)
            row += bytes(mark if on_mark else background)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
