"""Websocket tests that wait on what they expect, not on the clock.

channels' WebsocketCommunicator gives up after one second (connecting,
receiving, disconnecting). On a loaded machine a consumer's trips to the
database thread take longer than that, and a disconnect cut short cancels the
consumer's last writes. The waits here are only a safety net: each returns as
soon as what it waits for has happened, so a passing test is not slower.
"""

from __future__ import annotations

from channels.testing import WebsocketCommunicator

# Long enough for any machine, short enough that a real hang fails the test
# well before pytest-timeout kills the whole worker.
PATIENCE_SECONDS = 30.0


class Communicator(WebsocketCommunicator):
    """A WebsocketCommunicator whose waits default to PATIENCE_SECONDS.

    Each method is overridden because the parent passes its own timeout on
    (receive_json_from -> receive_from -> receive_output)."""

    async def connect(self, timeout: float = PATIENCE_SECONDS):
        return await super().connect(timeout)

    async def receive_output(self, timeout: float = PATIENCE_SECONDS):
        return await super().receive_output(timeout)

    async def receive_from(self, timeout: float = PATIENCE_SECONDS):
        return await super().receive_from(timeout)

    async def receive_json_from(self, timeout: float = PATIENCE_SECONDS):
        return await super().receive_json_from(timeout)

    async def disconnect(self, code: int = 1000, timeout: float = PATIENCE_SECONDS):
        return await super().disconnect(code, timeout)
