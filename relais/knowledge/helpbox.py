"""The helpbox: the chat widget opening on self-care first (the dynamic FAQ
for the page, a search of the public help center), then the chat.

Every step is an Event with the widget's visitor id as `visitor`, the shape
the self-care KPIs (analytics/, docs/kpis.md) and the FAQ's job
(knowledge/faq_refresh.py) read: `helpbox.opened`, `helpbox.searched` (query,
result count, article ids), `helpbox.article_clicked` (the article, its
`source`, "faq" or "search", and for a search result the `search_event_id`)
and `helpbox.escalated` (to the chat). Page context (page URL, product,
journey step) rides along.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.urls import reverse

from relais.core.events import record_event
from relais.core.models import Event
from relais.knowledge.faq import top_articles
from relais.knowledge.index import PUBLIC, search_articles
from relais.knowledge.models import Article

SUGGESTIONS = 5
RESULTS = 6
QUERY_MAX = 200
CONTEXT_MAX = 300
# The widget's steps -> the click's source; "suggestion_clicked" is the name
# widgets loaded before `article_clicked` existed still send for a FAQ click.
CLICK_SOURCES = {"suggestion_clicked": "faq", "article_clicked": None}
SOURCES = ("faq", "search")


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
        visitor=visitor_id,
        locale=locale,
        suggestions=len(links),
        **asdict(context),
    )
    return links


@dataclass(frozen=True)
class HelpSearch:
    links: list[HelpLink]
    event_id: int  # the `helpbox.searched` Event, which a click names


def search_helpbox(visitor_id: str, query: str, *, locale: str, context: PageContext) -> HelpSearch:
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
    event = record_event(
        "helpbox.searched",
        visitor=visitor_id,
        locale=locale,
        query=query,
        results=len(links),
        article_ids=[link.article_id for link in links],
        **asdict(context),
    )
    return HelpSearch(links, event.pk)


def record_helpbox_step(
    visitor_id: str,
    step: str,
    *,
    article_id: int | None,
    context: PageContext,
    source: str | None = None,
    search_event_id: int | None = None,
) -> None:
    """`helpbox.article_clicked` (with the article and where it was listed) or
    `helpbox.escalated`. Raises ValueError for another step, a click without
    a known article, or a search click without its search."""
    data = {"visitor": visitor_id, **asdict(context)}
    if step == "escalated":
        record_event("helpbox.escalated", **data)
        return
    if step not in CLICK_SOURCES:
        raise ValueError(step)
    source = CLICK_SOURCES[step] or source
    if source not in SOURCES:
        raise ValueError("unknown source")
    if not Article.objects.filter(pk=article_id).exists():
        raise ValueError("unknown article")
    data.update(article_id=article_id, source=source)
    if source == "search":
        searched = Event.objects.filter(
            pk=search_event_id, kind="helpbox.searched", data__visitor=visitor_id
        )
        if search_event_id is None or not searched.exists():
            raise ValueError("unknown search")
        data["search_event_id"] = search_event_id
    record_event("helpbox.article_clicked", **data)
