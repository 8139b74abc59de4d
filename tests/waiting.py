"""Waiting for what another thread or process does, on the condition itself.

A fixed sleep is too short on a loaded machine and wasted time on an idle one;
these return as soon as the condition holds. The timeout is only a safety net
(a hang fails with a message instead of at pytest-timeout).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

PATIENCE_SECONDS = 30.0
INTERVAL_SECONDS = 0.02


def wait_until(condition: Callable[[], T], what: str, timeout: float = PATIENCE_SECONDS) -> T:
    """The first truthy value of `condition()`, polled; AssertionError after
    `timeout` seconds, naming `what` was awaited."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout:.0f} s for {what}")
        time.sleep(INTERVAL_SECONDS)
    return value


async def async_wait_until(
    condition: Callable[[], T], what: str, timeout: float = PATIENCE_SECONDS
) -> T:
    """wait_until for a test on an event loop: the loop keeps running meanwhile."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout:.0f} s for {what}")
        await asyncio.sleep(INTERVAL_SECONDS)
    return value
