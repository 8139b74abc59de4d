"""Realtime fan-out through the Redis channel layer, as between processes."""

import asyncio
import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings as django_settings

from relais.conversations.actions import receive_message
from relais.core.realtime import broadcast, inbox_group
from tests.factories import inbound
from tests.scaleout import needs_postgres, needs_redis

pytestmark = needs_redis
RECEIVE_TIMEOUT_SECONDS = 10


@pytest.fixture
def redis_layer(settings):
    """The Redis layer under a key prefix of its own: parallel test workers
    share the server, and their inbox ids collide."""
    config = dict(django_settings.CHANNEL_LAYERS["default"]["CONFIG"])
    config["prefix"] = f"relais-test-{uuid.uuid4().hex[:12]}:"
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": config}
    }
    layer = get_channel_layer()
    yield layer
    async_to_sync(layer.flush)()


async def join(layer, group: str) -> str:
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    return channel


def test_broadcast_reaches_a_channel_in_the_group_and_no_other(redis_layer):
    event = {"name": "agent.typing", "conversation_id": 42, "author": "Alice"}

    async def scenario():
        member = await join(redis_layer, "conversation.42")
        outsider = await join(redis_layer, "conversation.43")
        await sync_to_async(broadcast)(["conversation.42"], event)
        received = await asyncio.wait_for(redis_layer.receive(member), RECEIVE_TIMEOUT_SECONDS)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(redis_layer.receive(outsider), 0.3)
        return received

    assert async_to_sync(scenario)() == {"type": "relais.event", "event": event}


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_received_message_is_pushed_to_the_inbox_group_after_commit(redis_layer, inbox):
    async def scenario():
        channel = await join(redis_layer, inbox_group(inbox.pk))
        result = await sync_to_async(receive_message)(inbound(inbox, "Bonjour, vous êtes là ?"))
        names = set()
        while len(names) < 2:
            message = await asyncio.wait_for(redis_layer.receive(channel), RECEIVE_TIMEOUT_SECONDS)
            assert message["type"] == "relais.event"
            assert message["event"]["conversation_id"] == result.conversation.pk
            names.add(message["event"]["name"])
            if message["event"]["name"] == "message.created":
                assert message["event"]["message"]["id"] == result.message.pk
                assert message["event"]["message"]["body"] == "Bonjour, vous êtes là ?"
        return names

    assert async_to_sync(scenario)() == {"message.created", "conversation.created"}


def test_reading_outlasts_the_layers_blocking_pop():
    """An idle consumer waits in a blocking pop: a socket timeout as short
    (redis-py 8's default, 5 s) broke its receive and closed the websocket."""
    layer = get_channel_layer()
    timeout = layer.create_pool(0).connection_kwargs["socket_timeout"]
    assert timeout is not None and timeout > layer.brpop_timeout
