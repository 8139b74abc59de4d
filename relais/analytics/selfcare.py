"""Self-care KPIs: pure functions on plain Event rows (no database). The exact
definitions, and which Events each one reads, are in docs/kpis.md; the names
here follow it.

A *self-care session* is a help-center or helpbox visitor (the `visitor` of
their Events) or, for the bot, its conversation. Rates are None when their
denominator is zero (a dashboard shows "—", never a made-up 0 %).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

SEARCHED = ("help.searched", "helpbox.searched")
VIEWED = ("help.article_viewed", "helpbox.article_viewed")
ESCALATED = ("help.escalated", "helpbox.escalated", "bot.handed_over")
ENTRY_POINTS = {"help": "help_center", "helpbox": "helpbox", "bot": "bot"}
GAPS_SHOWN = 20


@dataclass(frozen=True)
class EventRow:
    kind: str
    at: datetime
    data: dict
    conversation_id: int | None = None
    id: int | None = None

    @property
    def session(self) -> str | None:
        visitor = self.data.get("visitor")
        if isinstance(visitor, str) and visitor:
            return f"visitor:{visitor}"
        return f"conversation:{self.conversation_id}" if self.conversation_id else None

    @property
    def source(self) -> str:
        return ENTRY_POINTS.get(self.kind.split(".", 1)[0], "")


@dataclass
class Ratings:
    helpful: int = 0
    not_helpful: int = 0

    @property
    def helpful_share(self) -> float | None:
        return ratio(self.helpful, self.helpful + self.not_helpful)


@dataclass
class SelfCareReport:
    help_center_visitors: int = 0
    sessions: int = 0
    article_views: int = 0
    searches: int = 0
    searches_without_result: int = 0
    searches_with_result: int = 0
    clicked_searches: int = 0
    faq_users: int = 0
    visitors: int = 0
    helpbox_opens: int = 0
    helpbox_escalations: int = 0
    escalated_sessions: int = 0
    entry_points: dict[str, int] = field(default_factory=dict)
    content_gaps: list[tuple[str, int]] = field(default_factory=list)
    ratings: dict[int, Ratings] = field(default_factory=dict)

    @property
    def no_result_rate(self) -> float | None:
        return ratio(self.searches_without_result, self.searches)

    @property
    def click_through_rate(self) -> float | None:
        return ratio(self.clicked_searches, self.searches_with_result)

    @property
    def faq_usage(self) -> float | None:
        return ratio(self.faq_users, self.visitors)

    @property
    def escalation_rate(self) -> float | None:
        return ratio(self.escalated_sessions, self.sessions)

    @property
    def helpful_share(self) -> float | None:
        helpful = sum(r.helpful for r in self.ratings.values())
        return ratio(helpful, helpful + sum(r.not_helpful for r in self.ratings.values()))


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def in_locale(rows: Iterable[EventRow], locale: str | None) -> list[EventRow]:
    """Rows of one language (Events without a locale count for none), or all."""
    return list(rows) if not locale else [row for row in rows if row.data.get("locale") == locale]


def normalise_query(query: str) -> str:
    return " ".join(str(query).casefold().split())


def search_had_result(row: EventRow) -> bool:
    if "results" in row.data:
        return bool(row.data["results"])
    return bool(row.data.get("article_ids"))


def is_faq_click(row: EventRow) -> bool:
    return row.kind == "help.faq_clicked" or (
        row.kind == "helpbox.article_clicked" and row.data.get("source") == "faq"
    )


def is_result_click(row: EventRow) -> bool:
    return row.kind in ("help.result_clicked", "helpbox.article_clicked") and bool(
        row.data.get("search_event_id")
    )


def selfcare_report(rows: Iterable[EventRow]) -> SelfCareReport:
    """Every self-care KPI over these rows (one period, one language or all)."""
    rows = sorted(rows, key=lambda row: row.at)
    report = SelfCareReport()
    gaps: Counter = Counter()
    answered_searches: set = set()
    clicked_searches: set = set()
    for row in rows:
        _count(report, row, gaps, answered_searches)
        if is_result_click(row):
            clicked_searches.add(row.data["search_event_id"])
    _count_sessions(report, rows)
    report.clicked_searches = len(clicked_searches & answered_searches)
    report.content_gaps = sorted(gaps.items(), key=lambda item: (-item[1], item[0]))[:GAPS_SHOWN]
    return report


def _count(report: SelfCareReport, row: EventRow, gaps: Counter, answered: set) -> None:
    if row.kind in VIEWED:
        report.article_views += 1
    elif row.kind in SEARCHED:
        report.searches += 1
        if search_had_result(row):
            report.searches_with_result += 1
            answered.add(row.id)
        else:
            report.searches_without_result += 1
            if query := normalise_query(row.data.get("query", "")):
                gaps[query] += 1
    elif row.kind == "helpbox.opened":
        report.helpbox_opens += 1
    elif row.kind == "helpbox.escalated":
        report.helpbox_escalations += 1
    elif row.kind == "help.article_rated" and isinstance(row.data.get("article_id"), int):
        ratings = report.ratings.setdefault(row.data["article_id"], Ratings())
        if row.data.get("helpful"):
            ratings.helpful += 1
        else:
            ratings.not_helpful += 1


def _count_sessions(report: SelfCareReport, rows: list[EventRow]) -> None:
    """Sessions, visitors, FAQ users, escalations and each session's entry
    point (the source of its first Event in the period)."""
    first_source: dict[str, str] = {}
    help_visitors, faq_users, escalated = set(), set(), set()
    for row in rows:
        session = row.session
        if not session:
            continue
        first_source.setdefault(session, row.source)
        if row.source == "help_center" and session.startswith("visitor:"):
            help_visitors.add(session)
        if row.kind in ESCALATED:
            escalated.add(session)
        if is_faq_click(row):
            faq_users.add(session)
    report.sessions = len(first_source)
    report.visitors = sum(session.startswith("visitor:") for session in first_source)
    report.help_center_visitors = len(help_visitors)
    report.faq_users = len(faq_users)
    report.escalated_sessions = len(escalated)
    report.entry_points = dict(Counter(first_source.values()))
