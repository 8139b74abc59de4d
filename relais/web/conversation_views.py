"""The conversation page and the fragments its live script fetches."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from relais.accounts.access import NotVisible, access_conversation
from relais.accounts.models import Agent
from relais.conversations.actions import mark_read
from relais.conversations.models import Conversation
from relais.conversations.queries import next_in_inbox
from relais.replies.actions import replies_for_conversation
from relais.web.contact_panel import contact_panel, request_context
from relais.web.filters import InboxQuery, parse_inbox_query
from relais.web.forms import AssignForm, PriorityForm, SnoozeForm, StatusForm, TagsForm
from relais.web.inbox_views import inbox_list_context
from relais.web.reply_files import accepts_files, reply_constraints
from relais.web.timeline import conversation_timeline, timeline_message


def visible_conversation_or_404(agent: Agent, conversation_id: int) -> Conversation:
    """A conversation the agent may see; 404 otherwise, so existence never leaks."""
    try:
        return access_conversation(agent, conversation_id)
    except NotVisible:
        raise Http404 from None


def conversation_url(conversation_id: int, query: InboxQuery | None = None) -> str:
    url = reverse("web:conversation", args=[conversation_id])
    filters = query.querystring(page=1) if query else ""
    return f"{url}?{filters}" if filters else url


@require_GET
@login_required
def conversation_page(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = visible_conversation_or_404(request.user, conversation_id)
    query = parse_inbox_query(request.GET)
    if request.GET.get("fragment") == "details":
        return render(request, "web/_details.html", details_context(conversation, query))
    mark_read(conversation)
    items, truncated = conversation_timeline(conversation)
    listing = inbox_list_context(request.user, query, current_id=conversation.pk)
    # After the last row (or once the conversation left the filter, e.g. just
    # resolved) "next" wraps to the top of the list.
    following = next_in_inbox(request.user, query.filter, conversation) or next(
        (row for row in listing["rows"] if row.pk != conversation.pk), None
    )
    context = {
        "items": items,
        "truncated": truncated,
        "panel": contact_panel(request.user, conversation),
        "request_context": request_context(conversation),
        "reply_accepts_files": accepts_files(conversation),
        "saved_replies": replies_for_conversation(request.user, conversation),
        "reply_constraints": reply_constraints(conversation),
        "next_conversation_url": conversation_url(following.pk, query) if following else "",
        **details_context(conversation, query),
        **listing,
    }
    return render(request, "web/conversation.html", context)


def details_context(conversation: Conversation, query: InboxQuery) -> dict:
    tags = sorted(tag.name for tag in conversation.tags.all())
    return {
        "conversation": conversation,
        "tags": tags,
        "return_to": conversation_url(conversation.pk, query),
        "assign_form": AssignForm(conversation=conversation),
        "status_form": StatusForm(),
        "tags_form": TagsForm(initial={"tags": ", ".join(tags)}),
        "snooze_form": SnoozeForm(),
        "priority_form": PriorityForm(initial={"priority": conversation.priority}),
    }


@require_GET
@login_required
def timeline_fragment(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Timeline items newer than the ones the page shows (the live append)."""
    conversation = visible_conversation_or_404(request.user, conversation_id)
    items, _ = conversation_timeline(
        conversation,
        after_message=_positive_int(request.GET.get("after")),
        after_event=_positive_int(request.GET.get("after_event")),
    )
    mark_read(conversation)  # the agent is looking at it
    return render(
        request, "web/_timeline_items.html", {"items": items, "conversation": conversation}
    )


@require_GET
@login_required
def message_fragment(request: HttpRequest, conversation_id: int, message_id: int) -> HttpResponse:
    """One timeline message, re-rendered when its delivery status changes."""
    conversation = visible_conversation_or_404(request.user, conversation_id)
    message = timeline_message(conversation, message_id)
    if message is None:
        raise Http404
    return render(request, "web/_message.html", {"message": message, "conversation": conversation})


def _positive_int(raw: str | None) -> int:
    try:
        return max(int(raw or 0), 0)
    except ValueError:
        return 0
