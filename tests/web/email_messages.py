"""Building received e-mails (with files) for the console's tests."""

from __future__ import annotations

from itertools import count

from relais.connectors.base import IdentityRef, InboundAttachment, InboundMessage
from relais.conversations.actions import receive_message

# A 1×1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML_BODY = (
    '<p class="from-html">Formatted hello</p>'
    '<img src="cid:Logo@Example.COM" alt="logo">'
    '<img src="https://tracker.example/pixel.gif">'
    "<script>alert('pwned')</script>"
)
_seq = count(1)


def email_metadata(**overrides) -> dict:
    email = {
        "message_id": f"<m{next(_seq)}@example.com>",
        "from": [{"name": "Claire Dubois", "address": "claire@example.com"}],
        "to": [{"name": "", "address": "support@example.com"}],
        "cc": [{"name": "Paul Cc", "address": "paul@example.com"}],
        "reply_to": [],
        "subject": "Broken parcel",
        "in_reply_to": [],
        "references": [],
        "html": HTML_BODY,
        "quoted": "> Earlier answer from the shop",
        "auto_reply": "",
        "refused_attachments": [],
        "problems": [],
    }
    email.update(overrides)
    return {"email": email}


def standard_files() -> list[InboundAttachment]:
    return [
        InboundAttachment("invoice.pdf", "application/pdf", PDF),
        InboundAttachment("photo.png", "image/png", PNG),
        InboundAttachment(
            "logo.png", "image/png", PNG, kind="inline", content_id="<logo@example.com>"
        ),
        InboundAttachment("original.eml", "message/rfc822", b"From: x\r\n\r\nhi", kind="original"),
    ]


def receive_email(
    inbox,
    body: str = "My parcel arrived broken.",
    *,
    sender: str = "claire@example.com",
    attachments: list[InboundAttachment] | None = None,
    metadata: dict | None = None,
    **fields,
):
    """Store one received mail; returns the ReceiveResult."""
    metadata = metadata if metadata is not None else email_metadata()
    return receive_message(
        InboundMessage(
            inbox_id=inbox.pk,
            body=body,
            identities=[IdentityRef("email", sender)],
            provider_message_id=metadata.get("email", {}).get("message_id")
            or f"<p{next(_seq)}@example.com>",
            contact_email=sender,
            subject=metadata.get("email", {}).get("subject", ""),
            metadata=metadata,
            attachments=standard_files() if attachments is None else attachments,
            **fields,
        )
    )
