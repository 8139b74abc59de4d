"""The dynamic FAQ's periodic job (run by `relais worker`): fold the new
self-care Events into daily counters (FaqSignal), then recompute every
context's ranking (FaqRank), so that a page asking for its FAQ reads a few
precomputed rows instead of scanning the Event log.

Safe with several workers: the fold advances a cursor with a conditional
UPDATE in the same transaction as the counters, so a batch another worker
already folded rolls back instead of counting twice.

The Events read, and the fields used (docs/knowledge.md lists them):
  help.article_viewed, helpbox.article_viewed      -> views
  help.result_clicked, help.faq_clicked,
  helpbox.article_clicked                          -> clicks
  helpbox.searched (the first of `article_ids`)     -> search_hits
  bot.answered (`article_id` or first `article_ids`) -> bot_answers
with `page_url` (help.* Events without one count on "/help/<locale>/"),
`product` and `journey_step` from the Event's data when present.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from relais.core.models import Event
from relais.knowledge.faq_ranking import (
    PATH_MAX,
    WINDOW_DAYS,
    ContextRule,
    Signal,
    page_path,
    score_signals,
    signals_for,
)
from relais.knowledge.models import Article, FaqContext, FaqCursor, FaqRank, FaqSignal

COUNTED = {
    "help.article_viewed": "views",
    "helpbox.article_viewed": "views",
    "help.result_clicked": "clicks",
    "help.faq_clicked": "clicks",
    "helpbox.article_clicked": "clicks",
    "helpbox.searched": "search_hits",
    "bot.answered": "bot_answers",
}
BATCH = 5000
MAX_BATCHES = 20  # per run; the next run carries on
# Events are only folded once this old, so that a transaction still open when
# the job runs cannot commit an Event below the cursor unseen.
SETTLE = timedelta(seconds=30)
RANKED_PER_CONTEXT = 50


class _LostRace(Exception):
    """Another worker folded this batch first."""


def refresh_faq() -> int:
    """The job: fold, then rank. Returns the number of Events folded."""
    folded = fold_new_events()
    rank_all()
    return folded


def fold_new_events(*, now=None) -> int:
    now = now or timezone.now()
    total = 0
    for _batch in range(MAX_BATCHES):
        try:
            done = _fold_batch(now - SETTLE)
        except _LostRace:
            return total
        total += done
        if done < BATCH:
            break
    return total


def _fold_batch(settled_before) -> int:
    cursor, _created = FaqCursor.objects.get_or_create(pk=1)
    events = list(
        Event.objects.filter(
            pk__gt=cursor.last_event_id, created_at__lt=settled_before, kind__in=COUNTED
        )
        .order_by("pk")
        .values_list("pk", "kind", "created_at", "data")[:BATCH]
    )
    if not events:
        return 0
    counts = _count(events)
    with transaction.atomic():
        moved = FaqCursor.objects.filter(pk=1, last_event_id=cursor.last_event_id).update(
            last_event_id=events[-1][0], refreshed_at=timezone.now()
        )
        if not moved:
            raise _LostRace
        for (day, locale, path, product, step, article_id, column), n in counts.items():
            key = dict(
                day=day,
                locale=locale,
                page_path=path,
                product=product,
                journey_step=step,
                article_id=article_id,
            )
            if not FaqSignal.objects.filter(**key).update(**{column: F(column) + n}):
                FaqSignal.objects.create(**key, **{column: n})
    return len(events)


def _count(events: list[tuple]) -> Counter:
    wanted = {article_id for _pk, _kind, _at, data in events if (article_id := _article(data))}
    locales = dict(Article.objects.filter(pk__in=wanted).values_list("pk", "locale"))
    counts: Counter = Counter()
    for _pk, kind, created_at, data in events:
        article_id = _article(data)
        if article_id not in locales:  # no article, or deleted since
            continue
        locale = locales[article_id]
        url = _text(data.get("page_url") or data.get("url"), PATH_MAX)
        if not url and kind.startswith("help."):
            url = f"/help/{locale}/"
        key = (
            timezone.localdate(created_at),
            locale,
            page_path(url),
            _text(data.get("product"), 120),
            _text(data.get("journey_step"), 60),
            article_id,
            COUNTED[kind],
        )
        counts[key] += 1
    return counts


def _article(data: dict) -> int | None:
    value = data.get("article_id")
    if value is None and isinstance(data.get("article_ids"), list) and data["article_ids"]:
        value = data["article_ids"][0]
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def load_signals(*, today=None) -> list[tuple[str, Signal]]:
    """(locale, signal) for the window's FaqSignal rows."""
    today = today or timezone.localdate()
    rows = FaqSignal.objects.filter(day__gte=today - timedelta(days=WINDOW_DAYS)).values_list(
        "article_id",
        "day",
        "locale",
        "page_path",
        "product",
        "journey_step",
        "views",
        "clicks",
        "bot_answers",
        "search_hits",
    )
    return [
        (locale, Signal(article_id, day, path, product, step, views, clicks, answers, hits))
        for article_id, day, locale, path, product, step, views, clicks, answers, hits in rows
    ]


def rule_of(context: FaqContext) -> ContextRule:
    return ContextRule(
        id=context.pk,
        locale=context.locale,
        page_pattern=context.page_pattern,
        product=context.product,
        journey_step=context.journey_step,
    )


def rank_all(*, today=None) -> int:
    """Every context's ranking and each language's overall one, replaced in
    one transaction (readers see the old ranking or the new one)."""
    today = today or timezone.localdate()
    by_locale: dict[str, list[Signal]] = {}
    for locale, signal in load_signals(today=today):
        by_locale.setdefault(locale, []).append(signal)
    rows = []
    for locale, signals in by_locale.items():
        rows += _rank_rows(None, locale, signals, today)
    for context in FaqContext.objects.all():
        signals = signals_for(rule_of(context), by_locale.get(context.locale, []))
        rows += _rank_rows(context.pk, context.locale, signals, today)
    with transaction.atomic():
        FaqRank.objects.all().delete()
        FaqRank.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def rank_context(context: FaqContext, *, today=None) -> None:
    """One context's ranking, right after a supervisor saved it."""
    today = today or timezone.localdate()
    signals = [signal for locale, signal in load_signals(today=today) if locale == context.locale]
    rows = _rank_rows(context.pk, context.locale, signals_for(rule_of(context), signals), today)
    with transaction.atomic():
        FaqRank.objects.filter(context=context).delete()
        FaqRank.objects.bulk_create(rows)


def _rank_rows(context_id, locale: str, signals: list[Signal], today) -> list[FaqRank]:
    return [
        FaqRank(
            context_id=context_id,
            locale=locale,
            article_id=score.article_id,
            score=score.score,
            **score.counts,
        )
        for score in score_signals(signals, today=today)[:RANKED_PER_CONTEXT]
    ]
