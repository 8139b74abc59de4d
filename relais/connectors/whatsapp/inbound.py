"""Parsed WhatsApp messages turned into the pipeline's InboundMessages, with
the customers' files fetched from the Graph API: the media node
(`GET /{media-id}`) gives a short-lived URL, read with the token, within
RELAIS_MEDIA_MAX_BYTES and the types below (connectors.media). A file refused
or unreachable never loses the message: its text is kept, with a line saying
what was not received."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _

from relais.connectors.base import IdentityRef, InboundAttachment, InboundMessage
from relais.connectors.media import MESSAGING_MEDIA, MediaRefused, download_media
from relais.connectors.meta import graph
from relais.connectors.whatsapp.parsing import CustomerMessage, MediaRef

log = logging.getLogger(__name__)

# What the Cloud API delivers: images, audio, video, stickers (image/webp),
# PDF and text, and the office documents Meta lists as supported.
ALLOWED_TYPES = (
    *MESSAGING_MEDIA,
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.",
)


def to_inbound(inbox_id: int, config: dict, message: CustomerMessage) -> InboundMessage:
    """The InboundMessage for `message`; its file, if any, downloaded."""
    metadata = {"whatsapp": {"type": message.type, "from": message.phone, **message.metadata}}
    attachments, body = [], message.body
    if message.media is not None:
        try:
            attachments.append(fetch_media(inbox_id, config, message.media))
        except MediaRefused as refusal:
            log.info("whatsapp media refused", extra={"inbox_id": inbox_id, "reason": str(refusal)})
            note = _("(File not received: %(reason)s)") % {"reason": refusal}
            metadata["whatsapp"]["media_refused"] = str(refusal)
            body = "\n".join(part for part in (body, note) if part)
    return InboundMessage(
        inbox_id=inbox_id,
        body=body,
        identities=[IdentityRef("phone", message.phone)],
        provider_message_id=message.wamid,
        contact_name=message.name,
        sent_at=message.sent_at,
        metadata=metadata,
        attachments=attachments,
    )


def fetch_media(inbox_id: int, config: dict, media: MediaRef) -> InboundAttachment:
    """The customer's file; raises MediaRefused with the reason."""
    limit = settings.RELAIS_MEDIA_MAX_BYTES
    graph_settings = graph.settings_for(inbox_id, config)
    try:
        node = graph.get(
            graph_settings, media.media_id, {"phone_number_id": config["phone_number_id"]}
        )
    except graph.GraphCallFailed as error:
        raise MediaRefused(str(error)) from None
    # Meta says the size up front: an oversized file is refused without a download.
    if int(node.get("file_size") or 0) > limit:
        raise MediaRefused(
            _("the file is larger than %(size)d KiB: it was not kept") % {"size": limit // 1024}
        )
    return download_media(
        str(node.get("url", "")),
        max_bytes=limit,
        allowed_types=ALLOWED_TYPES,
        headers=graph_settings.headers,
        filename=media.filename or media.kind,
        declared_type=media.mime_type or str(node.get("mime_type", "")),
    )
