"""The knowledge page of the console: every agent reads the base (internal
articles included); supervisors and admins create and edit articles, with the
version history and a diff between versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from relais.knowledge import actions
from relais.knowledge.errors import KnowledgeError
from relais.knowledge.models import ArticleStatus, ArticleVersion
from relais.knowledge.queries import articles_with_details, get_article_details
from relais.knowledge.rendering import diff_lines
from relais.web.knowledge_forms import ArticleForm
from relais.web.supervisor_views import supervisor_required

LIST_LIMIT = 200


@require_GET
@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    articles = articles_with_details().order_by("-updated_at")
    if q := request.GET.get("q", "").strip()[:200]:
        articles = articles.filter(Q(title__icontains=q) | Q(body__icontains=q))
    if (status := request.GET.get("status", "")) in ("draft", "published", "archived"):
        articles = articles.filter(status=status)
    context = {
        "articles": articles[:LIST_LIMIT],
        "q": q,
        "status": status,
        "status_choices": ArticleStatus.choices,
    }
    return render(request, "web/knowledge/list.html", context)


@require_http_methods(["GET", "POST"])
@supervisor_required
def article_new(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, initial={"locale": "fr", "status": "draft"})
    if request.method == "POST" and form.is_valid():
        try:
            article = actions.create_article(**form.creation_fields(), author=request.user)
        except KnowledgeError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("Article created."))
            return redirect("web:knowledge_article", article_id=article.pk)
    return render(request, "web/knowledge/edit.html", {"form": form, "article": None})


@require_http_methods(["GET", "POST"])
@supervisor_required
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_article_details(article_id)
    form = (
        ArticleForm(request.POST) if request.method == "POST" else ArticleForm.for_article(article)
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_article(article, form.changes(), author=request.user)
        except KnowledgeError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("Article saved."))
            return redirect("web:knowledge_article", article_id=article.pk)
    return render(request, "web/knowledge/edit.html", {"form": form, "article": article})


@require_GET
@login_required
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_article_details(article_id)
    versions = list(article.versions.select_related("author").order_by("-number"))
    return render(request, "web/knowledge/detail.html", {"article": article, "versions": versions})


@require_GET
@login_required
def article_diff(request: HttpRequest, article_id: int) -> HttpResponse:
    """The diff from version ?from= to ?to= (default: the two latest)."""
    article = get_article_details(article_id)
    newer = _version(article_id, request.GET.get("to"), default=article.version)
    older = _version(article_id, request.GET.get("from"), default=max(newer.number - 1, 1))
    lines = diff_lines(
        f"{older.title}\n\n{older.body}",
        f"{newer.title}\n\n{newer.body}",
        old_label=f"v{older.number}",
        new_label=f"v{newer.number}",
    )
    context = {"article": article, "older": older, "newer": newer, "lines": lines}
    return render(request, "web/knowledge/diff.html", context)


def _version(article_id: int, number: str | None, *, default: int) -> ArticleVersion:
    wanted = int(number) if number and number.isdigit() and len(number) < 9 else default
    return get_object_or_404(ArticleVersion, article_id=article_id, number=wanted)
