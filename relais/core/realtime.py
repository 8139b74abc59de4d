"""Realtime fan-out to websocket consumers through the channel layer.

Group names: `inbox.<id>` (consoles showing that inbox), `conversation.<id>`
(consoles and the widget showing it), `agent.<id>` (one agent's sessions).
Events are sent after the transaction commits, so a client never hears of a
row it cannot read yet.
"""

import asyncio
import logging
import os
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from asgiref.sync import SyncToAsync
from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def inbox_group(inbox_id: int) -> str:
    return f"inbox.{inbox_id}"


def conversation_group(conversation_id: int) -> str:
    return f"conversation.{conversation_id}"


def agent_group(agent_id: int) -> str:
    return f"agent.{agent_id}"


class RealtimeConsumer(AsyncJsonWebsocketConsumer):
    """Base of Relais' websocket consumers: frames and group events are
    handled on the event loop, never queued behind the database.

    Channels (4.2+) calls close_old_connections() through the database thread
    before every handler, frames and group events alike. That thread is the
    single one every consumer's database work runs on, so each event for a
    console waited behind every customer message being stored at the time:
    in bursts, hundreds of milliseconds (benchmarks/ws_latency.py). Database
    work in a consumer goes through database_sync_to_async, which closes stale
    connections on that thread before and after each call: the extra trip
    guards nothing here."""

    async def dispatch(self, message: dict) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class LocalChannelLayer(InMemoryChannelLayer):
    """Channels' in-memory layer (one server process, no Redis) that sweeps
    expired messages and group memberships at most once a second.

    The stock layer sweeps on every send and every receive, and a sweep walks
    every group of every open websocket: with 200 widgets, five sweeps per
    chat message cost about a millisecond of the event loop per message
    (a quarter of the server's CPU in benchmarks/ws_latency.py), growing with
    the number of visitors online. Messages expire after a minute and
    memberships after a day: a sweep a second keeps the same bounds."""

    SWEEP_EVERY_SECONDS = 1.0

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        self._next_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_EVERY_SECONDS
            super()._clean_expired()


_no_local_listeners = False


def no_local_listeners() -> None:
    """Declare that this process serves no websocket (`relais smtpd`): with the
    in-memory layer, which reaches only this process, broadcasts are skipped
    instead of being sent to nobody. Through Redis they still go out."""
    global _no_local_listeners
    _no_local_listeners = True


def broadcast(groups: list[str], event: dict[str, Any]) -> None:
    """Send `event` to every group. Failures are logged, never raised: the
    database is the truth and clients catch up on their next fetch.

    Inside the ASGI server (a database thread of its event loop) the send is
    scheduled on that loop; elsewhere (the worker, scripts) it is handed to a
    background loop. Either way this returns at once, and one thread's events
    keep their order (both loops run callbacks first in, first out)."""
    layer = get_channel_layer()
    if layer is None or (_no_local_listeners and isinstance(layer, InMemoryChannelLayer)):
        return
    message = {"type": "relais.event", "event": event}

    async def send_to_all_groups() -> None:
        for group in groups:
            await layer.group_send(group, message)

    def when_done(sent: asyncio.Task) -> None:
        _log_failure(sent, event)

    try:
        server_loop = _server_event_loop()
        if server_loop is not None:
            # The in-memory layer's queues belong to the server's loop: send
            # there, without waiting for it, since every consumer's database
            # work queues behind this thread.
            server_loop.call_soon_threadsafe(_start_on, server_loop, send_to_all_groups, when_done)
        else:
            # async_to_sync would start a thread and a loop for every call
            # (~1 ms): one long-lived loop serves every broadcast instead.
            _background.submit(send_to_all_groups, when_done)
    except Exception:
        log.exception("realtime broadcast failed", extra={"event": event.get("name")})


def broadcast_on_commit(groups: list[str], event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: broadcast(groups, event))


def _start_on(
    loop: asyncio.AbstractEventLoop,
    send: Callable[[], Coroutine],
    when_done: Callable[[asyncio.Task], None],
) -> None:
    loop.create_task(send()).add_done_callback(when_done)


def _server_event_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop this thread was called from through sync_to_async (the
    ASGI server's, or a test's), None in a plain thread. Checked as asgiref
    checks it: a loop of the parent process or a closed loop does not count."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or loop.is_closed():
        return None
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return loop


class _BackgroundSender:
    """One event loop in a daemon thread ("relais-broadcast"), started on first
    use, that runs the broadcasts of threads without a loop of their own.

    Waking the loop costs a system call and a switch of threads: while
    broadcasts keep coming, the loop looks for new ones every few milliseconds
    instead of being woken for each; it waits for a wake-up again once idle."""

    POLL_SECONDS = 0.002

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[tuple[Callable[[], Coroutine], Callable[[asyncio.Task], None]]] = []
        self._draining = False

    def submit(
        self, send: Callable[[], Coroutine], when_done: Callable[[asyncio.Task], None]
    ) -> None:
        """Run `send()` on the loop, then `when_done(task)`; returns at once."""
        with self._lock:
            self._pending.append((send, when_done))
            wake = not self._draining
            self._draining = True
            loop = self._started_loop()
        if wake:
            loop.call_soon_threadsafe(self._start_pending)

    def _started_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            threading.Thread(
                target=self._loop.run_forever, name="relais-broadcast", daemon=True
            ).start()
        return self._loop

    def _start_pending(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
            self._draining = bool(pending)
        for send, when_done in pending:
            self._loop.create_task(send()).add_done_callback(when_done)
        if pending:
            self._loop.call_later(self.POLL_SECONDS, self._start_pending)


_background = _BackgroundSender()
# A forked child has no such thread: it starts its own on first use.
os.register_at_fork(after_in_child=_background.__init__)


def _log_failure(sending: asyncio.Task, event: dict[str, Any]) -> None:
    if sending.cancelled():
        return
    error = sending.exception()
    if error is not None:
        log.error(
            "realtime broadcast failed",
            exc_info=(type(error), error, error.__traceback__),
            extra={"event": event.get("name")},
        )
