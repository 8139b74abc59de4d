"""A parsed WhatsApp delivery turned into the pipeline's InboundMessages, with
the customers' files fetched from the Graph API (two calls: the media node
gives a short-lived URL, which is read with the token), size- and type-checked.
A file refused or unreachable never loses the message: its text is kept, with a
line saying what was not received."""

from __future__ import annotations

import logging

import filetype
from django.utils.translation import gettext as _

from relais.connectors.base import IdentityRef, InboundAttachment, InboundMessage
from relais.connectors.meta import graph
from relais.connectors.whatsapp.config import graph_settings
from relais.connectors.whatsapp.parsing import CustomerMessage, MediaRef

log = logging.getLogger(__name__)

# Types the Cloud API delivers (Meta's list of supported media), nothing else.
ALLOWED_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "audio/aac",
    "audio/amr",
    "audio/mpeg",
    "audio/mp4",
    "audio/ogg",
    "video/mp4",
    "video/3gpp",
    "application/pdf",
    "text/plain",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
EXTENSIONS = {"image": "jpg", "sticker": "webp", "audio": "ogg", "video": "mp4", "document": "bin"}


def to_inbound(inbox_id: int, config: dict, message: CustomerMessage) -> InboundMessage:
    """The InboundMessage for `message`; its file, if any, downloaded."""
    metadata = {"whatsapp": {"type": message.type, "from": message.phone, **message.metadata}}
    attachments, body = [], message.body
    if message.media is not None:
        attachment, refusal = fetch_media(config, message.media)
        if attachment is not None:
            attachments.append(attachment)
        else:
            metadata["whatsapp"]["media_refused"] = refusal
            body = "\n".join(part for part in (body, refusal) if part)
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


def fetch_media(config: dict, media: MediaRef) -> tuple[InboundAttachment | None, str]:
    """(the file, "") or (None, why it was not kept, for the agent)."""
    settings = graph_settings(config)
    limit = int(config.get("max_media_bytes") or 0)
    try:
        node = graph.get(settings, media.media_id, {"phone_number_id": config["phone_number_id"]})
        declared = int(node.get("file_size") or 0)
        if declared > limit:
            raise graph.MediaTooLarge(declared)
        data, served_type = graph.download(settings, str(node.get("url", "")), limit)
    except graph.MediaTooLarge as error:
        return None, _("(File not received: %(size)d bytes, more than the %(limit)d allowed.)") % {
            "size": error.size,
            "limit": limit,
        }
    except graph.GraphCallFailed as error:
        log.warning("whatsapp media fetch failed", extra={"media_id": media.media_id})
        return None, _("(File not received: %(reason)s)") % {"reason": error}
    content_type = _sniffed_type(data) or media.mime_type or served_type
    if content_type not in ALLOWED_TYPES:
        return None, _("(File not received: the type %(type)s is not accepted.)") % {
            "type": content_type or "?"
        }
    filename = media.filename or f"{media.kind}.{EXTENSIONS.get(media.kind, 'bin')}"
    return InboundAttachment(filename=filename, content_type=content_type, data=data), ""


def _sniffed_type(data: bytes) -> str:
    # Trust the bytes over the declared type: a "JPEG" that is a program stays out.
    kind = filetype.guess(data)
    return kind.mime if kind else ""
