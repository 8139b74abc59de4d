"""What a widget visitor can do: read their history, write, mark replies read.

Every function is scoped to the visitor's own conversations on their inbox:
the conversations of the contacts that own one of the visitor's identities
(their visitor id, plus the user id or e-mail their host site verified).
Internal notes never leave this module.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet

from relais.connectors.base import InboundMessage
from relais.connectors.webchat.visitors import Visitor
from relais.contacts.models import Identity
from relais.conversations.actions import ReceiveResult, receive_message
from relais.conversations.errors import InvalidInput
from relais.conversations.inbox_facts import inbox_facts
from relais.conversations.models import (
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    MessageKind,
)
from relais.conversations.outbox import update_delivery_status
from relais.conversations.realtime import message_payload

HISTORY_LENGTH = 100


class VisitorInputError(InvalidInput):
    """Bad input from the widget; `code` is sent back to the frame as is."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def visitor_conversations(visitor: Visitor) -> QuerySet[Conversation]:
    lookup = reduce(or_, (Q(kind=ref.kind, value=ref.value) for ref in visitor.identities()))
    contact_ids = Identity.objects.filter(lookup).values("contact_id")
    return Conversation.objects.filter(inbox_id=visitor.inbox_id, contact_id__in=contact_ids)


def visitor_conversation_ids(visitor: Visitor) -> list[int]:
    return list(visitor_conversations(visitor).order_by("id").values_list("id", flat=True))


def visitor_history(visitor: Visitor, limit: int = HISTORY_LENGTH) -> list[dict]:
    """The visitor's latest public messages, oldest first. Never notes."""
    latest = (
        Message.objects.filter(
            conversation__in=visitor_conversations(visitor), kind=MessageKind.MESSAGE
        )
        .select_related("author")
        .order_by("-id")[:limit]
    )
    return [message_payload(message) for message in reversed(latest)]


def receive_visitor_message(
    visitor: Visitor,
    body: str,
    client_id: str,
    *,
    email: str = "",
    payload: str = "",
    locale: str = "",
) -> ReceiveResult:
    """Store a visitor's message through the one pipeline.

    Idempotent on (visitor, client_id): the widget resends unacknowledged
    messages after a reconnect. `email` is what an offline visitor typed in
    the leave-a-message form: it fills a blank Contact.email and is kept in the
    message metadata, but is never an identity (anyone can type any address).
    `payload` is the quick reply the visitor clicked (the bot reads it).
    Raises VisitorInputError("empty" | "too_long" | "invalid_email")."""
    body = (body or "").strip()
    if not body:
        raise VisitorInputError("empty")
    if len(body) > settings.RELAIS_MAX_MESSAGE_LENGTH:
        raise VisitorInputError("too_long")
    email = email.strip().lower()
    metadata: dict = {"client_id": client_id}
    if payload:
        metadata["payload"] = payload[:64]
    if locale in ("fr", "en"):
        metadata["locale"] = locale  # the widget's language: the bot answers in it
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise VisitorInputError("invalid_email") from None
        metadata["contact_email"] = email
    return receive_message(
        InboundMessage(
            inbox_id=visitor.inbox_id,
            body=body,
            identities=visitor.identities(),
            provider_message_id=f"webchat:{visitor.visitor_id}:{client_id}",
            contact_name=visitor.name,
            contact_email=visitor.verified_email or email or visitor.email_hint,
            metadata=metadata,
        )
    )


def bot_replies_after(message: Message) -> list[dict]:
    """The public messages of the conversation newer than `message`, on inboxes
    with a bot: the bot may have answered a new conversation's first message
    before the visitor's socket joined its group (tasks run at once without a
    worker). One query, only there; [] elsewhere."""
    if not inbox_facts(message.inbox_id)[2]:
        return []
    newer = Message.objects.filter(
        conversation_id=message.conversation_id, kind=MessageKind.MESSAGE, pk__gt=message.pk
    ).order_by("id")
    return [message_payload(reply) for reply in newer]


def mark_replies_read(visitor: Visitor, up_to_message_id: int) -> int:
    """The visitor has seen the agents' messages up to this id: mark them read.
    Only the visitor's own conversations; returns how many changed."""
    unread = (
        Message.objects.filter(
            conversation__in=visitor_conversations(visitor),
            direction=Direction.OUTBOUND,
            kind=MessageKind.MESSAGE,
            status__in=(DeliveryStatus.SENT, DeliveryStatus.DELIVERED),
            pk__lte=up_to_message_id,
        )
        .select_related("inbox", "conversation", "author")
        .order_by("id")
    )
    marked = 0
    for message in unread:
        update_delivery_status(message, DeliveryStatus.READ)
        marked += 1
    return marked
