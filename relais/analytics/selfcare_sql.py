"""The self-care KPIs counted by the database: the same figures as the pure
`selfcare_report` (docs/kpis.md), in four aggregate queries whatever the
length of the period, so that memory does not grow with the Events read.

Each definition of selfcare.py has its SQL twin here: a session is the
visitor (a non-empty JSON string) or else the conversation; a search had a
result when its `results` (or, without one, its `article_ids`) is truthy; a
click counts when its `search_event_id` is one of the period's answered
searches. tests/analytics/test_selfcare_sql.py checks both agree.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KT
from django.db.models.functions import NullIf, RowNumber

from relais.analytics.queries import SELF_CARE_KINDS
from relais.analytics.selfcare import (
    ESCALATED,
    GAPS_SHOWN,
    SEARCHED,
    VIEWED,
    Ratings,
    SelfCareReport,
    normalise_query,
)
from relais.core.json_sql import JSONInteger, JSONString, JSONTruthy
from relais.core.models import Event
from relais.knowledge.models import Article

CLICKS = ("help.result_clicked", "helpbox.article_clicked")
HAD_RESULT = (Q(data__has_key="results") & Q(JSONTruthy("data", "results"))) | (
    ~Q(data__has_key="results") & Q(JSONTruthy("data", "article_ids"))
)
FAQ_CLICK = Q(kind="help.faq_clicked") | Q(kind="helpbox.article_clicked", data__source="faq")
SOURCE = Case(
    When(kind__startswith="help.", then=Value("help_center")),
    When(kind__startswith="helpbox.", then=Value("helpbox")),
    When(kind__startswith="bot.", then=Value("bot")),
    default=Value(""),
    output_field=CharField(),
)


def period_events(start: datetime, end: datetime, locale: str | None) -> QuerySet[Event]:
    """The self-care Events read (the (kind, created_at) index), with their
    session as two columns: `visitor`, or else `bot_conversation`."""
    events = Event.objects.filter(
        kind__in=SELF_CARE_KINDS, created_at__gte=start, created_at__lt=end
    )
    if locale:
        events = events.filter(data__locale=locale)
    events = events.annotate(visitor=NullIf(JSONString("data", "visitor"), Value("")))
    return events.annotate(
        bot_conversation=Case(When(visitor__isnull=True, then=F("conversation_id")))
    )


def selfcare_report_sql(
    start: datetime, end: datetime, locale: str | None
) -> tuple[SelfCareReport, dict[int, str]]:
    """Every self-care KPI over start <= created_at < end (one language, or
    all when `locale` is empty), as `selfcare_report` computes it in memory,
    and the titles of the rated articles. Four queries."""
    events = period_events(start, end, locale)
    report = _counts(events)
    report.entry_points = _entry_points(events)
    report.content_gaps = _content_gaps(events)
    rated = article_ratings(events)
    report.ratings = {pk: ratings for pk, (_title, ratings) in rated.items()}
    return report, {pk: title for pk, (title, _ratings) in rated.items()}


def _sessions(condition: Q | None = None) -> tuple[Count, Count]:
    # Two distinct counts, visitors and conversations, whose sum is the
    # number of distinct sessions (a row has one or the other).
    return Count("visitor", distinct=True, filter=condition), Count(
        "bot_conversation", distinct=True, filter=condition
    )


def _counts(events: QuerySet[Event]) -> SelfCareReport:
    clicked = events.filter(kind__in=CLICKS).values(sid=JSONInteger("data", "search_event_id"))
    visitors, conversations = _sessions()
    faq_visitors, faq_conversations = _sessions(FAQ_CLICK)
    escalated_visitors, escalated_conversations = _sessions(Q(kind__in=ESCALATED))
    row = events.aggregate(
        visitors=visitors,
        conversations=conversations,
        help_center_visitors=Count("visitor", distinct=True, filter=Q(kind__startswith="help.")),
        faq_visitors=faq_visitors,
        faq_conversations=faq_conversations,
        escalated_visitors=escalated_visitors,
        escalated_conversations=escalated_conversations,
        article_views=Count("id", filter=Q(kind__in=VIEWED)),
        searches=Count("id", filter=Q(kind__in=SEARCHED)),
        searches_with_result=Count("id", filter=Q(kind__in=SEARCHED) & HAD_RESULT),
        clicked_searches=Count(
            "id", filter=Q(kind__in=SEARCHED) & HAD_RESULT & Q(id__in=Subquery(clicked))
        ),
        helpbox_opens=Count("id", filter=Q(kind="helpbox.opened")),
        helpbox_escalations=Count("id", filter=Q(kind="helpbox.escalated")),
    )
    return SelfCareReport(
        help_center_visitors=row["help_center_visitors"],
        sessions=row["visitors"] + row["conversations"],
        visitors=row["visitors"],
        article_views=row["article_views"],
        searches=row["searches"],
        searches_with_result=row["searches_with_result"],
        searches_without_result=row["searches"] - row["searches_with_result"],
        clicked_searches=row["clicked_searches"],
        faq_users=row["faq_visitors"] + row["faq_conversations"],
        helpbox_opens=row["helpbox_opens"],
        helpbox_escalations=row["helpbox_escalations"],
        escalated_sessions=row["escalated_visitors"] + row["escalated_conversations"],
    )


def _entry_points(events: QuerySet[Event]) -> dict[str, int]:
    """Sessions per source of their first Event of the period (by time, then
    id, as the in-memory sort keeps them)."""
    first = (
        events.filter(Q(visitor__isnull=False) | Q(bot_conversation__isnull=False))
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("visitor"), F("bot_conversation")],
                order_by=[F("created_at").asc(), F("id").asc()],
            )
        )
        .filter(position=1)
        .values("id")
    )
    counted = (
        Event.objects.filter(id__in=first)
        .annotate(source=SOURCE)
        .values("source")
        .annotate(sessions=Count("id"))
        .order_by()
    )
    return {row["source"]: row["sessions"] for row in counted}


def _content_gaps(events: QuerySet[Event]) -> list[tuple[str, int]]:
    """The top queries without result. The database groups the raw queries;
    Python folds them (str.casefold is not SQL's lower(), which on SQLite
    knows ASCII only), so memory grows with distinct queries, not searches."""
    raw = (
        events.filter(Q(kind__in=SEARCHED) & ~HAD_RESULT)
        .values(query=KT("data__query"))
        .annotate(searches=Count("id"))
        .order_by()
    )
    gaps: Counter = Counter()
    for row in raw.iterator(chunk_size=5000):
        if row["query"] is not None and (query := normalise_query(row["query"])):
            gaps[query] += row["searches"]
    return sorted(gaps.items(), key=lambda item: (-item[1], item[0]))[:GAPS_SHOWN]


def article_ratings(events: QuerySet[Event]) -> dict[int, tuple[str, Ratings]]:
    """article id -> (title, ratings) of the period's `help.article_rated`,
    titles joined in the same query ("#id" for a deleted article)."""
    rated = (
        events.filter(kind="help.article_rated")
        .annotate(article=JSONInteger("data", "article_id"))
        .filter(article__isnull=False)
        .values("article")
        .annotate(
            helpful=Count("id", filter=Q(JSONTruthy("data", "helpful"))),
            not_helpful=Count("id", filter=~Q(JSONTruthy("data", "helpful"))),
            title=Subquery(Article.objects.filter(pk=OuterRef("article")).values("title")[:1]),
        )
        .order_by()
    )
    return {
        row["article"]: (row["title"] or f"#{row['article']}", Ratings(**_counts_of(row)))
        for row in rated
    }


def _counts_of(row: dict) -> dict[str, int]:
    return {"helpful": row["helpful"], "not_helpful": row["not_helpful"]}
