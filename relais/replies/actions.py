"""Saved replies: who sees and edits which, writing them, rendering one for a
conversation.

Access: an agent sees their personal replies, their teams' and everyone's;
an agent creates and edits only personal replies of their own; supervisors
and admins also create and edit shared ones (team, everyone). A reply the
agent may not see raises NotVisible (a 404 at the edges). Every write
appends a `saved_reply.*` Event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from relais.accounts.access import NotVisible
from relais.accounts.models import Agent, Team
from relais.conversations.errors import InvalidInput, NotAllowed
from relais.conversations.models import Conversation
from relais.core.events import record_event
from relais.replies.models import SavedReply, Scope
from relais.replies.render import ReplyText, choose_variant, fill_variables, first_name
from relais.routing.live import channel_class

SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
MAX_BODY_LENGTH = 10_000


@dataclass
class SavedReplyFields:
    """What an agent writes; `team_id` only for the team scope."""

    title: str
    shortcut: str
    body: str
    body_short: str = ""
    body_email: str = ""
    scope: str = Scope.PERSONAL
    team_id: int | None = None
    language: str = ""


def visible_saved_replies(agent: Agent) -> QuerySet[SavedReply]:
    team_ids = list(agent.teams.values_list("pk", flat=True))
    return SavedReply.objects.filter(
        Q(scope=Scope.PERSONAL, owner=agent)
        | Q(scope=Scope.TEAM, team_id__in=team_ids)
        | Q(scope=Scope.EVERYONE)
    )


def access_saved_reply(agent: Agent, reply_id: int) -> SavedReply:
    reply = visible_saved_replies(agent).filter(pk=reply_id).first()
    if reply is None:
        raise NotVisible(reply_id)
    return reply


def can_edit(agent: Agent, reply: SavedReply) -> bool:
    if reply.scope == Scope.PERSONAL:
        return reply.owner_id == agent.pk
    return agent.sees_everything


def _check(agent: Agent, data: SavedReplyFields) -> SavedReplyFields:
    data.title = " ".join(data.title.split())[:120]
    data.shortcut = data.shortcut.strip().lstrip("/").lower()
    if not data.title:
        raise InvalidInput(_("A saved reply needs a title."))
    if not SHORTCUT.match(data.shortcut):
        raise InvalidInput(_("A shortcut is lower-case letters, digits, - and _ (up to 40)."))
    if not data.body.strip():
        raise InvalidInput(_("A saved reply needs a text."))
    if max(len(data.body), len(data.body_short), len(data.body_email)) > MAX_BODY_LENGTH:
        raise InvalidInput(_("This text is too long."))
    if data.scope not in Scope.values:
        raise InvalidInput(_("Unknown sharing."))
    if data.scope != Scope.PERSONAL and not agent.sees_everything:
        raise NotAllowed(_("Only supervisors and administrators share saved replies."))
    if data.scope == Scope.TEAM:
        if not data.team_id or not Team.objects.filter(pk=data.team_id).exists():
            raise InvalidInput(_("Choose the team this reply is shared with."))
    else:
        data.team_id = None
    data.language = data.language.strip()[:8]
    return data


def create_saved_reply(agent: Agent, data: SavedReplyFields) -> SavedReply:
    """Raises InvalidInput, or NotAllowed for an agent sharing a reply."""
    data = _check(agent, data)
    with transaction.atomic():
        reply = SavedReply.objects.create(owner=agent, **vars(data))
        record_event("saved_reply.created", actor=agent, saved_reply_id=reply.pk, scope=reply.scope)
    return reply


def update_saved_reply(agent: Agent, reply: SavedReply, changes: dict) -> SavedReply:
    """Apply `changes` (names of SavedReplyFields). Raises NotAllowed when the
    agent may not edit this reply (or share it), InvalidInput."""
    if not can_edit(agent, reply):
        raise NotAllowed(_("You cannot edit this saved reply."))
    names = [field.name for field in fields(SavedReplyFields)]
    current = SavedReplyFields(**{name: getattr(reply, name) for name in names})
    data = _check(agent, SavedReplyFields(**{**vars(current), **changes}))
    changed = sorted(name for name in names if getattr(data, name) != getattr(current, name))
    if not changed:
        return reply
    with transaction.atomic():
        for name in changed:
            setattr(reply, name, getattr(data, name))
        reply.save()
        record_event("saved_reply.updated", actor=agent, saved_reply_id=reply.pk, fields=changed)
    return reply


def delete_saved_reply(agent: Agent, reply: SavedReply) -> None:
    if not can_edit(agent, reply):
        raise NotAllowed(_("You cannot delete this saved reply."))
    with transaction.atomic():
        record_event("saved_reply.deleted", actor=agent, saved_reply_id=reply.pk, title=reply.title)
        reply.delete()


def conversation_variables(conversation: Conversation, agent: Agent) -> dict[str, str]:
    """The values of the variables for one conversation. Empty ones are left
    out, so that the placeholder stays visible for the agent to fill in."""
    contact = conversation.contact
    values = {
        "contact.first_name": first_name(contact.name),
        "contact.name": contact.name,
        "contact.email": contact.email,
        "agent.first_name": first_name(agent.name),
        "agent.name": agent.name,
        "conversation.reference": f"[#{conversation.pk}]",
        "conversation.subject": conversation.subject,
        "inbox.name": conversation.inbox.name,
    }
    return {name: value for name, value in values.items() if value}


def render_saved_reply(agent: Agent, reply: SavedReply, conversation: Conversation) -> str:
    """The reply's variant for the conversation's channel, variables filled."""
    text = ReplyText(reply.body, reply.body_short, reply.body_email)
    variant = choose_variant(text, channel_class(conversation.inbox.kind))
    return fill_variables(variant, conversation_variables(conversation, agent))


def replies_for_conversation(agent: Agent, conversation: Conversation) -> list[SavedReply]:
    """The replies the picker offers: the visible ones in the contact's
    language or in none, personal first (they win a shared shortcut)."""
    language = (conversation.contact.locale or "")[:2]
    replies = visible_saved_replies(agent)
    if language:
        replies = replies.filter(Q(language="") | Q(language__startswith=language))
    order = {Scope.PERSONAL: 0, Scope.TEAM: 1, Scope.EVERYONE: 2}
    return sorted(replies, key=lambda reply: (order[reply.scope], reply.title.lower()))
