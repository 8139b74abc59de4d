"""The agent-assist panel of the conversation page: loaded as a fragment after
the page (htmx), searchable, and the insertion endpoint its script calls."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from relais.knowledge.assist import insert_article, suggest_articles
from relais.knowledge.errors import KnowledgeError
from relais.web.conversation_views import visible_conversation_or_404


@require_GET
@login_required
def assist_panel(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = visible_conversation_or_404(request.user, conversation_id)
    query = " ".join(request.GET.get("q", "").split())[:200]
    context = {
        "conversation": conversation,
        "query": query,
        "source": "searched" if query else "suggested",
        "suggestions": suggest_articles(conversation, query=query),
    }
    return render(request, "web/_assist_panel.html", context)


@require_POST
@login_required
def assist_insert(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """{"text": ...} to put into the reply box; 400 {"error": ...} when refused."""
    conversation = visible_conversation_or_404(request.user, conversation_id)
    article_id = request.POST.get("article", "")
    try:
        text = insert_article(
            conversation,
            int(article_id) if article_id.isdigit() and len(article_id) < 12 else 0,
            mode=request.POST.get("mode", ""),
            agent=request.user,
            site_url=request.build_absolute_uri("/"),
            source=request.POST.get("source", "suggested"),
            rank=_rank(request.POST.get("rank", "")),
        )
    except KnowledgeError as error:
        return JsonResponse({"error": str(error)}, status=error.status)
    return JsonResponse({"text": text})


def _rank(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 4 else None
