"""The helpbox: the chat widget opening on self-care first (the dynamic FAQ
for the page, a search of the public help center), then the chat.

Every step is an Event for the self-care KPIs, with the widget's visitor id:
`helpbox.opened`, `helpbox.searched` (query, result count, article ids),
`helpbox.suggestion_clicked` and `helpbox.escalated` (to the chat). Page
context (page URL, product, journey step) rides along, as the FAQ's job reads
it (knowledge/faq_refresh.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.urls import reverse

from relais.core.events import record_event
from relais.knowledge.faq import top_articles
from relais.knowledge.index import PUBLIC, search_articles
from relais.knowledge.models import Article

SUGGESTIONS = 5
RESULTS = 6
QUERY_MAX = 200
CONTEXT_MAX = 300
CLICKABLE = ("suggestion_clicked", "escalated")


@dataclass(frozen=True)
class PageContext:
    page_url: str = ""
    product: str = ""
    journey_step: str = ""

    @classmethod
    def clean(cls, page_url: object, product: object, journey_step: object) -> PageContext:
        def text(value: object) -> str:
            return value.strip()[:CONTEXT_MAX] if isinstance(value, str) else ""

        return cls(text(page_url), text(product), text(journey_step))


@dataclass(frozen=True)
class HelpLink:
    article_id: int
    title: str
    url: str


def open_helpbox(visitor_id: str, *, locale: str, context: PageContext) -> list[HelpLink]:
    """The FAQ for the page the widget is on; records `helpbox.opened`."""
    entries = top_articles(locale=locale, limit=SUGGESTIONS, **asdict(context))
    links = [HelpLink(e.article_id, e.title, e.url) for e in entries]
    record_event(
        "helpbox.opened",
        visitor_id=visitor_id,
        locale=locale,
        suggestions=len(links),
        **asdict(context),
    )
    return links


def search_helpbox(
    visitor_id: str, query: str, *, locale: str, context: PageContext
) -> list[HelpLink]:
    """Public help-center articles for `query`, through the help center's
    index; records `helpbox.searched` with the result count."""
    query = " ".join((query or "").split())[:QUERY_MAX]
    found = search_articles(query, audience=PUBLIC, locale=locale, limit=RESULTS) if query else []
    slugs = dict(
        Article.objects.filter(pk__in=[c.document_id for c in found]).values_list("pk", "slug")
    )
    links = [
        HelpLink(
            int(c.document_id),
            c.title,
            reverse("help:article", args=[locale, slugs[c.document_id]]),
        )
        for c in found
        if c.document_id in slugs
    ]
    record_event(
        "helpbox.searched",
        visitor_id=visitor_id,
        locale=locale,
        query=query,
        results=len(links),
        article_ids=[link.article_id for link in links],
        **asdict(context),
    )
    return links


def record_helpbox_step(
    visitor_id: str, step: str, *, article_id: int | None, context: PageContext
) -> None:
    """`helpbox.suggestion_clicked` (with the article) or `helpbox.escalated`.
    Raises ValueError for another step or a click without an article."""
    if step not in CLICKABLE:
        raise ValueError(step)
    data = {"visitor_id": visitor_id, **asdict(context)}
    if step == "suggestion_clicked":
        if not Article.objects.filter(pk=article_id).exists():
            raise ValueError("unknown article")
        data["article_id"] = article_id
    record_event(f"helpbox.{step}", **data)
