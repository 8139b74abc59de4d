"""The agent console's websocket (`/ws/console/`, session auth).

On connect it joins the agent's own group and the group of every inbox the
agent may see; conversation groups are joined on request, after an access
check. Whatever the groups carry is forwarded as JSON: the database stays the
truth, and the page fetches what it shows through the normal, access-checked
views.

Client messages:
  {"type": "subscribe", "conversation_id": N}    -> joins conversation.N
  {"type": "unsubscribe", "conversation_id": N}
  {"type": "typing", "conversation_id": N}       -> agent.typing to conversation.N
  {"type": "presence", "presence": "online|away|busy|offline"}
  {"type": "heartbeat", "active": true|false}    -> every 30 s; active: the agent
                                                    used the page in the last minute

Activity is written on the agent for the automatic "away" (routing/presence.py):
connecting counts as activity and clears `disconnected_at`; an active heartbeat
moves `last_active_at`; closing sets `disconnected_at`.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from channels.db import database_sync_to_async
from django.utils import timezone

from relais.accounts.access import NotVisible, access_conversation, visible_inbox_ids
from relais.accounts.actions import InvalidAgentInput, set_presence
from relais.accounts.models import Agent
from relais.connectors.models import Inbox
from relais.core.realtime import RealtimeConsumer, agent_group, conversation_group, inbox_group

# Close code for "log in first" (4000-4999 are free for applications).
CLOSE_UNAUTHENTICATED = 4401
# A console shows one conversation at a time; a few tabs' worth is plenty.
MAX_SUBSCRIPTIONS = 20
# At most one activity write per connection in this time, whatever the client
# sends. The page beats every 30 s: a little less keeps network jitter from
# skipping a beat (which would delay healing a stale `disconnected_at` past
# the 60 s grace of routing/presence.py).
HEARTBEAT_MIN_GAP_SECONDS = 28.0


class ConsoleConsumer(RealtimeConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # Accept first so the browser sees the code and stops reconnecting.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.agent_id: int = user.pk
        self.author = user.name or user.email.split("@")[0]
        self.groups_joined: set[str] = set()
        self.subscriptions: set[int] = set()
        self.last_heartbeat_write = time.monotonic()
        # Join before accepting: an event sent as the socket opens must not
        # fall between the handshake and the subscriptions.
        await self._join(agent_group(user.pk))
        for inbox_id in await _visible_inbox_ids(user.pk):
            await self._join(inbox_group(inbox_id))
        await self.accept()
        # After joining: events sent meanwhile must not be missed for a write.
        await _record_connected(user.pk, timezone.now())

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)
        if hasattr(self, "agent_id"):
            await _record_disconnected(self.agent_id, timezone.now())

    async def receive_json(self, content: Any, **kwargs) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "subscribe":
            await self._subscribe(content.get("conversation_id"))
        elif kind == "unsubscribe":
            await self._unsubscribe(content.get("conversation_id"))
        elif kind == "typing":
            await self._typing(content.get("conversation_id"))
        elif kind == "presence":
            await self._presence(content.get("presence"))
        elif kind == "heartbeat":
            await self._heartbeat(content.get("active"))

    async def relais_event(self, message: dict) -> None:
        await self.send_json(message["event"])

    async def _subscribe(self, conversation_id: Any) -> None:
        if not await self._may_see(conversation_id) or len(self.subscriptions) >= MAX_SUBSCRIPTIONS:
            await self.send_json(
                {"name": "error", "error": "not_found", "conversation_id": conversation_id}
            )
            return
        self.subscriptions.add(conversation_id)
        await self._join(conversation_group(conversation_id))
        await self.send_json({"name": "subscribed", "conversation_id": conversation_id})

    async def _unsubscribe(self, conversation_id: Any) -> None:
        if conversation_id in self.subscriptions:
            self.subscriptions.discard(conversation_id)
            group = conversation_group(conversation_id)
            self.groups_joined.discard(group)
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _typing(self, conversation_id: Any) -> None:
        if conversation_id not in self.subscriptions and not await self._may_see(conversation_id):
            return
        event = {
            "name": "agent.typing",
            "conversation_id": conversation_id,
            "author": self.author,
            "agent_id": self.agent_id,
        }
        await self.channel_layer.group_send(
            conversation_group(conversation_id), {"type": "relais.event", "event": event}
        )

    async def _presence(self, presence: Any) -> None:
        try:
            await _set_presence(self.agent_id, str(presence))
        except InvalidAgentInput:
            await self.send_json({"name": "error", "error": "invalid_presence"})

    async def _heartbeat(self, active: Any) -> None:
        now = time.monotonic()
        if now - self.last_heartbeat_write < HEARTBEAT_MIN_GAP_SECONDS:
            return
        self.last_heartbeat_write = now
        await _record_heartbeat(self.agent_id, active is True, timezone.now())

    async def _may_see(self, conversation_id: Any) -> bool:
        if not isinstance(conversation_id, int) or isinstance(conversation_id, bool):
            return False
        return await _can_access(self.agent_id, conversation_id)

    async def _join(self, group: str) -> None:
        self.groups_joined.add(group)
        await self.channel_layer.group_add(group, self.channel_name)


# Each check loads the agent afresh: a websocket lives for hours, and team
# membership or deactivation must count from the next request on.


@database_sync_to_async
def _visible_inbox_ids(agent_id: int) -> list[int]:
    ids = visible_inbox_ids(Agent.objects.get(pk=agent_id))
    return list(Inbox.objects.values_list("pk", flat=True)) if ids is None else ids


@database_sync_to_async
def _can_access(agent_id: int, conversation_id: int) -> bool:
    agent = Agent.objects.filter(pk=agent_id, is_active=True).first()
    if agent is None:
        return False
    try:
        access_conversation(agent, conversation_id)
    except NotVisible:
        return False
    return True


@database_sync_to_async
def _set_presence(agent_id: int, presence: str) -> None:
    set_presence(Agent.objects.get(pk=agent_id), presence)


# Console activity, for routing/presence.py. Plain UPDATEs: no Event (a
# heartbeat is not history) and no realtime push.


@database_sync_to_async
def _record_connected(agent_id: int, now: datetime) -> None:
    Agent.objects.filter(pk=agent_id).update(last_active_at=now, disconnected_at=None)


@database_sync_to_async
def _record_heartbeat(agent_id: int, active: bool, now: datetime) -> None:
    # Any heartbeat proves a console is open: it heals a `disconnected_at` left
    # by another tab closing, or by the old page's close arriving after the new
    # page's connect. The idle case writes only when there is one to clear.
    if active:
        Agent.objects.filter(pk=agent_id).update(last_active_at=now, disconnected_at=None)
    else:
        Agent.objects.filter(pk=agent_id, disconnected_at__isnull=False).update(
            disconnected_at=None
        )


@database_sync_to_async
def _record_disconnected(agent_id: int, now: datetime) -> None:
    Agent.objects.filter(pk=agent_id).update(disconnected_at=now)
