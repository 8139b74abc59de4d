"""The inbox: the conversations an agent may see, most urgent first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from relais.accounts.access import visible_inboxes
from relais.accounts.models import Agent
from relais.conversations.models import Status
from relais.conversations.queries import inbox_page
from relais.web.filters import ANY_STATUS, InboxQuery, parse_inbox_query
from relais.web.inbox_rows import inbox_rows

PER_PAGE = 25
VIEW_LABELS = {
    "mine": _("Mine"),
    "unassigned": _("Unassigned"),
    "teams": _("My teams"),
    "all": _("All"),
    "bot": _("With the bot"),
}


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    query = parse_inbox_query(request.GET)
    current = request.GET.get("current", "")
    current_id = int(current) if current.isdigit() else None
    context = inbox_list_context(request.user, query, current_id=current_id)
    if wants_list_fragment(request):
        return render(request, "web/_inbox_list.html", context)
    context["channels"] = sorted(set(visible_inboxes(request.user).values_list("kind", flat=True)))
    context["view_tabs"] = view_tabs(query)
    context["statuses"] = [*Status.choices, (ANY_STATUS, _("Any status"))]
    return render(request, "web/inbox.html", context)


def view_tabs(query: InboxQuery) -> list[dict]:
    base = reverse("web:inbox")
    return [
        {
            "view": view,
            "label": label,
            "url": _page_url(base, query.with_view(view), 1),
            "active": query.filter.view == view,
        }
        for view, label in VIEW_LABELS.items()
    ]


def wants_list_fragment(request: HttpRequest) -> bool:
    """The live refresh (and htmx) ask for the list region only."""
    return request.GET.get("fragment") == "list" or request.headers.get("HX-Target") == "inbox-list"


def inbox_list_context(agent: Agent, query: InboxQuery, current_id: int | None = None) -> dict:
    """The list region: one page of rows and the links around it."""
    rows, has_next = inbox_page(agent, query.filter, page=query.page, per_page=PER_PAGE)
    prefetch_related_objects(rows, "tags")
    base = reverse("web:inbox")
    refresh = QueryDict(query.querystring(), mutable=True)
    refresh["fragment"] = "list"
    if current_id:
        refresh["current"] = str(current_id)
    return {
        "query": query,
        "rows": inbox_rows(rows, query.querystring(page=1), current_id),
        "refresh_url": f"{base}?{refresh.urlencode()}",
        "list_prev_url": _page_url(base, query, query.page - 1) if query.page > 1 else "",
        "list_next_url": _page_url(base, query, query.page + 1) if has_next else "",
    }


def _page_url(base: str, query: InboxQuery, page: int) -> str:
    querystring = query.querystring(page=page)
    return f"{base}?{querystring}" if querystring else base
