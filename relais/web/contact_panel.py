"""What the conversation page shows beside the timeline: the contact with their
identities and other conversations, and who the conversation can go to.

An agent sees the contact's other conversations only on inboxes they may see;
the rest are counted, never described (their subjects could be confidential)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from relais.accounts.access import visible_inbox_ids
from relais.accounts.models import Agent, Role, Team
from relais.connectors.registry import CONNECTORS
from relais.contacts.models import Identity
from relais.conversations.models import Conversation

OTHER_CONVERSATIONS_SHOWN = 20


@dataclass(frozen=True)
class ContactPanel:
    identities: list[Identity]
    other_conversations: list[Conversation]
    more_visible: bool  # more visible conversations than shown
    hidden_count: int  # conversations on inboxes the agent may not see


def contact_panel(agent: Agent, conversation: Conversation) -> ContactPanel:
    others = Conversation.objects.filter(contact_id=conversation.contact_id).exclude(
        pk=conversation.pk
    )
    inbox_ids = visible_inbox_ids(agent)
    visible = others if inbox_ids is None else others.filter(inbox_id__in=inbox_ids)
    shown = list(
        visible.select_related("inbox").order_by("-last_message_at", "-id")[
            : OTHER_CONVERSATIONS_SHOWN + 1
        ]
    )
    hidden = 0 if inbox_ids is None else others.exclude(inbox_id__in=inbox_ids).count()
    return ContactPanel(
        identities=list(Identity.objects.filter(contact_id=conversation.contact_id).order_by("id")),
        other_conversations=shown[:OTHER_CONVERSATIONS_SHOWN],
        more_visible=len(shown) > OTHER_CONVERSATIONS_SHOWN,
        hidden_count=hidden,
    )


def request_context(conversation: Conversation) -> dict | None:
    """What the customer's request carried beyond its text (a callback
    request's orders and device), from the channel's connector."""
    connector = CONNECTORS.get(conversation.channel)
    return connector.request_context(conversation) if connector else None


def assignable_agents(inbox_id: int) -> QuerySet[Agent]:
    """Active agents who may see the inbox: its teams' members, supervisors, admins."""
    return (
        Agent.objects.filter(is_active=True)
        .filter(
            Q(teams__inboxes=inbox_id)
            | Q(role__in=[Role.SUPERVISOR, Role.ADMIN])
            | Q(is_superuser=True)
        )
        .distinct()
        .order_by("name", "email")
    )


def inbox_teams(inbox_id: int) -> QuerySet[Team]:
    """The teams that serve the inbox (a conversation goes to one of them)."""
    return Team.objects.filter(inboxes=inbox_id).order_by("name")
