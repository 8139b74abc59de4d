"""The outbox: queued outbound messages sent by a background task, with retries.

A message row exists (status queued) before any network call. The task claims
it, calls the connector and records the outcome; a temporary failure is retried
with exponential backoff, a permanent one marks the message failed with the
provider's reason. A crash mid-send leaves the row queued, and the next run
(`relais worker` sweeping stale rows, or a retry) completes it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relais.connectors.base import PermanentSendError, TemporarySendError
from relais.conversations.models import DeliveryStatus, Message
from relais.conversations.realtime import publish_message
from relais.core.events import record_event

log = logging.getLogger(__name__)


def enqueue_delivery(message_id: int, delay_seconds: float = 0) -> None:
    from relais.conversations.tasks import deliver_message_task

    task = deliver_message_task
    if delay_seconds:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay_seconds))
    task.enqueue(message_id)


def backoff_seconds(attempt: int) -> float:
    """Delay before retry number `attempt` (1-based): base, 2×base, 4×base…"""
    return settings.RELAIS_SEND_BACKOFF_SECONDS * (2 ** (attempt - 1))


def deliver_message(message_id: int) -> str:
    """Send one queued message through its connector; returns the new status.

    Safe to run twice: only a queued message is sent."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("inbox", "conversation", "author")
            .filter(pk=message_id, status=DeliveryStatus.QUEUED)
            .first()
        )
        if message is None:
            return "skipped"
        message.attempts += 1
        message.save(update_fields=["attempts"])
    connector = message.inbox.connector
    try:
        result = connector.send(message)
    except TemporarySendError as error:
        return _retry_or_fail(message, str(error))
    except PermanentSendError as error:
        return _mark(message, DeliveryStatus.FAILED, error=str(error))
    except Exception as error:
        log.exception("send crashed", extra={"message_id": message.pk})
        return _retry_or_fail(message, f"unexpected error: {error}")
    return _mark(message, result.status, provider_message_id=result.provider_message_id)


def _retry_or_fail(message: Message, reason: str) -> str:
    if message.attempts >= settings.RELAIS_SEND_MAX_ATTEMPTS:
        return _mark(message, DeliveryStatus.FAILED, error=reason)
    Message.objects.filter(pk=message.pk).update(error=reason)
    enqueue_delivery(message.pk, backoff_seconds(message.attempts))
    log.warning("send failed, will retry", extra={"message_id": message.pk, "reason": reason})
    return DeliveryStatus.QUEUED


def _mark(message: Message, status: str, *, error: str = "", provider_message_id: str = "") -> str:
    with transaction.atomic():
        message.status = status
        message.error = error
        message.status_changed_at = timezone.now()
        fields = ["status", "error", "status_changed_at"]
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
