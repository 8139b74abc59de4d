"""The dynamic FAQ's pure core: which context a page belongs to, how the
customers' behaviour in it scores each article, and the final order once the
supervisors' pins and hides are applied. Plain data in, plain data out; the
database side is faq.py (reading) and faq_refresh.py (the periodic job)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

# Recent behaviour weighs more: a day's counts lose half their weight every
# HALF_LIFE_DAYS, and signals older than WINDOW_DAYS are no longer read
# (0.5 ** (90 / 14) is about 1 %).
HALF_LIFE_DAYS = 14.0
WINDOW_DAYS = 90
# What one event is worth: a click is a stronger vote than a view, because the
# customer chose this article among others (help-center result, helpbox
# suggestion); a bot answer means customers asked this very question.
WEIGHTS = {"views": 1.0, "clicks": 3.0, "bot_answers": 2.0, "search_hits": 1.0}
PATH_MAX = 200


@dataclass(frozen=True)
class ContextRule:
    """Where a FAQ context applies; an empty field matches anything."""

    id: int | None
    locale: str
    page_pattern: str = ""
    product: str = ""
    journey_step: str = ""

    @property
    def specificity(self) -> tuple[int, int]:
        given = sum(bool(part) for part in (self.page_pattern, self.product, self.journey_step))
        return (given, len(self.page_pattern))


@dataclass(frozen=True)
class Signal:
    """One day's counts for one article, in one place (a FaqSignal row)."""

    article_id: int
    day: date
    page_path: str = ""
    product: str = ""
    journey_step: str = ""
    views: int = 0
    clicks: int = 0
    bot_answers: int = 0
    search_hits: int = 0


@dataclass
class Score:
    """An article's decayed score in one context, with the raw counts behind it."""

    article_id: int
    score: float = 0.0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(WEIGHTS, 0))


def page_path(url: str) -> str:
    """The path of a page address, full URL or path alike, without its query:
    "https://shop.example/checkout/pay?x=1" -> "/checkout/pay"."""
    path = urlsplit(url.strip()).path if url else ""
    if path and not path.startswith("/"):
        path = "/" + path
    return path[:PATH_MAX]


def pattern_matches(pattern: str, path: str) -> bool:
    """A glob when it holds * ? or [ ("/checkout/*"), else a path prefix ("/help/")."""
    if not pattern:
        return True
    if any(char in pattern for char in "*?["):
        return fnmatch.fnmatchcase(path, pattern)
    return path.startswith(pattern)


def rule_matches(rule: ContextRule, path: str, product: str, journey_step: str) -> bool:
    return (
        pattern_matches(rule.page_pattern, path)
        and (not rule.product or rule.product.casefold() == product.casefold())
        and (not rule.journey_step or rule.journey_step.casefold() == journey_step.casefold())
    )


def best_context(
    rules: Iterable[ContextRule],
    *,
    locale: str,
    url: str,
    product: str = "",
    journey_step: str = "",
) -> ContextRule | None:
    """The most specific context of this locale that matches the page: the one
    with the most given fields, then the longest page pattern, then the oldest."""
    path = page_path(url)
    matching = [
        rule
        for rule in rules
        if rule.locale == locale and rule_matches(rule, path, product, journey_step)
    ]
    if not matching:
        return None
    return max(matching, key=lambda rule: (rule.specificity, -(rule.id or 0)))


def decay(age_days: int) -> float:
    return 0.5 ** (max(age_days, 0) / HALF_LIFE_DAYS)


def score_signals(signals: Iterable[Signal], *, today: date) -> list[Score]:
    """Articles by decayed score, best first (ties: the lower id first)."""
    scores: dict[int, Score] = {}
    for signal in signals:
        age = (today - signal.day).days
        if age > WINDOW_DAYS:
            continue
        entry = scores.setdefault(signal.article_id, Score(signal.article_id))
        weight = decay(age)
        for name, worth in WEIGHTS.items():
            count = getattr(signal, name)
            entry.counts[name] += count
            entry.score += weight * worth * count
    ranked = [entry for entry in scores.values() if entry.score > 0]
    return sorted(ranked, key=lambda entry: (-entry.score, entry.article_id))


def signals_for(rule: ContextRule, signals: Iterable[Signal]) -> list[Signal]:
    """The signals a context counts: those recorded on pages it matches."""
    return [
        signal
        for signal in signals
        if rule_matches(rule, signal.page_path, signal.product, signal.journey_step)
    ]


def final_order(
    *,
    pinned: Sequence[int],
    hidden: Iterable[int],
    ranked: Sequence[int],
    fallbacks: Sequence[Sequence[int]] = (),
    limit: int,
) -> list[int]:
    """Pins first in their order, then the ranking, then each fallback in turn
    (cold start), without hidden articles or repeats, at most `limit`."""
    hidden_ids = set(hidden)
    order: list[int] = []
    for group in (pinned, ranked, *fallbacks):
        for article_id in group:
            if len(order) >= limit:
                return order
            if article_id not in hidden_ids and article_id not in order:
                order.append(article_id)
    return order
