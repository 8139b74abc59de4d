"""Who may see what. Agents see the inboxes their teams serve; supervisors and
admins see everything. Every read of a conversation goes through here."""

from django.db.models import QuerySet

from relais.accounts.models import Agent, Team
from relais.connectors.models import Inbox
from relais.contacts.models import Contact
from relais.conversations.models import Conversation


class NotVisible(LookupError):
    """The object does not exist for this agent (shown as 404, never 403, so
    that its existence is not revealed)."""


def visible_inbox_ids(agent: Agent) -> list[int] | None:
    """The inbox ids the agent may see, or None for all of them."""
    if agent.sees_everything:
        return None
    cached = getattr(agent, "_visible_inbox_ids", None)
    if cached is None:
        cached = sorted(
            set(
                Team.inboxes.through.objects.filter(team__members=agent).values_list(
                    "inbox_id", flat=True
                )
            )
        )
        agent._visible_inbox_ids = cached
    return cached


def can_see_inbox(agent: Agent, inbox_id: int) -> bool:
    ids = visible_inbox_ids(agent)
    return ids is None or inbox_id in ids


def visible_inboxes(agent: Agent) -> QuerySet[Inbox]:
    ids = visible_inbox_ids(agent)
    inboxes = Inbox.objects.all()
    return inboxes if ids is None else inboxes.filter(pk__in=ids)


def visible_conversations(agent: Agent) -> QuerySet[Conversation]:
    ids = visible_inbox_ids(agent)
    conversations = Conversation.objects.all()
    return conversations if ids is None else conversations.filter(inbox_id__in=ids)


def visible_contacts(agent: Agent) -> QuerySet[Contact]:
    """Contacts with a conversation in an inbox the agent may see (all of them
    for supervisors and admins)."""
    inbox_ids = visible_inbox_ids(agent)
    if inbox_ids is None:
        return Contact.objects.all()
    seen_in = Conversation.objects.filter(inbox_id__in=inbox_ids).values("contact_id")
    return Contact.objects.filter(pk__in=seen_in)


def access_conversation(agent: Agent, conversation_id: int) -> Conversation:
    """Fetch a conversation the agent may see; raises NotVisible otherwise."""
    conversation = (
        visible_conversations(agent)
        .select_related("inbox", "contact", "assignee", "team")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise NotVisible(conversation_id)
    return conversation
