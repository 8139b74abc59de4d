"""The Event rows of a period, in one query on the (kind, created_at) index,
as plain EventRows for the pure functions. The Self-care page counts in SQL
(selfcare_sql.py); these rows are its reference, which the tests and
benchmarks/selfcare_kpis.py compare it with."""

from __future__ import annotations

from datetime import datetime

from relais.analytics.selfcare import EventRow
from relais.core.models import Event

SELF_CARE_KINDS = (
    "help.article_viewed",
    "help.searched",
    "help.result_clicked",
    "help.faq_clicked",
    "help.article_rated",
    "help.escalated",
    "helpbox.opened",
    "helpbox.searched",
    "helpbox.article_clicked",
    "helpbox.article_viewed",
    "helpbox.escalated",
    "bot.answered",
    "bot.handed_over",
)


def selfcare_rows(start: datetime, end: datetime) -> list[EventRow]:
    """Self-care Events with start <= created_at < end, in time order."""
    rows = (
        Event.objects.filter(kind__in=SELF_CARE_KINDS, created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "id")
        .values_list("id", "kind", "created_at", "data", "conversation_id")
    )
    return [
        EventRow(kind=kind, at=at, data=data or {}, conversation_id=conversation_id, id=pk)
        for pk, kind, at, data, conversation_id in rows.iterator(chunk_size=5000)
    ]
