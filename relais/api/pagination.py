"""Cursor pagination: stable under inserts, no COUNT(*), no deep OFFSET.

A cursor is opaque to clients (base64 of the last id seen); lists answer
{"items": [...], "next": cursor-or-null} and `?cursor=<next>` continues after
the last item, newest first (or oldest first for a conversation's messages).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from relais.api.errors import BadRequest

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
_CURSOR = re.compile(r"id:(\d{1,19})")


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor points after; raises BadRequest for anything we did not issue."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        match = _CURSOR.fullmatch(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, UnicodeError, ValueError):
        match = None
    if match is None:
        raise BadRequest(_("invalid cursor"), code="invalid_cursor")
    return int(match.group(1))


def paginate(
    rows: QuerySet, *, cursor: str | None, limit: int, ascending: bool = False
) -> dict[str, Any]:
    """One page of `rows` ordered by id, after `cursor`."""
    if cursor:
        after = decode_cursor(cursor)
        rows = rows.filter(pk__gt=after) if ascending else rows.filter(pk__lt=after)
    page = list(rows.order_by("pk" if ascending else "-pk")[: limit + 1])
    has_next = len(page) > limit
    page = page[:limit]
    return {"items": page, "next": encode_cursor(page[-1].pk) if has_next else None}
