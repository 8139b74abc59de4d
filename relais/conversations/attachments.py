"""Storing the files of a message. Files go to the default storage under random
names (models.attachment_name); rows are written in the caller's transaction.
A file written for a transaction that then rolls back stays on disk
unreferenced: harmless, and rare (a duplicate delivery).

Every received mail stores at least its original, so the rows are written with
one prepared statement (core.sql) rather than through the ORM."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils import timezone

from relais.connectors.base import InboundAttachment
from relais.conversations.models import Attachment, Message, attachment_name
from relais.core.sql import db_values, hot_cursor, insert_sql

INSERT_ATTACHMENT = insert_sql(Attachment, returning_id=False)
_made_folders: set[Path] = set()


def store_attachments(message: Message, items: Iterable[InboundAttachment]) -> None:
    """Write each file and its Attachment row for `message`."""
    now = timezone.now()
    rows = [
        {
            "message_id": message.pk,
            "kind": item.kind,
            "file": _write(attachment_name(now), item.data),
            "filename": item.filename[:255] or "attachment",
            "content_type": item.content_type[:128] or "application/octet-stream",
            "size": len(item.data),
            "content_id": item.content_id[:255],
            "created_at": now,
        }
        for item in items
    ]
    if rows:
        with hot_cursor() as cursor:
            cursor.executemany(
                INSERT_ATTACHMENT, [db_values(cursor.db, Attachment, row) for row in rows]
            )


def _write(name: str, data: bytes) -> str:
    """Save `data` as `name`; returns the name stored. On local disk, written
    directly: names are random (128 bits), so the storage's search for a free
    name, and its chunked copy, are only cost (a mail stores one to a few files)."""
    if not isinstance(default_storage, FileSystemStorage):  # (a lazy object: isinstance works)
        return default_storage.save(name, ContentFile(data))
    path = Path(default_storage.path(name))
    if path.parent not in _made_folders:  # one folder a month: made once
        path.parent.mkdir(parents=True, exist_ok=True)
        _made_folders.add(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags, 0o640)
    except FileNotFoundError:  # the folder went away (moved media): make it again
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, flags, 0o640)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return name
