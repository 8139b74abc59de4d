"""Reading the knowledge base: what each audience may see, loaded in a fixed
number of queries whatever the number of articles."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from relais.knowledge.models import (
    Article,
    ArticleQuestion,
    ArticleStatus,
    Category,
    Visibility,
)


def articles_with_details() -> QuerySet[Article]:
    return Article.objects.select_related("category").prefetch_related(
        Prefetch("questions", queryset=ArticleQuestion.objects.order_by("position"))
    )


def get_article_details(article_id: int) -> Article:
    """Any article (agents read them all), with `translation_ids` {locale: id}."""
    article = articles_with_details().filter(pk=article_id).first()
    if article is None:
        raise Http404(article_id)
    article.translation_ids = translations_of(article)
    return article


def translations_of(article: Article, *, public_only: bool = False) -> dict[str, int]:
    others = Article.objects.filter(translation_group=article.translation_group).exclude(
        pk=article.pk
    )
    if public_only:
        others = others.filter(status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC)
    return dict(others.values_list("locale", "pk"))


def public_articles(locale: str | None = None) -> QuerySet[Article]:
    """What the help center shows: published, public. Never anything else."""
    articles = Article.objects.filter(status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC)
    return articles.filter(locale=locale) if locale else articles


def public_article(locale: str, slug: str) -> Article:
    article = public_articles(locale).select_related("category").filter(slug=slug).first()
    if article is None:
        raise Http404(slug)
    return article


def public_translations(article: Article) -> list[Article]:
    """The public translations of a public article (for hreflang and the link)."""
    return list(
        public_articles()
        .filter(translation_group=article.translation_group)
        .exclude(pk=article.pk)
        .only("slug", "locale", "title")
    )


def public_categories(locale: str) -> list[Category]:
    """Categories of this language with at least one public article, with their count."""
    shown = Q(articles__status=ArticleStatus.PUBLISHED, articles__visibility=Visibility.PUBLIC)
    return list(
        Category.objects.filter(locale=locale)
        .annotate(article_count=Count("articles", filter=shown))
        .filter(article_count__gt=0)
    )


def public_category(locale: str, slug: str) -> Category:
    category = Category.objects.filter(locale=locale, slug=slug).first()
    if category is None:
        raise Http404(slug)
    return category


def public_articles_by_ids(ids: list[int]) -> list[Article]:
    """Public articles in the order of `ids` (search results), missing ones dropped."""
    found = public_articles().select_related("category").in_bulk(ids)
    return [found[i] for i in ids if i in found]
