"""The conversation timeline: messages, internal notes and Events merged in
time order, with each Event described in words an agent reads at a glance.

A bounded number of queries whatever the conversation's length: messages (with
authors, then their attachments), events (with actors), then the agents and
teams the events name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from relais.accounts.models import Agent, Team
from relais.conversations.models import Conversation, Message, Priority, Status
from relais.core.models import Event

# The newest messages shown when a conversation opens; older ones stay in the log.
TIMELINE_LIMIT = 200
# Events that only repeat what a message already shows on the timeline.
MESSAGE_EVENT_PREFIXES = ("message.", "note.", "conversation.created")


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    message: Message | None = None
    event: Event | None = None
    description: str = ""

    @property
    def is_message(self) -> bool:
        return self.message is not None


def conversation_timeline(
    conversation: Conversation, *, after_message: int = 0, after_event: int = 0
) -> tuple[list[TimelineItem], bool]:
    """Timeline items, oldest first; returns (items, truncated).

    With `after_message`/`after_event`, only newer rows (the live append)."""
    messages = list(
        Message.objects.filter(conversation=conversation, pk__gt=after_message)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("-id")[: TIMELINE_LIMIT + 1]
    )
    truncated = len(messages) > TIMELINE_LIMIT
    messages = messages[:TIMELINE_LIMIT][::-1]
    events = Event.objects.filter(conversation=conversation, pk__gt=after_event)
    for prefix in MESSAGE_EVENT_PREFIXES:
        events = events.exclude(kind__startswith=prefix)
    if truncated:
        events = events.filter(created_at__gte=messages[0].created_at)
    events = list(events.select_related("actor").order_by("-id")[:TIMELINE_LIMIT][::-1])
    names = _EventNames.load(events)
    items = chain(
        (TimelineItem(at=m.created_at, message=m) for m in messages),
        (TimelineItem(at=e.created_at, event=e, description=names.describe(e)) for e in events),
    )
    return sorted(items, key=lambda item: item.at), truncated


def timeline_message(conversation: Conversation, message_id: int) -> Message | None:
    return (
        Message.objects.filter(conversation=conversation, pk=message_id)
        .select_related("author")
        .prefetch_related("attachments")
        .first()
    )


@dataclass
class _EventNames:
    """The agents and teams the events mention, fetched in one query each."""

    agents: dict[int, Agent]
    teams: dict[int, Team]

    @classmethod
    def load(cls, events: list[Event]) -> _EventNames:
        agent_ids = {
            event.data.get(key)
            for event in events
            for key in ("assignee_id", "previous_assignee_id")
        }
        team_ids = {event.data.get("team_id") for event in events}
        agent_ids.discard(None)
        team_ids.discard(None)
        return cls(
            agents=Agent.objects.in_bulk(agent_ids) if agent_ids else {},
            teams=Team.objects.in_bulk(team_ids) if team_ids else {},
        )

    def agent(self, agent_id: int | None) -> str:
        found = self.agents.get(agent_id) if agent_id else None
        return str(found) if found else _("a former agent")

    def describe(self, event: Event) -> str:
        actor = str(event.actor) if event.actor else _("Relais")
        data = event.data
        describe = _DESCRIBERS.get(event.kind)
        if describe is None:
            return event.kind
        return describe(self, actor, data)


def _assigned(names: _EventNames, actor: str, data: dict) -> str:
    assignee_id = data.get("assignee_id")
    if data.get("reason") == "replied":
        text = _("%(assignee)s took the conversation by replying") % {
            "assignee": names.agent(assignee_id)
        }
    elif assignee_id and data.get("routing") in ("push", "pull"):
        text = (
            _("Routed automatically to %(assignee)s")
            if data["routing"] == "push"
            else _("%(assignee)s took the conversation with Next")
        ) % {"assignee": names.agent(assignee_id)}
    elif assignee_id:
        text = _("%(actor)s assigned the conversation to %(assignee)s") % {
            "actor": actor,
            "assignee": names.agent(assignee_id),
        }
    else:
        text = _("%(actor)s unassigned the conversation") % {"actor": actor}
    team = names.teams.get(data.get("team_id") or 0)
    if team is not None:
        text += " · " + _("team %(team)s") % {"team": team}
    return text


def _status_changed(names: _EventNames, actor: str, data: dict) -> str:
    status = data.get("status")
    if status == Status.SNOOZED:
        until = parse_datetime(data.get("snoozed_until") or "")
        return _("%(actor)s snoozed the conversation until %(until)s") % {
            "actor": actor,
            "until": _short_datetime(until) if until else "?",
        }
    label = Status(status).label if status in Status.values else status
    return _("%(actor)s set the status to %(status)s") % {"actor": actor, "status": label}


def _short_datetime(moment: datetime) -> str:
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


def _tagged(names: _EventNames, actor: str, data: dict) -> str:
    parts = []
    if data.get("added"):
        parts.append(_("added %(tags)s") % {"tags": ", ".join(data["added"])})
    if data.get("removed"):
        parts.append(_("removed %(tags)s") % {"tags": ", ".join(data["removed"])})
    return _("%(actor)s changed the tags: %(changes)s") % {
        "actor": actor,
        "changes": "; ".join(parts),
    }


def _routed(names: _EventNames, actor: str, data: dict) -> str:
    parts = []
    team = names.teams.get(data.get("team_id") or 0)
    if team is not None:
        parts.append(_("team %(team)s") % {"team": team})
    if data.get("priority") is not None and data["priority"] in Priority.values:
        parts.append(_("priority %(priority)s") % {"priority": Priority(data["priority"]).label})
    if data.get("tags"):
        parts.append(_("tags %(tags)s") % {"tags": ", ".join(data["tags"])})
    if data.get("skills"):
        parts.append(_("skills %(skills)s") % {"skills": ", ".join(sorted(data["skills"]))})
    return _("Routing rules applied: %(changes)s") % {"changes": "; ".join(parts) or "—"}


def _sla(state: str):
    def describe(names: _EventNames, actor: str, data: dict) -> str:
        due = parse_datetime(data.get("due_at") or "")
        values = {"due": _short_datetime(due) if due else "?"}
        resolution = data.get("deadline") == "resolution"
        if state == "at_risk":
            text = (
                _("Resolution due soon (%(due)s)") if resolution else _("Answer due soon (%(due)s)")
            )
        else:
            text = (
                _("Resolution target missed (was due %(due)s)")
                if resolution
                else _("Response target missed (was due %(due)s)")
            )
        return text % values

    return describe


def _escalated(names: _EventNames, actor: str, data: dict) -> str:
    action = data.get("action")
    if action == "raise_priority" and data.get("priority") in Priority.values:
        return _("Escalated: priority raised to %(priority)s") % {
            "priority": Priority(data["priority"]).label
        }
    if action == "reassign":
        return _("Escalated: taken back from its agent for routing")
    return _("Escalated: supervisors alerted")


def _resolution_resumed(names: _EventNames, actor: str, data: dict) -> str:
    due = parse_datetime(data.get("due_at") or "")
    return _("Resolution clock resumed, now due %(due)s") % {
        "due": _short_datetime(due) if due else "?"
    }


def _bot_answered(names: _EventNames, actor: str, data: dict) -> str:
    return _("The bot answered with an article (confidence %(confidence)s)") % {
        "confidence": f"{float(data.get('confidence') or 0):.0%}"
    }


def _bot_handed_over(names: _EventNames, actor: str, data: dict) -> str:
    from relais.bot.replies import reason_label

    text = _("The bot handed over to the agents: %(reason)s") % {
        "reason": reason_label(str(data.get("reason") or ""))
    }
    if data.get("agents_available") is False:
        nobody = _("no agent was available")
        return f"{text} ({nobody})"
    return text


def _bot_feedback(names: _EventNames, actor: str, data: dict) -> str:
    if data.get("value") == "yes":
        return _("The customer said the bot's answer helped")
    return _("The customer said the bot's answer did not help")


_DESCRIBERS = {
    "bot.answered": _bot_answered,
    "bot.clarified": lambda names, actor, data: _("The bot asked which article was meant"),
    "bot.handed_over": _bot_handed_over,
    "bot.feedback": _bot_feedback,
    "bot.taken_over": lambda names, actor, data: (
        _("%(actor)s took over from the bot") % {"actor": actor}
    ),
    "conversation.reopened": lambda names, actor, data: _(
        "Reopened by a new message from the customer"
    ),
    "conversation.assigned": _assigned,
    "conversation.status_changed": _status_changed,
    "conversation.tagged": _tagged,
    "conversation.routed": _routed,
    "sla.at_risk": _sla("at_risk"),
    "sla.breached": _sla("breached"),
    "sla.escalated": _escalated,
    "sla.resolution_paused": lambda names, actor, data: _(
        "Resolution clock paused while the customer is awaited"
    ),
    "sla.resolution_resumed": _resolution_resumed,
}
