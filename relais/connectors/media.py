"""Downloading the media a customer sent (a photo, a document, an MMS).

Called by the task that fetches a stored message's files
(conversations.media_fetch), never while a webhook request is open. Streamed
with a byte limit (the download stops at the first byte too many),
the type decided by the bytes (the `filetype` library), never a program. A
refused file is a `MediaRefused` whose reason the connector keeps on the
message: the text of the message still lands.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import httpx

from relais.connectors.base import InboundAttachment
from relais.connectors.email.attachment_checks import detected_type, is_blocked, safe_filename
from relais.connectors.http_api import client

# What customers send through messaging apps, by type prefix.
MESSAGING_MEDIA = ("image/", "audio/", "video/", "application/pdf", "text/plain")


class MediaRefused(Exception):
    """Not downloaded or not kept; the message says why, in plain words."""


class MediaUnavailable(MediaRefused):
    """Not downloaded this time (timeout, connection error, 5xx, throttling):
    worth trying again later."""


# Answers that say "later" rather than "never".
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def download_media(
    url: str,
    *,
    max_bytes: int,
    allowed_types: Collection[str] = MESSAGING_MEDIA,
    headers: dict[str, str] | None = None,
    auth: Any = None,
    filename: str = "",
    declared_type: str = "",
) -> InboundAttachment:
    """Fetch `url` into an attachment; raise MediaRefused if it cannot be
    fetched, is larger than `max_bytes`, or its type is not one of
    `allowed_types` (prefixes such as "image/") or is a program."""
    try:
        with client().stream(
            "GET", url, headers=headers, auth=auth, follow_redirects=True
        ) as response:
            if response.status_code != 200:
                refusal = f"the media could not be fetched (HTTP {response.status_code})"
                if response.status_code in RETRYABLE_STATUSES:
                    raise MediaUnavailable(refusal)
                raise MediaRefused(refusal)
            announced = int(response.headers.get("Content-Length") or 0)
            if announced > max_bytes:
                raise MediaRefused(_too_large(max_bytes))
            data = bytearray()
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > max_bytes:
                    raise MediaRefused(_too_large(max_bytes))
            declared = declared_type or response.headers.get("Content-Type", "")
    except httpx.HTTPError as error:
        raise MediaUnavailable(f"the media could not be fetched: {error}") from None
    return checked_media(bytes(data), declared, filename, allowed_types)


def checked_media(
    data: bytes, declared: str, filename: str, allowed_types: Collection[str]
) -> InboundAttachment:
    declared = declared.split(";")[0].strip().lower() or "application/octet-stream"
    content_type = detected_type(data, declared)
    name = safe_filename(filename, content_type)
    if is_blocked(name, content_type, data):
        raise MediaRefused("the file is a program: it was not kept")
    if not any(content_type.startswith(prefix) for prefix in allowed_types):
        raise MediaRefused(f"files of type {content_type} are not accepted")
    return InboundAttachment(name, content_type, data)


def _too_large(max_bytes: int) -> str:
    return f"the file is larger than {max_bytes // 1024} KiB: it was not kept"
