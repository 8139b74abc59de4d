"""Parsed WhatsApp messages turned into the pipeline's InboundMessages, and
the customers' files fetched afterwards from the Graph API: the media node
(`GET /{media-id}`) gives a short-lived URL, read with the token, within
RELAIS_MEDIA_MAX_BYTES and the types below (connectors.media). A file refused
or unreachable never loses the message: its text is stored first, and the
reason a file was not kept is recorded on it (conversations.media_fetch)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _

from relais.connectors.base import IdentityRef, InboundAttachment, InboundMessage, PendingMedia
from relais.connectors.media import MESSAGING_MEDIA, MediaRefused, MediaUnavailable, download_media
from relais.connectors.meta import graph
from relais.connectors.whatsapp.parsing import CustomerMessage

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
    """The InboundMessage for `message`; its file, if any, named for later
    fetching (WhatsAppConnector.fetch_media)."""
    metadata = {"whatsapp": {"type": message.type, "from": message.phone, **message.metadata}}
    pending = []
    if message.media is not None:
        media = message.media
        # The ref keeps the kind for the file's name when WhatsApp gives none.
        pending.append(PendingMedia(media.media_id, media.filename or media.kind, media.mime_type))
    return InboundMessage(
        inbox_id=inbox_id,
        body=message.body,
        identities=[IdentityRef("phone", message.phone)],
        provider_message_id=message.wamid,
        contact_name=message.name,
        sent_at=message.sent_at,
        metadata=metadata,
        pending_media=pending,
    )


def fetch_media(inbox_id: int, config: dict, media: PendingMedia) -> InboundAttachment:
    """The customer's file (`media.ref`: its media id); raises MediaRefused
    with the reason, MediaUnavailable when Meta may serve it later."""
    limit = settings.RELAIS_MEDIA_MAX_BYTES
    graph_settings = graph.settings_for(inbox_id, config)
    try:
        node = graph.get(graph_settings, media.ref, {"phone_number_id": config["phone_number_id"]})
    except graph.GraphCallFailed as error:
        unreachable = error.error.code is None and error.error.http_status is None
        if error.error.temporary or unreachable:
            raise MediaUnavailable(str(error)) from None
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
        filename=media.filename,
        declared_type=media.content_type or str(node.get("mime_type", "")),
    )
