"""The console's FAQ page (supervisors and admins): the FAQ contexts, each
with its ranking and the counts behind it, pins in order and hides."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relais.knowledge import faq_editing
from relais.knowledge.errors import KnowledgeError
from relais.knowledge.faq import top_articles
from relais.knowledge.models import (
    Article,
    FaqContext,
    FaqPlacement,
    FaqRank,
    Locale,
    PlacementKind,
)
from relais.web.supervisor_views import supervisor_required

CHOICES_LIMIT = 500


class FaqContextForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    locale = forms.ChoiceField(label=gettext_lazy("Language"), choices=Locale.choices)
    page_pattern = forms.CharField(
        label=gettext_lazy("Page address (prefix, or pattern with *)"),
        max_length=200,
        required=False,
    )
    product = forms.CharField(label=gettext_lazy("Product"), max_length=120, required=False)
    journey_step = forms.CharField(
        label=gettext_lazy("Journey step"), max_length=60, required=False
    )


@require_GET
@supervisor_required
def context_list(request: HttpRequest) -> HttpResponse:
    contexts = FaqContext.objects.order_by("locale", "name")
    return render(request, "web/knowledge/faq_list.html", {"contexts": contexts})


@require_http_methods(["GET", "POST"])
@supervisor_required
def context_edit(request: HttpRequest, context_id: int | None = None) -> HttpResponse:
    context = get_object_or_404(FaqContext, pk=context_id) if context_id else None
    initial = {"locale": "fr"} if context is None else _initial(context)
    form = FaqContextForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = faq_editing.save_faq_context(context, **form.cleaned_data, actor=request.user)
        except KnowledgeError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("FAQ context saved."))
            return redirect("web:faq_context", context_id=saved.pk)
    page = {"form": form, "context": context, **(_ranking(context) if context else {})}
    return render(request, "web/knowledge/faq_context.html", page)


@require_POST
@supervisor_required
def context_delete(request: HttpRequest, context_id: int) -> HttpResponse:
    faq_editing.delete_faq_context(get_object_or_404(FaqContext, pk=context_id), actor=request.user)
    messages.success(request, _("FAQ context deleted."))
    return redirect("web:faq")


@require_POST
@supervisor_required
def placement(request: HttpRequest, context_id: int) -> HttpResponse:
    """Pin, hide, unplace or move one article (the `do` field says which)."""
    context = get_object_or_404(FaqContext, pk=context_id)
    article_id = _int(request.POST.get("article"))
    do = request.POST.get("do", "")
    try:
        if do in PlacementKind.values:
            article = Article.objects.filter(pk=article_id).first()
            if article is None:
                raise Http404
            faq_editing.place_article(context, article, do, actor=request.user)
        elif do == "remove":
            faq_editing.remove_placement(context, article_id, actor=request.user)
        elif do in ("up", "down"):
            step = -1 if do == "up" else 1
            faq_editing.move_pin(context, article_id, step, actor=request.user)
        else:
            return HttpResponse(_("Unknown action."), status=400)
    except KnowledgeError as error:
        messages.error(request, str(error))
    return redirect("web:faq_context", context_id=context.pk)


def _ranking(context: FaqContext) -> dict:
    placements = list(
        FaqPlacement.objects.filter(context=context)
        .select_related("article")
        .order_by("kind", "position", "id")
    )
    return {
        "ranks": list(FaqRank.objects.filter(context=context).select_related("article")),
        "pins": [p for p in placements if p.kind == PlacementKind.PIN],
        "hides": [p for p in placements if p.kind == PlacementKind.HIDE],
        "preview": top_articles(
            locale=context.locale,
            page_url=context.page_pattern.replace("*", ""),
            product=context.product,
            journey_step=context.journey_step,
        ),
        "choices": Article.objects.filter(locale=context.locale)
        .only("title")
        .order_by("title")[:CHOICES_LIMIT],
    }


def _initial(context: FaqContext) -> dict:
    fields = ("name", "locale", "page_pattern", "product", "journey_step")
    return {name: getattr(context, name) for name in fields}


def _int(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 12 else 0
