"""Messages Relais sends by itself (acknowledgements): queued through the
outbox like an agent's reply, but nobody answered the customer, so the
response clock keeps running and the conversation keeps its owner."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from relais.conversations.models import Conversation, DeliveryStatus, Direction, Message
from relais.conversations.outbox import enqueue_delivery
from relais.conversations.realtime import publish_message
from relais.core.events import record_event


def send_automatic_message(
    conversation: Conversation, body: str, *, reason: str, metadata: dict[str, Any] | None = None
) -> Message:
    """Queue an automatic message (`reason`, e.g. "acknowledgement") to the
    customer and send it after commit. Records a message.queued Event."""
    with transaction.atomic():
        return queue_unauthored_message(
            conversation, body, metadata={**(metadata or {}), "automatic": reason}, automatic=reason
        )


def queue_unauthored_message(
    conversation: Conversation, body: str, *, metadata: dict[str, Any], **event_data: Any
) -> Message:
    """The outbox row of a message no agent wrote (an acknowledgement, the
    bot's answer), its message.queued Event (with `event_data`), the realtime
    push, and its delivery after commit. Call inside a transaction."""
    message = Message.objects.create(
        conversation=conversation,
        inbox_id=conversation.inbox_id,
        direction=Direction.OUTBOUND,
        author=None,
        body=body,
        status=DeliveryStatus.QUEUED,
        metadata=metadata,
    )
    record_event(
        "message.queued",
        conversation=conversation,
        message=message,
        channel=conversation.channel,
        **event_data,
    )
    publish_message(message)
    transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message
