"""The public help center under /help/<lang>/: no login, published public
articles only (anything else is a 404, whatever the URL), every page view,
search, result click, vote and "contact us" appended to the Event log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from relais.knowledge import actions
from relais.knowledge.errors import KnowledgeError
from relais.knowledge.faq import top_articles
from relais.knowledge.index import PUBLIC, search_articles
from relais.knowledge.queries import (
    public_article,
    public_articles,
    public_articles_by_ids,
    public_categories,
    public_category,
    public_translations,
)
from relais.web.help_pages import (
    article_context,
    contact_url,
    int_param,
    language_links,
    search_context,
)
from relais.web.help_visitors import (
    client_hash,
    help_page,
    preferred_language,
    record_help_event,
)

SEARCH_LIMIT = 20
FAQ_LIMIT = 5


@require_GET
def help_root(request: HttpRequest) -> HttpResponse:
    return redirect("help:home", lang=preferred_language(request))


@require_GET
@help_page
def home(request: HttpRequest, lang: str) -> HttpResponse:
    if request.GET.get("lang", lang) != lang:
        return redirect("help:home", lang=preferred_language(request))
    context = {
        "faq": top_articles(locale=lang, page_url=request.path, limit=FAQ_LIMIT),
        "categories": public_categories(lang),
        "recent": public_articles(lang).order_by("-published_at")[:6],
        "languages": language_links(request, "help:home"),
    }
    return render(request, "web/help/home.html", context)


@require_GET
@help_page
def category(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    shown = public_category(lang, slug)
    context = {
        "category": shown,
        "articles": public_articles(lang).filter(category=shown).order_by("title"),
        "languages": language_links(request, "help:home"),
    }
    return render(request, "web/help/category.html", context)


@require_GET
@help_page
def search(request: HttpRequest, lang: str) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:200]
    if not query:
        return redirect("help:home", lang=lang)
    candidates = search_articles(query, audience=PUBLIC, locale=lang, limit=SEARCH_LIMIT)
    results = public_articles_by_ids([int(c.document_id) for c in candidates])
    event = record_help_event(request, "help.searched", query=query, results=len(results))
    return render(request, "web/help/search.html", search_context(request, query, results, event))


@require_GET
@help_page
def article(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    shown = public_article(lang, slug)
    if search_id := int_param(request, "search"):
        record_help_event(
            request,
            "help.result_clicked",
            article_id=shown.pk,
            search_event_id=search_id,
            rank=int_param(request, "rank"),
        )
    if faq_rank := int_param(request, "faq"):
        record_help_event(request, "help.faq_clicked", article_id=shown.pk, rank=faq_rank)
    record_help_event(request, "help.article_viewed", article_id=shown.pk)
    translations = public_translations(shown)
    return render(request, "web/help/article.html", article_context(request, shown, translations))


@require_POST
@help_page
def rate(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    shown = public_article(lang, slug)
    helpful = request.POST.get("helpful")
    if helpful not in ("yes", "no"):
        return HttpResponse(_("Choose yes or no."), status=400)
    try:
        actions.record_feedback(
            shown,
            helpful=helpful == "yes",
            comment=request.POST.get("comment", ""),
            visitor_id=request.help_visitor,
            locale=lang,
            client_hash=client_hash(request),
        )
    except KnowledgeError as error:
        messages.error(request, str(error))
        if error.status == 429:
            return HttpResponse(str(error), status=429)
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect(reverse("help:article", args=[lang, slug]) + "#feedback")


@require_GET
@help_page
def escalate(request: HttpRequest, lang: str) -> HttpResponse:
    """ "Contact us": counted as a self-care failure, then on to the contact form."""
    record_help_event(
        request,
        "help.escalated",
        article_id=int_param(request, "article"),
        query=request.GET.get("q", "")[:200],
    )
    return redirect(contact_url() or reverse("help:home", args=[lang]))


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    articles = public_articles().only("slug", "locale", "updated_at").order_by("locale", "slug")
    homes = [reverse("help:home", args=[code]) for code, _name in settings.LANGUAGES]
    entries = [(request.build_absolute_uri(url), None) for url in homes] + [
        (request.build_absolute_uri(reverse("help:article", args=[a.locale, a.slug])), a.updated_at)
        for a in articles
    ]
    return render(
        request, "web/help/sitemap.xml", {"entries": entries}, content_type="application/xml"
    )
