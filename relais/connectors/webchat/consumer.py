"""The widget's websocket: /ws/widget/<public_key>/?token=<visitor token>.

The visitor authenticates with their signed token (no cookies). The consumer
joins only the `conversation.<id>` groups of the visitor's own conversations
and forwards only public messages and agent typing; notes, visitor typing and
console events never reach the widget.

Client → server: {"type":"message","body","client_id","email"?},
{"type":"typing"}, {"type":"read","message_id"}. Answers: {"type":"ack",
"client_id","message"} or {"type":"error","error":<code>,"client_id"?}.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import DatabaseError

from relais.connectors.webchat.actions import (
    VisitorInputError,
    bot_replies_after,
    mark_replies_read,
    receive_visitor_message,
    visitor_conversation_ids,
)
from relais.connectors.webchat.visitors import (
    Visitor,
    active_webchat_inbox,
    visitor_from_token,
    webchat_config,
)
from relais.conversations.errors import InvalidInput
from relais.conversations.realtime import message_payload
from relais.core.realtime import RealtimeConsumer, conversation_group

log = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
# Room for the longest body plus the envelope, JSON escapes included.
MAX_FRAME_CHARS = settings.RELAIS_MAX_MESSAGE_LENGTH * 2 + 4096
# A quick reply's payload ("article:42", "yes"): what the bot's button meant.
MAX_PAYLOAD_CHARS = 64
TYPING_INTERVAL_SECONDS = 2.0
FORWARDED_MESSAGE_EVENTS = {"message.created", "message.status"}


class VisitorConsumer(RealtimeConsumer):
    visitor: Visitor | None = None

    async def connect(self) -> None:
        self.conversation_ids: set[int] = set()
        self.last_typing_at = 0.0
        public_key = self.scope["url_route"]["kwargs"]["public_key"]
        token = parse_qs(self.scope.get("query_string", b"").decode()).get("token", [""])[0]
        self.visitor = await self._authenticate(public_key, token)
        if self.visitor is None:
            # Accept before closing so the browser sees 4403 (a pre-accept close
            # is an HTTP 403 the page cannot tell from a network error).
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # Join before accepting: a reply sent the moment the socket opens must
        # not fall between the handshake and the group subscription.
        for conversation_id in await database_sync_to_async(visitor_conversation_ids)(self.visitor):
            await self._join(conversation_id)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for conversation_id in getattr(self, "conversation_ids", ()):
            await self.channel_layer.group_discard(
                conversation_group(conversation_id), self.channel_name
            )

    @database_sync_to_async
    def _authenticate(self, public_key: str, token: str) -> Visitor | None:
        inbox = active_webchat_inbox(public_key)
        if inbox is None:
            return None
        visitor = visitor_from_token(inbox, token)
        if visitor is None:
            return None
        if webchat_config(inbox).require_identity and not visitor.is_verified:
            return None
        return visitor

    async def _join(self, conversation_id: int) -> None:
        if conversation_id not in self.conversation_ids:
            self.conversation_ids.add(conversation_id)
            await self.channel_layer.group_add(
                conversation_group(conversation_id), self.channel_name
            )

    # Client → server

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        if self.visitor is None:
            return
        if text_data is None or len(text_data) > MAX_FRAME_CHARS:
            await self._error("malformed")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._error("malformed")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "message":
            await self._receive_message(content)
        elif kind == "typing":
            await self._receive_typing()
        elif kind == "read":
            await self._receive_read(content)
        else:
            await self._error("unknown_type")

    async def _receive_message(self, content: dict) -> None:
        client_id, body, email, choice, locale = (
            content.get(key) for key in ("client_id", "body", "email", "payload", "locale")
        )
        if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
            await self._error("invalid_client_id")
            return
        if not isinstance(body, str) or not isinstance(email or "", str):
            await self._error("malformed", client_id)
            return
        if not isinstance(choice or "", str) or len(choice or "") > MAX_PAYLOAD_CHARS:
            await self._error("malformed", client_id)
            return
        try:
            conversation_id, payload, later = await database_sync_to_async(_receive_and_render)(
                self.visitor, body, client_id, email or "", choice or "", str(locale or "")
            )
        except VisitorInputError as error:
            await self._error(error.code, client_id)
            return
        except InvalidInput:
            await self._error("invalid", client_id)
            return
        except DatabaseError:
            # Nothing was stored (one transaction); the widget retries the same
            # client_id, which stays idempotent.
            log.warning("webchat message not stored", exc_info=True, extra={"client_id": client_id})
            await self._error("unavailable", client_id)
            return
        await self._join(conversation_id)
        await self.send_json({"type": "ack", "client_id": client_id, "message": payload})
        for message in later:
            # Sent before this socket joined the conversation's group (the bot
            # answering the first message of a new conversation, at once).
            await self.send_json(
                {"name": "message.created", "conversation_id": conversation_id, "message": message}
            )

    async def _receive_typing(self) -> None:
        now = time.monotonic()
        if not self.conversation_ids or now - self.last_typing_at < TYPING_INTERVAL_SECONDS:
            return
        self.last_typing_at = now
        conversation_id = max(self.conversation_ids)
        await self.channel_layer.group_send(
            conversation_group(conversation_id),
            {
                "type": "relais.event",
                "event": {"name": "visitor.typing", "conversation_id": conversation_id},
            },
        )

    async def _receive_read(self, content: dict) -> None:
        message_id = content.get("message_id")
        if type(message_id) is not int or message_id <= 0:
            await self._error("invalid_message_id")
            return
        try:
            await database_sync_to_async(mark_replies_read)(self.visitor, message_id)
        except DatabaseError:
            log.warning("webchat read receipt not stored", exc_info=True)
            await self._error("read_failed")

    async def _error(self, code: str, client_id: str | None = None) -> None:
        answer = {"type": "error", "error": code}
        if client_id:
            answer["client_id"] = client_id
        await self.send_json(answer)

    # Server → client

    async def relais_event(self, message: dict) -> None:
        event = message.get("event") or {}
        if event.get("conversation_id") not in self.conversation_ids:
            return
        name = event.get("name")
        if name in FORWARDED_MESSAGE_EVENTS:
            if (event.get("message") or {}).get("kind") != "message":
                return
            await self.send_json(
                {
                    "name": name,
                    "conversation_id": event["conversation_id"],
                    "message": event["message"],
                }
            )
        elif name == "agent.typing":
            await self.send_json(
                {
                    "name": name,
                    "conversation_id": event["conversation_id"],
                    "author": event.get("author", ""),
                }
            )


def _receive_and_render(
    visitor: Visitor, body: str, client_id: str, email: str, choice: str, locale: str
) -> tuple[int, dict[str, Any]]:
    """Store the message and build its ack in one trip to the database thread,
    with the public messages already sent after it (see bot_replies_after)."""
    result = receive_visitor_message(
        visitor, body, client_id, email=email, payload=choice, locale=locale
    )
    later = bot_replies_after(result.message) if result.new_conversation else []
    return result.conversation.pk, message_payload(result.message), later
