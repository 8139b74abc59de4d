"""The self-care KPIs counted by the database: the same figures as the pure
`selfcare_report` (docs/kpis.md), in four aggregate queries whatever the
length of the period, so that memory does not grow with the Events read.

Each definition of selfcare.py has its SQL twin here: a session is the
visitor (a non-empty JSON string) or else the conversation (SessionKey); a search had a
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
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
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


class SessionKey(Func):
    """EventRow.session in SQL: 'visitor:<id>' for a non-empty visitor
    string, else 'conversation:<id>', else NULL. One expression, so each
    row's JSON is read once however many figures group by it."""

    output_field = CharField()
    template = "COALESCE('visitor:' || %(expressions)s)"
    arg_joiner = ", 'conversation:' || "

    def __init__(self) -> None:
        super().__init__(NullIf(JSONString("data", "visitor"), Value("")), F("conversation_id"))


IS_VISITOR = Q(session__startswith="visitor:")


def period_events(start: datetime, end: datetime, locale: str | None) -> QuerySet[Event]:
    """The self-care Events read (the (kind, created_at) index), each with
    its `session`."""
    events = Event.objects.filter(
        kind__in=SELF_CARE_KINDS, created_at__gte=start, created_at__lt=end
    )
    if locale:
        events = events.filter(data__locale=locale)
    return events.annotate(session=SessionKey())


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


def _flag(condition: Q) -> Max:
    """1 when any of the session's rows meets `condition`, else 0."""
    return Max(Case(When(condition, then=Value(1)), default=Value(0)))


def _counts(events: QuerySet[Event]) -> SelfCareReport:
    """Everything but the entry points, gaps and ratings, in one query: a
    subquery of one row per session (its flags and counts; the Events
    without a session make one more row, whose Events count, not it), summed."""
    clicked = events.filter(kind__in=CLICKS).values(sid=JSONInteger("data", "search_event_id"))
    answered = Q(kind__in=SEARCHED) & HAD_RESULT
    per_session = events.values("session").annotate(
        help_rows=_flag(Q(kind__startswith="help.")),
        faq_user=_flag(FAQ_CLICK),
        escalated=_flag(Q(kind__in=ESCALATED)),
        views=Count("id", filter=Q(kind__in=VIEWED)),
        searches=Count("id", filter=Q(kind__in=SEARCHED)),
        answered=Count("id", filter=answered),
        clicked=Count("id", filter=answered & Q(id__in=Subquery(clicked))),
        opens=Count("id", filter=Q(kind="helpbox.opened")),
        escalations=Count("id", filter=Q(kind="helpbox.escalated")),
    )
    in_session = Q(session__isnull=False)
    row = per_session.aggregate(
        sessions=Count("session"),
        visitors=Count("session", filter=IS_VISITOR),
        help_center_visitors=Sum("help_rows", filter=IS_VISITOR),
        faq_users=Sum("faq_user", filter=in_session),
        escalated_sessions=Sum("escalated", filter=in_session),
        article_views=Sum("views"),
        all_searches=Sum("searches"),
        searches_with_result=Sum("answered"),
        clicked_searches=Sum("clicked"),
        helpbox_opens=Sum("opens"),
        helpbox_escalations=Sum("escalations"),
    )
    row = {key: value or 0 for key, value in row.items()}
    searches = row.pop("all_searches")
    return SelfCareReport(
        **row, searches=searches, searches_without_result=searches - row["searches_with_result"]
    )


def _entry_points(events: QuerySet[Event]) -> dict[str, int]:
    """Sessions per source of their first Event of the period (by time, then
    id, as the in-memory sort keeps them)."""
    first = (
        events.filter(session__isnull=False)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("session")],
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
