"""The conversation page's forms. Each view parses its form and calls one
action; the action's InvalidInput (or NotAllowed) becomes a message the agent reads.

Every view first checks that the agent may see the conversation (404 if not).
A normal POST redirects back; an htmx POST gets the flash region back, and the
`relais:posted` trigger on success lets the page clear the form and refresh."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relais.connectors.base import REPLY_PRIVATELY
from relais.conversations import actions
from relais.conversations.errors import ConversationError, InvalidInput
from relais.conversations.models import Conversation, Status
from relais.web.conversation_views import conversation_url, visible_conversation_or_404
from relais.web.forms import (
    AssignForm,
    MessageForm,
    PriorityForm,
    ReplyForm,
    SnoozeForm,
    StatusForm,
    TagsForm,
    first_error,
)
from relais.web.redirects import is_htmx, safe_return_url
from relais.web.reply_choices import reply_choices
from relais.web.reply_files import accepts_files, reply_constraints

Perform = Callable[[HttpRequest, Conversation], None]


def conversation_post(perform: Perform) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    @wraps(perform)
    def view(request: HttpRequest, conversation_id: int) -> HttpResponse:
        conversation = visible_conversation_or_404(request.user, conversation_id)
        try:
            perform(request, conversation)
        except ConversationError as error:  # InvalidInput, NotAllowed
            messages.error(request, _("Not done: %(reason)s") % {"reason": error})
            return _respond(request, conversation, done=False)
        return _respond(request, conversation, done=True)

    return view


def _respond(request: HttpRequest, conversation: Conversation, *, done: bool) -> HttpResponse:
    if is_htmx(request):
        response = render(request, "web/_flash.html")
        if done:
            response["HX-Trigger"] = "relais:posted"
        return response
    return redirect(safe_return_url(request, conversation_url(conversation.pk)))


def _valid(form: forms.Form) -> forms.Form:
    if not form.is_valid():
        raise InvalidInput(first_error(form))
    return form


@conversation_post
def reply(request: HttpRequest, conversation: Conversation) -> None:
    # The channel's choices first: a template brings its own text.
    choices = reply_choices(request.POST, reply_constraints(conversation))
    data = request.POST.copy()
    if choices.body is not None:
        data["body"] = choices.body
    form = _valid(ReplyForm(data, request.FILES))
    files = form.cleaned_data["files"]
    if files and not accepts_files(conversation):
        raise InvalidInput(_("this channel cannot send files"))
    privately = request.POST.get("reply_privately") == "1"
    if conversation.is_public and not privately and request.POST.get("confirm_public") != "1":
        raise InvalidInput(_("this conversation is public: confirm that you reply publicly"))
    metadata = {**choices.metadata, **({REPLY_PRIVATELY: True} if privately else {})}
    actions.reply(
        conversation, request.user, form.cleaned_data["body"], attachments=files, metadata=metadata
    )


@conversation_post
def note(request: HttpRequest, conversation: Conversation) -> None:
    form = _valid(MessageForm(request.POST))
    actions.add_note(conversation, request.user, form.cleaned_data["body"])


@conversation_post
def assign(request: HttpRequest, conversation: Conversation) -> None:
    form = _valid(AssignForm(request.POST, conversation=conversation))
    actions.assign_conversation(
        conversation,
        by=request.user,
        agent=form.cleaned_data["agent"],
        team=form.cleaned_data["team"],
    )


@conversation_post
def change_status(request: HttpRequest, conversation: Conversation) -> None:
    form = _valid(StatusForm(request.POST))
    actions.set_status(conversation, form.cleaned_data["status"], by=request.user)


@conversation_post
def priority(request: HttpRequest, conversation: Conversation) -> None:
    form = _valid(PriorityForm(request.POST))
    actions.set_priority(conversation, form.cleaned_data["priority"], by=request.user)


@conversation_post
def snooze(request: HttpRequest, conversation: Conversation) -> None:
    form = _valid(SnoozeForm(request.POST))
    actions.set_status(
        conversation, Status.SNOOZED, by=request.user, snoozed_until=form.until_moment()
    )


@conversation_post
def tags(request: HttpRequest, conversation: Conversation) -> None:
    form = _valid(TagsForm(request.POST))
    actions.set_tags(conversation, form.names(), by=request.user)
