"""The supervision page: the live queue per channel, the agents with their
presence and load, and reassigning (a form per conversation; supervisor.js
adds drag and drop on top). Supervisors and admins only.

The rows are worked out here, once per page, so the template is a flat loop
over plain values (as `inbox_rows` does): the live part is fetched every 5 s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from relais.accounts.access import NotVisible, access_conversation
from relais.accounts.models import Agent, Presence
from relais.connectors.registry import kind_choices
from relais.conversations.actions import assign_conversation
from relais.conversations.errors import ConversationError
from relais.conversations.models import Conversation, Priority
from relais.routing.supervision import (
    AgentOverview,
    ChannelSummary,
    QueuedConversation,
    Supervision,
    load_supervision,
)
from relais.web.forms import first_error
from relais.web.inbox_rows import _due_times
from relais.web.redirects import is_htmx

UNASSIGN = "none"  # the agent value that sends a conversation back to the queue
CHANNEL_LABELS = {
    "call": gettext_lazy("Calls"),
    "chat": gettext_lazy("Chat"),
    "messaging": gettext_lazy("Messaging"),
    "email": gettext_lazy("E-mail"),
}

View = Callable[..., HttpResponse]


def supervisor_required(view: View) -> View:
    """Logged in (else the login page), and a supervisor or admin (else 403)."""

    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.sees_everything:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


@require_GET
@supervisor_required
def supervision(request: HttpRequest) -> HttpResponse:
    return render(request, "web/supervisor.html", live_context(_moving(request)))


@require_GET
@supervisor_required
def supervision_live(request: HttpRequest) -> HttpResponse:
    """The live part alone, for the page's refresh every 5 s."""
    return render(request, "web/_supervision_live.html", live_context(_moving(request)))


def _moving(request: HttpRequest) -> int | None:
    """The agent's conversation whose reassign menu is open (?move=<id>). Only
    one at a time: a menu of every agent under each of every agent's
    conversations would grow with agents squared (drag and drop needs none)."""
    value = request.GET.get("move", "")
    return int(value) if value.isdigit() else None


class SupervisorAssignForm(forms.Form):
    conversation = forms.IntegerField(label=gettext_lazy("Conversation"), min_value=1)
    agent = forms.CharField(label=gettext_lazy("Agent"), required=False, max_length=20)

    def clean_agent(self) -> Agent | None:
        value = self.cleaned_data["agent"].strip()
        if value == UNASSIGN:
            return None
        if not value.isdigit():
            raise forms.ValidationError(_("choose an agent"))
        agent = Agent.objects.filter(pk=int(value), is_active=True).first()
        if agent is None:
            raise forms.ValidationError(_("unknown agent"))
        return agent


@require_POST
@supervisor_required
def supervision_assign(request: HttpRequest) -> HttpResponse:
    """Give a conversation to an agent ("none": back to the queue). A refusal
    (an agent who does not serve the inbox…) becomes an error message."""
    form = SupervisorAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not done: %(reason)s") % {"reason": first_error(form)})
        return _back(request)
    try:
        conversation = access_conversation(request.user, form.cleaned_data["conversation"])
    except NotVisible:
        raise Http404 from None
    agent = form.cleaned_data["agent"]
    if conversation.assignee_id == (agent.pk if agent else None):
        messages.info(request, _("Nothing to change."))
        return _back(request)
    try:
        assign_conversation(conversation, by=request.user, agent=agent)
    except ConversationError as error:  # InvalidInput: the agent does not serve the inbox
        messages.error(request, _("Not done: %(reason)s") % {"reason": error})
    else:
        messages.success(request, _assigned_message(conversation, agent))
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    if is_htmx(request):  # supervisor.js: the flash region only, then it refreshes
        return render(request, "web/_flash.html")
    return redirect(reverse("web:supervision"))


def _assigned_message(conversation: Conversation, agent: Agent | None) -> str:
    if agent is None:
        return _("%(conversation)s is back in the queue.") % {"conversation": conversation}
    return _("%(conversation)s assigned to %(agent)s.") % {
        "conversation": conversation,
        "agent": agent,
    }


# ---- What the live part shows ------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelCard:
    channel: str
    label: str
    waiting: int
    oldest_wait: str
    at_risk: int
    breached: int
    assigned_at_risk: int
    assigned_late: int


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """A queue row or one of an agent's conversations."""

    pk: int
    url: str
    channel_label: str
    inbox: str
    subject: str
    contact: str
    priority: int
    priority_label: str
    due_iso: str
    due_display: str
    state: str  # "ok", "at_risk", "breached" (queue rows only)
    agent_options: SafeString


