"""The console websocket: who hears what, and which requests are refused."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser

from relais.accounts.models import Presence
from relais.conversations.actions import receive_message
from relais.core.realtime import inbox_group
from relais.web.consumers import ConsoleConsumer
from tests.factories import inbound, make_agent, make_conversation, make_inbox, make_team
from tests.sockets import Communicator

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]


@pytest.fixture
def world(db):
    inbox = make_inbox(name="Shop chat")
    team = make_team(inboxes=[inbox])
    alice = make_agent(teams=[team], name="Alice")
    elsewhere = make_inbox(name="Other shop")
    oscar = make_agent(teams=[make_team(inboxes=[elsewhere])], name="Oscar")
    return {"inbox": inbox, "alice": alice, "elsewhere": elsewhere, "oscar": oscar}


async def console_socket(user) -> Communicator:
    communicator = Communicator(ConsoleConsumer.as_asgi(), "/ws/console/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    # The consumer handles one message at a time: once a frame is answered,
    # the connect handler (its write after accepting) is done. Events heard
    # before the answer (through Redis, a broadcast made just before
    # connecting can still arrive) are not what the tests look at.
    await communicator.send_json_to({"type": "subscribe", "conversation_id": "not-an-id"})
    while (answer := await communicator.receive_json_from())["name"] != "error":
        pass
    assert answer["error"] == "not_found"
    return communicator


async def receive_named(communicator, name: str) -> dict:
    """The next event called `name` (one action may publish several)."""
    for _ in range(10):
        event = await communicator.receive_json_from()
        if event.get("name") == name:
            return event
    raise AssertionError(f"no {name} event")


async def test_anonymous_connection_is_closed_with_4401():
    communicator = Communicator(ConsoleConsumer.as_asgi(), "/ws/console/")
    communicator.scope["user"] = AnonymousUser()
    connected, _ = await communicator.connect()
    assert connected  # accepted only to tell the browser why it is closed
    closing = await communicator.receive_output()
    assert closing == {"type": "websocket.close", "code": 4401}


async def test_agent_hears_new_messages_on_their_inboxes_only(world):
    alice = await console_socket(world["alice"])
    oscar = await console_socket(world["oscar"])
    await sync_to_async(receive_message)(inbound(world["inbox"], "Hello from the shop"))
    event = await receive_named(alice, "message.created")
    assert event["message"]["body"] == "Hello from the shop"
    assert event["message"]["kind"] == "message"
    assert await oscar.receive_nothing(timeout=0.2)
    await alice.disconnect()
    await oscar.disconnect()


async def test_agent_hears_events_while_the_database_thread_is_busy(world):
    alice = await console_socket(world["alice"])
    started, release = threading.Event(), threading.Event()

    def hold_the_database_thread():
        started.set()
        release.wait(timeout=10)

    busy = asyncio.ensure_future(database_sync_to_async(hold_the_database_thread)())
    while not started.is_set():
        await asyncio.sleep(0.01)
    try:
        event = {"name": "conversation.updated", "conversation_id": 7, "status": "open"}
        await get_channel_layer().group_send(
            inbox_group(world["inbox"].pk), {"type": "relais.event", "event": event}
        )
        # Events do not queue behind database work (customers' messages being stored).
        assert await alice.receive_json_from() == event
    finally:
        release.set()
        await busy
    await alice.disconnect()


async def test_subscribing_to_a_visible_conversation_then_hearing_typing(world):
    conversation = await sync_to_async(make_conversation)(world["inbox"], "Hi")
    alice = await console_socket(world["alice"])
    await alice.send_json_to({"type": "subscribe", "conversation_id": conversation.pk})
    assert await receive_named(alice, "subscribed") == {
        "name": "subscribed",
        "conversation_id": conversation.pk,
    }
    await alice.send_json_to({"type": "typing", "conversation_id": conversation.pk})
    typing = await receive_named(alice, "agent.typing")
    assert typing["conversation_id"] == conversation.pk
    assert typing["author"] == "Alice"
    await alice.disconnect()


async def test_subscribing_to_an_invisible_conversation_is_refused(world):
    conversation = await sync_to_async(make_conversation)(world["elsewhere"], "Private")
    alice = await console_socket(world["alice"])
    for bad in (conversation.pk, 999_999, "1", None, True):
        await alice.send_json_to({"type": "subscribe", "conversation_id": bad})
        refused = await alice.receive_json_from()
        assert refused["name"] == "error"
    # Nothing from that conversation reaches Alice, neither messages nor typing.
    await sync_to_async(receive_message)(
        inbound(world["elsewhere"], "Still private", conversation_id=conversation.pk)
    )
    await alice.send_json_to({"type": "typing", "conversation_id": conversation.pk})
    assert await alice.receive_nothing(timeout=0.2)
    await alice.disconnect()


async def test_typing_in_an_invisible_conversation_reaches_nobody(world):
    conversation = await sync_to_async(make_conversation)(world["elsewhere"], "Private")
    oscar = await console_socket(world["oscar"])
    await oscar.send_json_to({"type": "subscribe", "conversation_id": conversation.pk})
    await receive_named(oscar, "subscribed")
    alice = await console_socket(world["alice"])
    await alice.send_json_to({"type": "typing", "conversation_id": conversation.pk})
    assert await oscar.receive_nothing(timeout=0.2)
    await alice.disconnect()
    await oscar.disconnect()


async def test_presence_change_is_saved_and_echoed_to_the_agent(world):
    alice = await console_socket(world["alice"])
    await alice.send_json_to({"type": "presence", "presence": "busy"})
    assert await receive_named(alice, "agent.presence") == {
        "name": "agent.presence",
        "presence": "busy",
    }
    await world["alice"].arefresh_from_db()
    assert world["alice"].presence == Presence.BUSY
    await alice.send_json_to({"type": "presence", "presence": "on the moon"})
    assert (await alice.receive_json_from())["name"] == "error"
    await alice.disconnect()


async def test_malformed_client_messages_are_ignored(world):
    alice = await console_socket(world["alice"])
    await alice.send_json_to(["not", "an", "object"])
    await alice.send_json_to({"type": "launch-rockets"})
    assert await alice.receive_nothing(timeout=0.2)
    await alice.disconnect()
