"""The dynamic FAQ: the top questions for a page, product and journey step.

`top_articles()` is called on every help-center home and helpbox opening, so
it reads precomputed rows only (three or four queries, whatever the traffic):
the contexts of the language, the chosen context's pins and hides, its
ranking and the language's overall ranking (faq_refresh.py writes both from
the Event log), and, only when all that is still short of `limit`, the latest
published articles (the cold start of a brand-new site).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from relais.knowledge.faq_ranking import best_context, final_order
from relais.knowledge.faq_refresh import rule_of
from relais.knowledge.models import (
    Article,
    ArticleStatus,
    FaqContext,
    FaqPlacement,
    FaqRank,
    PlacementKind,
    Visibility,
)


@dataclass(frozen=True)
class FaqEntry:
    article_id: int
    title: str
    url: str  # the article's help-center path, e.g. /help/fr/a/annuler-ma-commande/
    score: float  # the decayed ranking score; 0 for pins and cold-start fillers


def find_context(
    *, locale: str, page_url: str = "", product: str = "", journey_step: str = ""
) -> FaqContext | None:
    """The most specific FAQ context of this language matching the page."""
    contexts = {context.pk: context for context in FaqContext.objects.filter(locale=locale)}
    rule = best_context(
        (rule_of(context) for context in contexts.values()),
        locale=locale,
        url=page_url,
        product=product,
        journey_step=journey_step,
    )
    return contexts[rule.id] if rule else None


def top_articles(
    *,
    locale: str,
    page_url: str = "",
    product: str = "",
    journey_step: str = "",
    limit: int = 5,
) -> list[FaqEntry]:
    """The FAQ for this context: pinned articles first, then the most asked and
    clicked ones there, then the language's most asked, then the newest; never
    a hidden, internal or unpublished article."""
    if limit <= 0:
        return []
    context = find_context(
        locale=locale, page_url=page_url, product=product, journey_step=journey_step
    )
    articles: dict[int, Article] = {}
    pinned: list[int] = []
    hidden: list[int] = []
    if context is not None:
        for placement in _placements(context):
            articles[placement.article_id] = placement.article
            (pinned if placement.kind == PlacementKind.PIN else hidden).append(placement.article_id)
    ranked, overall, scores = [], [], {}
    for rank in _ranks(locale, context):
        articles[rank.article_id] = rank.article
        scores.setdefault(rank.article_id, rank.score)
        (overall if rank.context_id is None else ranked).append(rank.article_id)
    order = final_order(
        pinned=pinned, hidden=hidden, ranked=ranked, fallbacks=[overall], limit=limit
    )
    if len(order) < limit:
        newest = list(_public(locale).exclude(pk__in=[*order, *hidden]).order_by("-published_at"))
        articles.update((article.pk, article) for article in newest[: limit - len(order)])
        order = final_order(pinned=order, hidden=hidden, ranked=[a.pk for a in newest], limit=limit)
    return [
        FaqEntry(
            article_id=article_id,
            title=articles[article_id].title,
            url=reverse("help:article", args=[locale, articles[article_id].slug]),
            score=scores.get(article_id, 0.0) if article_id not in pinned else 0.0,
        )
        for article_id in order
        if article_id in articles
    ]


def _public(locale: str):
    return Article.objects.filter(
        status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC, locale=locale
    ).only("title", "slug")


def _placements(context: FaqContext) -> list[FaqPlacement]:
    """Pins of public articles in order, and every hide (a hidden article that
    became internal stays hidden)."""
    shown = Q(article__status=ArticleStatus.PUBLISHED, article__visibility=Visibility.PUBLIC)
    return list(
        FaqPlacement.objects.filter(context=context)
        .filter(shown | Q(kind=PlacementKind.HIDE))
        .select_related("article")
        .only("kind", "position", "article_id", "article__title", "article__slug")
        .order_by("kind", "position", "id")
    )


def _ranks(locale: str, context: FaqContext | None) -> list[FaqRank]:
    scope = Q(context__isnull=True)
    if context is not None:
        scope |= Q(context=context)
    return list(
        FaqRank.objects.filter(scope, locale=locale)
        .filter(article__status=ArticleStatus.PUBLISHED, article__visibility=Visibility.PUBLIC)
        .select_related("article")
        .only("context_id", "score", "article_id", "article__title", "article__slug")
        .order_by("-score", "article_id")
    )