@dataclass(frozen=True, slots=True)
class AgentCard:
    pk: int
    name: str
    presence: str
    presence_label: str
    team_names: tuple[str, ...]
    loads: list[tuple[str, int, int]]  # label, load, capacity
    conversations: list[ConversationRow]
    more: int


def live_context(moving: int | None = None) -> dict:
    snapshot = load_supervision()
    rows = _RowMaker(snapshot)
    live_url = reverse("web:supervision_live")
    return {
        "channels": [channel_card(summary) for summary in snapshot.channels],
        "queue": [rows.queued(entry) for entry in snapshot.queue],
        "waiting_total": snapshot.waiting_total,
        "chat_offered": [(name, round(share * 100)) for name, share in snapshot.chat_offered],
        "agents": [rows.agent(overview) for overview in snapshot.agents],
        "unassign_value": UNASSIGN,
        "moving": moving,
        "live_url": f"{live_url}?move={moving}" if moving else live_url,
        "page_url": reverse("web:supervision"),
    }


def channel_card(summary: ChannelSummary) -> ChannelCard:
    oldest = summary.oldest_wait
    return ChannelCard(
        channel=summary.channel,
        label=str(CHANNEL_LABELS.get(summary.channel, summary.channel)),
        waiting=summary.waiting,
        oldest_wait=humanise_wait(oldest) if oldest is not None else "",
        at_risk=summary.at_risk,
        breached=summary.breached,
        assigned_at_risk=summary.assigned_at_risk,
        assigned_late=summary.assigned_late,
    )


def humanise_wait(wait: timedelta) -> str:
    """A wait as people say it at a glance: "45 s", "4 min", "2 h 05", "3 d 4 h"."""
    seconds = max(int(wait.total_seconds()), 0)
    if seconds < 60:
        return _("%(seconds)d s") % {"seconds": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(hours)d h %(minutes)02d") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


class _RowMaker:
    """Labels, links and agent choices looked up once per page, not per row."""

    def __init__(self, snapshot: Supervision) -> None:
        self.zone = timezone.get_current_timezone()
        self.due_format = formats.get_format("SHORT_DATETIME_FORMAT")
        self.kind_labels = dict(kind_choices())
        self.priority_labels = {value: str(label) for value, label in Priority.choices}
        self.presence_labels = {value: str(label) for value, label in Presence.choices}
        self.no_subject = _("(no subject)")
        mark = 987654321
        self.url_prefix, self.url_suffix = reverse("web:conversation", args=[mark]).split(str(mark))
        self.options = {
            inbox_id: _agent_options(agents) for inbox_id, agents in snapshot.assignable.items()
        }

    def queued(self, entry: QueuedConversation) -> ConversationRow:
        return self.row(entry.conversation, entry.state)

    def row(self, conversation: Conversation, state: str = "ok") -> ConversationRow:
        due_iso, due_display = _due_times(conversation.due_at, self.zone, self.due_format)
        return ConversationRow(
            pk=conversation.pk,
            url=f"{self.url_prefix}{conversation.pk}{self.url_suffix}",
            channel_label=self.kind_labels.get(conversation.channel, conversation.channel),
            inbox=str(conversation.inbox),
            subject=conversation.subject or self.no_subject,
            contact=str(conversation.contact),
            priority=conversation.priority,
            priority_label=self.priority_labels.get(conversation.priority, ""),
            due_iso=due_iso,
            due_display=due_display,
            state=state,
            agent_options=self.options.get(conversation.inbox_id, SafeString("")),
        )

    def agent(self, overview: AgentOverview) -> AgentCard:
        agent = overview.agent
        return AgentCard(
            pk=agent.pk,
            name=str(agent),
            presence=agent.presence,
            presence_label=self.presence_labels.get(agent.presence, agent.presence),
            team_names=overview.team_names,
            loads=[
                (str(CHANNEL_LABELS.get(cell.channel, cell.channel)), cell.load, cell.capacity)
                for cell in overview.loads
            ],
            conversations=[self.row(conversation) for conversation in overview.conversations],
            more=overview.more,
        )


def _agent_options(agents: Iterable[Agent]) -> SafeString:
    """The <option>s of an inbox's assign menus, built once and escaped."""
    return format_html_join("", '<option value="{}">{}</option>', ((a.pk, str(a)) for a in agents))
