"""Downloading a message's files from the console.

A file a customer sent is hostile until proven otherwise: it is served to the
agents who can see its conversation only (404 for everyone else, as for the
conversation itself), as a download, never sniffed, sandboxed if a browser
renders it anyway, and never as HTML or SVG. Raster images may be shown in the
page (`?inline=1`) for thumbnails and a mail's inline pictures."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from relais.conversations.models import Attachment
from relais.web.conversation_views import visible_conversation_or_404
from relais.web.message_display import is_inline_image

log = logging.getLogger(__name__)

# Types a browser would run or render as a document: served as plain bytes.
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
    }
)
MIME_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
FALLBACK_TYPE = "application/octet-stream"
UNSAFE_IN_QUOTES = re.compile(r'[^\x20-\x7e]|["\\%]')


@require_GET
@login_required
def attachment(request: HttpRequest, conversation_id: int, attachment_id: int) -> FileResponse:
    conversation = visible_conversation_or_404(request.user, conversation_id)
    found = Attachment.objects.filter(pk=attachment_id, message__conversation=conversation).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError):
        log.warning("attachment %s of conversation %s: file missing", found.pk, conversation.pk)
        raise Http404 from None
    content_type = served_type(found.content_type)
    inline = request.GET.get("inline") == "1" and is_inline_image(content_type)
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(found.filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def served_type(stored: str) -> str:
    """The stored type without parameters, unless a browser would render it
    as a document (or it is malformed): then plain bytes."""
    base = stored.split(";")[0].strip().lower()
    if not MIME_TYPE.match(base) or base in ACTIVE_TYPES:
        return FALLBACK_TYPE
    return base


def content_disposition(filename: str, *, inline: bool) -> str:
    """RFC 6266: an ASCII fallback name for old clients and the exact name as
    `filename*` (RFC 5987)."""
    filename = filename.replace("\r", " ").replace("\n", " ") or "attachment"
    fallback = UNSAFE_IN_QUOTES.sub("_", filename)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
