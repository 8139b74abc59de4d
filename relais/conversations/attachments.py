"""Storing the files of a message. Files go to the default storage under random
names (see models.attachment_path); rows are written in the caller's
transaction. A file written for a transaction that then rolls back stays on
disk unreferenced: harmless, and rare (a duplicate delivery)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils import timezone

from relais.connectors.base import InboundAttachment
from relais.conversations.models import Attachment, Message, attachment_path


def store_attachments(message: Message, items: Iterable[InboundAttachment]) -> list[Attachment]:
    """Write each file and its Attachment row for `message`."""
    now = timezone.now()
    rows = []
    for item in items:
        attachment = Attachment(
            message=message,
            kind=item.kind,
            filename=item.filename[:255] or "attachment",
            content_type=item.content_type[:128] or "application/octet-stream",
            size=len(item.data),
            content_id=item.content_id[:255],
            created_at=now,
        )
        attachment.file.name = _write(attachment_path(attachment, item.filename), item.data)
        rows.append(attachment)
    return Attachment.objects.bulk_create(rows)


def _write(name: str, data: bytes) -> str:
    """Save `data` as `name`; returns the name stored. On local disk, written
    directly: names are random (128 bits), so the storage's search for a free
    name, and its chunked copy, are only cost (a mail stores one to a few files)."""
    if not isinstance(default_storage, FileSystemStorage):  # (a lazy object: isinstance works)
        return default_storage.save(name, ContentFile(data))
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, 0o640)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return name
