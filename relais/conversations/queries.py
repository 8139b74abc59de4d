"""Read-side queries for the inbox list (console and API share them)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from relais.accounts.access import visible_conversations, visible_inbox_ids
from relais.accounts.models import Agent, Team
from relais.conversations.models import Conversation, Message, Status

VIEWS = ("mine", "unassigned", "teams", "all", "bot")

# Most urgent first: highest priority, earliest due answer, then newest.
URGENCY_ORDER = (F("priority").desc(), F("due_at").asc(nulls_last=True), F("id").desc())


@dataclass(frozen=True)
class ConversationFilter:
    view: str = "mine"
    status: str | None = Status.OPEN
    channel: str | None = None
    tag: str | None = None
    inbox_id: int | None = None
    q: str = ""


def filter_conversations(agent: Agent, flt: ConversationFilter) -> QuerySet[Conversation]:
    """The conversations `agent` may see that match `flt`, unordered."""
    conversations = visible_conversations(agent)
    if flt.view == "mine":
        conversations = conversations.filter(assignee=agent)
    elif flt.view == "unassigned":
        # The bot's conversations are not offered to agents (the "bot" view shows them).
        conversations = conversations.filter(assignee__isnull=True, bot_held_since__isnull=True)
    elif flt.view == "bot":
        conversations = conversations.filter(bot_held_since__isnull=False)
    elif flt.view == "teams" and visible_inbox_ids(agent) is None:
        # Supervisors see all inboxes; "my teams" narrows to the ones their teams serve.
        team_inboxes = Team.inboxes.through.objects.filter(team__members=agent)
        conversations = conversations.filter(inbox_id__in=team_inboxes.values("inbox_id"))
    if flt.status:
        conversations = conversations.filter(status=flt.status)
    if flt.channel:
        conversations = conversations.filter(channel=flt.channel)
    if flt.inbox_id:
        conversations = conversations.filter(inbox_id=flt.inbox_id)
    if flt.tag:
        conversations = conversations.filter(tags__name=flt.tag)
    if flt.q:
        matching_messages = Message.objects.filter(body__icontains=flt.q).values("conversation_id")
        conversations = conversations.filter(
            Q(subject__icontains=flt.q) | Q(pk__in=matching_messages)
        )
    return conversations


def inbox_page(
    agent: Agent, flt: ConversationFilter, *, page: int = 1, per_page: int = 25
) -> tuple[list[Conversation], bool]:
    """One page of the inbox list, most urgent first; returns (rows, has_next).

    No COUNT(*): at 100k conversations it costs more than the page itself."""
    offset = (max(page, 1) - 1) * per_page
    rows = list(
        filter_conversations(agent, flt)
        .select_related("contact", "assignee", "inbox")
        .order_by(*URGENCY_ORDER)[offset : offset + per_page + 1]
    )
    return rows[:per_page], len(rows) > per_page


def next_in_inbox(
    agent: Agent, flt: ConversationFilter, current: Conversation
) -> Conversation | None:
    """The conversation after `current` in the inbox list order (for "next"
    shortcuts), found by keyset rather than by counting rows."""
    after_due = (
        Q(due_at__gt=current.due_at)
        | Q(due_at__isnull=True)
        | Q(due_at=current.due_at, id__lt=current.pk)
        if current.due_at is not None
        else Q(due_at__isnull=True, id__lt=current.pk)
    )
    after = Q(priority__lt=current.priority) | (Q(priority=current.priority) & after_due)
    return (
        filter_conversations(agent, flt)
        .filter(after)
        .exclude(pk=current.pk)
        .order_by(*URGENCY_ORDER)
        .first()
    )
