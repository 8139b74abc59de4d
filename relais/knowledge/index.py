"""The Django side of search: published articles as retrieval Documents, and
one built index per audience kept per process.

Several processes serve the same database, so the in-memory index is only a
cache: each search first reads a stamp of the articles table (count and latest
update, one small aggregate query) and rebuilds when it moved. Every change goes
through an action or the admin, both of which bump `updated_at`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch

from relais.knowledge.models import Article, ArticleQuestion, ArticleStatus, Visibility
from relais.knowledge.retrieval import Candidate, Document, build_index

PUBLIC = "public"  # the help center: published public articles
AGENTS = "agents"  # the console and the bot's agent assist: internal ones too
AUDIENCES = {PUBLIC: [Visibility.PUBLIC], AGENTS: [Visibility.PUBLIC, Visibility.INTERNAL]}

__all__ = ["AGENTS", "PUBLIC", "Candidate", "Document", "search_articles", "documents_for"]


@dataclass
class _Built:
    stamp: tuple
    index: Any


_built: dict[str, _Built] = {}
_lock = threading.Lock()


def knowledge_stamp() -> tuple:
    """Changes whenever an article is created, changed or deleted."""
    row = Article.objects.aggregate(count=Count("id"), last=Max("updated_at"))
    return (row["count"], row["last"])


def documents_for(audience: str) -> list[Document]:
    articles = Article.objects.filter(
        status=ArticleStatus.PUBLISHED, visibility__in=AUDIENCES[audience]
    ).prefetch_related(Prefetch("questions", queryset=ArticleQuestion.objects.only("text")))
    return [
        Document(
            id=article.pk,
            locale=article.locale,
            title=article.title,
            body=article.body,
            questions=[question.text for question in article.questions.all()],
            visibility=article.visibility,
        )
        for article in articles.only("title", "body", "locale", "visibility")
    ]


def current_index(audience: str):
    """The audience's index, rebuilt if the articles changed since it was built."""
    stamp = knowledge_stamp()
    built = _built.get(audience)
    if built is not None and built.stamp == stamp:
        return built.index
    with _lock:
        built = _built.get(audience)
        if built is None or built.stamp != stamp:
            built = _Built(stamp, build_index(documents_for(audience)))
            _built[audience] = built
    return built.index


def search_articles(
    query: str, *, audience: str, locale: str | None = None, limit: int = 10
) -> list[Candidate]:
    if not query.strip():
        return []
    return current_index(audience).search(query, locale=locale, limit=limit)


def forget_indexes() -> None:
    """Drop the cached indexes (tests roll back articles with their transaction,
    which can leave a stamp equal to an earlier one)."""
    with _lock:
        _built.clear()
