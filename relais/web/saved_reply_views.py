"""Saved replies in the console: the page listing them with the form to
write one, the edit page, and the rendering the reply box inserts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from relais.accounts.access import NotVisible
from relais.conversations.errors import ConversationError
from relais.replies import actions
from relais.replies.forms import SavedReplyForm
from relais.replies.models import SavedReply
from relais.replies.render import VARIABLES
from relais.web.conversation_views import visible_conversation_or_404


def _visible_reply_or_404(agent, reply_id: int) -> SavedReply:
    try:
        return actions.access_saved_reply(agent, reply_id)
    except NotVisible:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def saved_replies(request: HttpRequest) -> HttpResponse:
    """The agent's saved replies, and a new one."""
    form = SavedReplyForm(request.POST or None, agent=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.create_saved_reply(request.user, form.to_fields())
        except ConversationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved reply created."))
            return redirect("web:saved_replies")
    replies = actions.visible_saved_replies(request.user).select_related("team", "owner")
    rows = [(reply, actions.can_edit(request.user, reply)) for reply in replies]
    context = {"rows": rows, "form": form, "variables": VARIABLES}
    return render(request, "web/saved_replies.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def saved_reply_edit(request: HttpRequest, reply_id: int) -> HttpResponse:
    reply = _visible_reply_or_404(request.user, reply_id)
    if not actions.can_edit(request.user, reply):
        return render(request, "web/saved_reply_edit.html", {"reply": reply}, status=403)
    initial = SavedReplyForm.initial_for(reply)
    form = SavedReplyForm(request.POST or None, agent=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_saved_reply(request.user, reply, vars(form.to_fields()))
        except ConversationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved reply updated."))
            return redirect("web:saved_replies")
    return render(request, "web/saved_reply_edit.html", {"reply": reply, "form": form})


@login_required
@require_GET
def rendered_saved_reply(request: HttpRequest, conversation_id: int, reply_id: int):
    """{"body": …}: the reply's variant for this conversation, filled in."""
    conversation = visible_conversation_or_404(request.user, conversation_id)
    reply = _visible_reply_or_404(request.user, reply_id)
    return JsonResponse({"body": actions.render_saved_reply(request.user, reply, conversation)})
