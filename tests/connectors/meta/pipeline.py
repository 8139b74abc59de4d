"""Drive a Meta connector's translation through the real pipeline, the way the
webhook route does: receive each message, apply each status report."""

from __future__ import annotations

from relais.connectors.meta.delivery import Translation
from relais.conversations.actions import receive_message
from relais.conversations.models import Message
from relais.conversations.outbox import update_delivery_status


def apply(inbox, translation: Translation):
    results = [receive_message(message) for message in translation.messages]
    for report in translation.statuses:
        message = Message.objects.filter(
            inbox=inbox, provider_message_id=report.provider_message_id
        ).first()
        if message is not None:
            update_delivery_status(message, report.status, report.error)
    return results
