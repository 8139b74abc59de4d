from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import AwareDatetime, Field

from relais.api.schemas.common import PageQuery
from relais.conversations.models import DeliveryStatus, Direction, MessageKind, Status


class AgentRef(Schema):
    id: int
    name: str
    email: str


class TeamRef(Schema):
    id: int
    name: str


class ContactRef(Schema):
    id: int
    name: str
    email: str
    phone: str


class ConversationOut(Schema):
    id: int
    inbox_id: int
    channel: str
    subject: str
    status: Status
    priority: int
    contact: ContactRef
    assignee: AgentRef | None
    team: TeamRef | None
    tags: list[str]
    waiting_since: datetime | None
    due_at: datetime | None = Field(description="When the next answer is due (SLA).")
    resolution_due_at: datetime | None
    resolution_paused_since: datetime | None = Field(
        description="Set while pending: the resolution deadline then moves back by the pause."
    )
    first_response_at: datetime | None
    sla_policy_id: int | None
    required_skills: dict[str, int] = Field(description='Set by routing rules: {"lang:en": 2}.')
    snoozed_until: datetime | None
    last_message_at: datetime | None
    last_message_preview: str
    unread_count: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(conversation) -> list[str]:
        # Sorted in Python: an order_by() would bypass the prefetch.
        return sorted(tag.name for tag in conversation.tags.all())


class ConversationPage(Schema):
    items: list[ConversationOut]
    next: str | None


class ConversationQuery(PageQuery):
    view: Literal["mine", "unassigned", "teams", "all", "bot"] = "all"
    status: Status | None = None
    channel: str | None = Field(None, max_length=32)
    inbox_id: int | None = None
    tag: str | None = Field(None, max_length=64)
    q: str = Field("", max_length=200, description="Words in the subject or a message.")


class MessageOut(Schema):
    id: int
    conversation_id: int
    direction: Direction
    kind: MessageKind = Field(description='"note" for internal notes, never sent.')
    body: str
    status: DeliveryStatus
    author: AgentRef | None
    error: str
    created_at: datetime
    status_changed_at: datetime | None


class MessagePage(Schema):
    items: list[MessageOut]
    next: str | None


class MessageIn(Schema):
    body: str


class AssignIn(Schema):
    agent_id: int | None = Field(
        None, description="The agent to assign; null unassigns; omitted keeps the assignee."
    )
    team_id: int | None = Field(None, description="The team to hand over to; null keeps it.")


class StatusIn(Schema):
    status: Status
    snoozed_until: AwareDatetime | None = Field(
        None, description="Required when snoozing: a future time with its UTC offset."
    )


class PriorityIn(Schema):
    priority: int = Field(ge=0, le=3, description="0 low, 1 normal, 2 high, 3 urgent.")


class TagsIn(Schema):
    tags: list[str] = Field(max_length=50)
