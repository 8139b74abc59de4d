"""Realtime fan-out to websocket consumers through the channel layer.

Group names: `inbox.<id>` (consoles showing that inbox), `conversation.<id>`
(consoles and the widget showing it), `agent.<id>` (one agent's sessions).
Events are sent after the transaction commits, so a client never hears of a
row it cannot read yet.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def inbox_group(inbox_id: int) -> str:
    return f"inbox.{inbox_id}"


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def agent_group(agent_id: int) -> str:
    return f"agent.{agent_id}"


def broadcast(groups: list[str], event: dict[str, Any]) -> None:
    """Send `event` to every group now. Failures are logged, never raised: the
    database is the truth and clients catch up on their next fetch."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "relais.event", "event": event}

    async def send_to_all_groups() -> None:
        for group in groups:
            await layer.group_send(group, message)

    try:
        # One async_to_sync for all groups: outside an event loop (the worker,
        # scripts) each call starts a thread and a loop of its own.
        async_to_sync(send_to_all_groups)()
    except Exception:
        log.exception("realtime broadcast failed", extra={"event": event.get("name")})


def broadcast_on_commit(groups: list[str], event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: broadcast(groups, event))
