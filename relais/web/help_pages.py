"""What the help center's templates show beside the article itself: language
links, canonical and hreflang addresses, related articles, search results."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from relais.connectors.models import Inbox
from relais.core.models import Event
from relais.knowledge.index import PUBLIC, search_articles
from relais.knowledge.models import Article, ArticleFeedback
from relais.knowledge.queries import public_articles_by_ids

RELATED_LIMIT = 4
DESCRIPTION_LENGTH = 160


def int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def language_links(request: HttpRequest, url_name: str) -> list[dict]:
    """The page in each language (for the switch and hreflang)."""
    return [
        {
            "code": code,
            "url": request.build_absolute_uri(reverse(url_name, args=[code])),
            "current": code == request.LANGUAGE_CODE,
        }
        for code, _name in settings.LANGUAGES
    ]


def article_context(request: HttpRequest, article: Article, translations: list[Article]) -> dict:
    lang = article.locale
    by_language = {other.locale: other for other in translations}
    by_language[lang] = article
    languages = [
        {
            "code": code,
            "url": request.build_absolute_uri(
                reverse("help:article", args=[code, by_language[code].slug])
                if code in by_language
                else reverse("help:home", args=[code])
            ),
            "current": code == lang,
            "translated": code in by_language,
        }
        for code, _name in settings.LANGUAGES
    ]
    return {
        "article": article,
        "description": Truncator(strip_tags(article.body_html)).chars(DESCRIPTION_LENGTH),
        "canonical": next(link["url"] for link in languages if link["current"]),
        "languages": languages,
        "translations": translations,
        "related": related_articles(article),
        "already_rated": ArticleFeedback.objects.filter(
            article=article, visitor_id=request.help_visitor
        ).exists(),
        "contact_href": reverse("help:escalate", args=[lang]) + f"?article={article.pk}",
    }


def related_articles(article: Article) -> list[Article]:
    """Other public articles the search finds for this one's title."""
    found = search_articles(
        article.title, audience=PUBLIC, locale=article.locale, limit=RELATED_LIMIT + 1
    )
    ids = [int(c.document_id) for c in found if int(c.document_id) != article.pk]
    return public_articles_by_ids(ids[:RELATED_LIMIT]) if ids else []


def search_context(request: HttpRequest, query: str, results: list[Article], event: Event) -> dict:
    lang = request.LANGUAGE_CODE
    return {
        "query": query,
        "results": [
            {
                "article": result,
                "href": reverse("help:article", args=[lang, result.slug])
                + f"?search={event.pk}&rank={rank}",
                "excerpt": Truncator(strip_tags(result.body_html)).chars(DESCRIPTION_LENGTH),
            }
            for rank, result in enumerate(results, start=1)
        ],
        "languages": language_links(request, "help:home"),
        "contact_href": reverse("help:escalate", args=[lang]) + "?" + urlencode({"q": query}),
    }


def contact_url() -> str | None:
    """The contact form "Contact us" leads to (RELAIS_HELP_CONTACT_URL, else the
    form of the first active e-mail inbox)."""
    if settings.RELAIS_HELP_CONTACT_URL:
        return settings.RELAIS_HELP_CONTACT_URL
    inbox = Inbox.objects.filter(kind="email", is_active=True).order_by("pk").first()
    return reverse("webform:form", args=[inbox.public_key]) if inbox else None
