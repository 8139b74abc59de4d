"""The single-process channel layer: same deliveries as channels' in-memory
layer, with its expiry sweep run at most once per interval."""

import pytest
from channels.layers import InMemoryChannelLayer

from relais.core.realtime import LocalChannelLayer
from tests.waiting import async_wait_until

pytestmark = pytest.mark.asyncio

EVENT = {"type": "relais.event", "event": {"name": "message.created"}}


async def test_group_send_reaches_the_groups_members_only():
    layer = LocalChannelLayer()
    member, outsider = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("inbox.1", member)
    await layer.group_add("inbox.2", outsider)
    await layer.group_send("inbox.1", EVENT)
    assert await layer.receive(member) == EVENT
    assert outsider not in layer.channels


async def test_expired_messages_are_still_dropped_by_the_sweep():
    layer = LocalChannelLayer(expiry=-1)  # every message is born expired
    stale, listener = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("conversation.1", stale)
    await layer.send(stale, EVENT)
    await layer.group_send("conversation.2", EVENT)  # sends sweep first
    assert stale not in layer.channels
    assert stale not in layer.groups.get("conversation.1", {})
    assert listener not in layer.channels


async def test_busy_traffic_sweeps_once_per_interval(monkeypatch):
    sweeps = []
    monkeypatch.setattr(InMemoryChannelLayer, "_clean_expired", lambda self: sweeps.append(1))
    layer = LocalChannelLayer()
    layer.SWEEP_EVERY_SECONDS = 3600
    channel = await layer.new_channel()
    await layer.group_add("inbox.1", channel)
    for _ in range(20):
        await layer.group_send("inbox.1", EVENT)
        await layer.receive(channel)
    assert len(sweeps) == 1


class RecordingLayer:
    """A stand-in for a layer that reaches other processes (like Redis's)."""

    def __init__(self) -> None:
        self.sent = []

    async def group_send(self, group, message):
        self.sent.append(group)


async def test_a_process_without_listeners_skips_the_in_memory_layer_only(monkeypatch):
    import asyncio

    from relais.core import realtime

    monkeypatch.setattr(realtime, "_no_local_listeners", True)
    local = LocalChannelLayer()
    member = await local.new_channel()
    await local.group_add("inbox.1", member)
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: local)
    await asyncio.to_thread(realtime.broadcast, ["inbox.1"], {"name": "message.created"})
    await asyncio.sleep(0.05)
    assert member not in local.channels  # (a queue appears with the first message)

    remote = RecordingLayer()
    monkeypatch.setattr(realtime, "get_channel_layer", lambda: remote)
    await asyncio.to_thread(realtime.broadcast, ["inbox.1"], {"name": "message.created"})
    # Sent from the background loop's thread, whenever it gets the CPU.
    await async_wait_until(lambda: remote.sent, "the broadcast through the remote layer")
    assert remote.sent == ["inbox.1"]
