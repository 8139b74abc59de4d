"""What an outbound reply needs to know about the conversation it answers: the
customer's latest message (its time opens the 24-hour window; its metadata
says where to answer: their number, their PSID, the comment they wrote), and
the reply's own choices stored in its metadata. Read-only: connectors never
write conversations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from relais.connectors.meta.window import CUSTOMER_SERVICE_WINDOW, window_closes_at

if TYPE_CHECKING:
    from relais.conversations.models import Message


def latest_customer_message(conversation_id: int) -> Message | None:
    from relais.conversations.models import Direction, Message, MessageKind

    return (
        Message.objects.filter(
            conversation_id=conversation_id, direction=Direction.INBOUND, kind=MessageKind.MESSAGE
        )
        .order_by("-id")
        .first()
    )


def channel_facts(message: Message | None, channel: str) -> dict[str, Any]:
    """The connector's own metadata on a customer message ({} if none)."""
    if message is None:
        return {}
    facts = (message.metadata or {}).get(channel)
    return facts if isinstance(facts, dict) else {}


def window_end(conversation_id: int) -> datetime | None:
    """When free-form replies stop for this conversation (None: never opened)."""
    latest = latest_customer_message(conversation_id)
    return window_closes_at(latest.created_at if latest else None, CUSTOMER_SERVICE_WINDOW)


def window_open(conversation_id: int, now: datetime | None = None) -> bool:
    closes_at = window_end(conversation_id)
    return closes_at is not None and (now or timezone.now()) < closes_at


def reply_choice(message: Message, key: str, default: Any = None) -> Any:
    return (message.metadata or {}).get(key, default)
