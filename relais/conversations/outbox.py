"""The outbox: queued outbound messages sent by a background task, with retries.

A message row exists (status queued) before any network call. A task claims it
with a lease (a conditional UPDATE, so two workers never send it at once), calls
the connector and records the outcome; a temporary failure is retried with
exponential backoff, a permanent one marks the message failed with the
provider's reason. A worker that dies mid-send leaves the row queued with a
lease that expires; `sweep_outbox`, run periodically by `relais worker`, then
queues it again. Delivery is therefore at least once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from relais.connectors.base import PermanentSendError, TemporarySendError
from relais.conversations.models import DeliveryStatus, Direction, Message, MessageKind
from relais.conversations.realtime import publish_message
from relais.core.events import record_event

log = logging.getLogger(__name__)

# How long a send may take before another worker may try the message again.
SEND_LEASE = timedelta(minutes=5)
# A queued message with no lease is swept once it is this old (its task was lost).
UNCLAIMED_GRACE = timedelta(minutes=2)


def enqueue_delivery(message_id: int, delay_seconds: float = 0) -> None:
    """Queue a delivery task. A delayed retry on a backend that cannot defer
    tasks is left to `sweep_outbox`, which honours the lease set for it."""
    from relais.conversations.tasks import deliver_message_task

    task = deliver_message_task
    if delay_seconds:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    task.enqueue(message_id)


def sweep_outbox(limit: int = 500) -> int:
    """Queue again the messages whose send was lost (worker crash, lost task) or
    whose retry time has come; returns how many."""
    now = timezone.now()
    stale = (
        Message.objects.filter(
            status=DeliveryStatus.QUEUED,
            direction=Direction.OUTBOUND,
            kind=MessageKind.MESSAGE,
        )
        .filter(
            Q(lease_until__lte=now)
            | Q(lease_until__isnull=True, created_at__lte=now - UNCLAIMED_GRACE)
        )
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(stale)
    for message_id in ids:
        enqueue_delivery(message_id)
    return len(ids)


def _connector_for(message: Message):
    """The conversation's channel answers for it when it is not the inbox's
    kind (a callback request on an API inbox: nothing is written back)."""
    from relais.connectors.registry import CONNECTORS

    channel = message.conversation.channel
    if channel != message.inbox.kind and channel in CONNECTORS:
        return CONNECTORS[channel]
    return message.inbox.connector


def backoff_seconds(attempt: int) -> float:
    """Delay before retry number `attempt` (1-based): base, 2×base, 4×base…"""
    return settings.RELAIS_SEND_BACKOFF_SECONDS * (2 ** (attempt - 1))


def deliver_message(message_id: int) -> str:
    """Send one queued message through its connector; returns the new status.

    Safe to run twice, even at once: only a queued message whose lease is free
    is claimed, in one conditional UPDATE."""
    now = timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id, status=DeliveryStatus.QUEUED)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .update(lease_until=now + SEND_LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    message = Message.objects.select_related("inbox", "conversation", "author").get(pk=message_id)
    connector = _connector_for(message)
    try:
        result = connector.send(message)
    except TemporarySendError as error:
        return _retry_or_fail(message, str(error), error.retry_after)
    except PermanentSendError as error:
        return _mark(message, DeliveryStatus.FAILED, error=str(error))
    except Exception as error:
        log.exception("send crashed", extra={"message_id": message.pk})
        return _retry_or_fail(message, f"unexpected error: {error}")
    return _mark(message, result.status, provider_message_id=result.provider_message_id)


def _retry_or_fail(message: Message, reason: str, retry_after: float | None = None) -> str:
    if message.attempts >= settings.RELAIS_SEND_MAX_ATTEMPTS:
        return _mark(message, DeliveryStatus.FAILED, error=reason)
    # The provider's Retry-After, when it gave one, is a floor: sooner would
    # only be refused again.
    delay = max(backoff_seconds(message.attempts), retry_after or 0)
    # The lease now holds until the retry time, so the sweep does not jump ahead.
    Message.objects.filter(pk=message.pk).update(
        error=reason, lease_until=timezone.now() + timedelta(seconds=delay)
    )
    enqueue_delivery(message.pk, delay)
    log.warning("send failed, will retry", extra={"message_id": message.pk, "reason": reason})
    return DeliveryStatus.QUEUED


def _mark(message: Message, status: str, *, error: str = "", provider_message_id: str = "") -> str:
    with transaction.atomic():
        message.status = status
        message.error = error
        message.status_changed_at = timezone.now()
        message.lease_until = None
        fields = ["status", "error", "status_changed_at", "lease_until"]
        if provider_message_id:
            message.provider_message_id = provider_message_id
            fields.append("provider_message_id")
        message.save(update_fields=fields)
        record_event(
            f"message.{status}",
            conversation=message.conversation,
            message=message,
            channel=message.inbox.kind,
            error=error or None,
        )
        publish_message(message, "message.status")
    return status


def update_delivery_status(message: Message, status: str, error: str = "") -> None:
    """Apply a status the provider reported later (delivered, read, failed).
    Statuses only move forward."""
    order = [
        DeliveryStatus.QUEUED,
        DeliveryStatus.SENT,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.READ,
    ]
    moves_back = (
        status != DeliveryStatus.FAILED
        and message.status in order
        and status in order
        and order.index(status) <= order.index(message.status)
    )
    if moves_back:
        return
    _mark(message, status, error=error)
