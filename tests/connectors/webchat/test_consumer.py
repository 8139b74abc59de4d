import asyncio
import threading

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from django.urls import path

from relais.connectors.base import IdentityRef
from relais.connectors.webchat import issue_visitor_token
from relais.connectors.webchat.consumer import VisitorConsumer
from relais.contacts.models import Contact
from relais.conversations.actions import add_note, receive_message, reply
from relais.conversations.models import Conversation, DeliveryStatus, Message
from relais.core.realtime import conversation_group
from tests.factories import inbound, make_inbox
from tests.sockets import Communicator

# Each test on a channel layer of its own (in memory, or Redis in the scale-out pass).
pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

application = URLRouter([path("ws/widget/<str:public_key>/", VisitorConsumer.as_asgi())])


async def connect(inbox, token):
    communicator = Communicator(application, f"/ws/widget/{inbox.public_key}/?token={token}")
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def send_message(communicator, body, client_id="c-1", **extra):
    await communicator.send_json_to(
        {"type": "message", "body": body, "client_id": client_id, **extra}
    )
    return await communicator.receive_json_from()


@database_sync_to_async
def count_messages():
    return Message.objects.count()


@database_sync_to_async
def agent_reply(conversation_id, agent, body):
    return reply(Conversation.objects.get(pk=conversation_id), agent, body)


@database_sync_to_async
def status_of(message_id):
    return Message.objects.get(pk=message_id).status


async def next_event(communicator, own_ids=()):
    """The next event the visitor hears, past the echoes of its own messages
    (ids in `own_ids`): the broadcast of a message that opens a conversation
    races the socket joining it, so its echo may or may not come back (the
    widget draws each id once). Anything else, another visitor's message
    included, is returned."""
    while True:
        event = await communicator.receive_json_from()
        echo = event.get("name") == "message.created" and event["message"]["id"] in own_ids
        if not echo:
            return event


@pytest.mark.parametrize("token", ["", "garbage", "forged:signature"])
async def test_bad_token_is_closed_with_4403(inbox, token):
    communicator = await connect(inbox, token)
    assert await communicator.receive_output() == {"type": "websocket.close", "code": 4403}


async def test_token_of_another_inbox_is_closed_with_4403(inbox):
    other = await database_sync_to_async(make_inbox)("webchat")
    communicator = await connect(inbox, issue_visitor_token(other, "v1"))
    assert (await communicator.receive_output())["code"] == 4403


async def test_inactive_inbox_and_anonymous_visitor_on_verified_only_inbox_are_closed(db):
    closed = await database_sync_to_async(make_inbox)("webchat")
    closed.is_active = False
    await database_sync_to_async(closed.save)()
    strict = await database_sync_to_async(make_inbox)("webchat", require_identity=True)
    for inbox in (closed, strict):
        communicator = await connect(inbox, issue_visitor_token(inbox, "v1"))
        assert (await communicator.receive_output())["code"] == 4403
    verified = await connect(strict, issue_visitor_token(strict, "v2", {"u": "cust-1"}))
    assert await send_message(verified, "Bonjour") != {}
    await verified.disconnect()


async def test_message_is_stored_acknowledged_and_idempotent_on_client_id(inbox):
    communicator = await connect(inbox, issue_visitor_token(inbox, "v1"))
    first = await send_message(communicator, "Bonjour", "abc-1")
    again = await send_message(communicator, "Bonjour", "abc-1")
    assert first["type"] == "ack" and first["client_id"] == "abc-1"
    assert first["message"]["body"] == "Bonjour" and first["message"]["direction"] == "in"
    assert again["type"] == "ack" and again["message"]["id"] == first["message"]["id"]
    assert await count_messages() == 1
    stored = await database_sync_to_async(Message.objects.get)()
    assert stored.provider_message_id == "webchat:v1:abc-1"
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "error"),
    [
        ("not json", "malformed"),
        ("[1, 2]", "unknown_type"),
        ('{"type": "hack"}', "unknown_type"),
        ('{"type": "message", "body": "hi"}', "invalid_client_id"),
        ('{"type": "message", "body": "hi", "client_id": "a b"}', "invalid_client_id"),
        ('{"type": "message", "body": 12, "client_id": "c1"}', "malformed"),
        ('{"type": "message", "body": "   ", "client_id": "c1"}', "empty"),
        ('{"type": "message", "body": "hi", "client_id": "c1", "email": "nope"}', "invalid_email"),
        ('{"type": "message", "body": "hi", "client_id": "c1", "email": 3}', "malformed"),
        ('{"type": "read", "message_id": "1"}', "invalid_message_id"),
        ('{"type": "read", "message_id": true}', "invalid_message_id"),
    ],
)
async def test_malformed_payloads_get_an_error_and_store_nothing(inbox, frame, error):
    communicator = await connect(inbox, issue_visitor_token(inbox, "v1"))
    await communicator.send_to(text_data=frame)
    answer = await communicator.receive_json_from()
    assert answer["type"] == "error" and answer["error"] == error
    assert await count_messages() == 0
    await communicator.disconnect()


async def test_too_long_message_and_binary_frames_are_refused(inbox, settings):
    communicator = await connect(inbox, issue_visitor_token(inbox, "v1"))
    too_long = "x" * (settings.RELAIS_MAX_MESSAGE_LENGTH + 1)
    assert (await send_message(communicator, too_long))["error"] == "too_long"
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await communicator.receive_json_from())["error"] == "malformed"
    assert await count_messages() == 0
    await communicator.disconnect()


async def test_agent_reply_reaches_the_visitor_but_notes_never_do(inbox, agent):
    communicator = await connect(inbox, issue_visitor_token(inbox, "v1"))
    ack = await send_message(communicator, "Bonjour")
    conversation_id = (await database_sync_to_async(Conversation.objects.get)()).pk
    conversation = await database_sync_to_async(Conversation.objects.get)(pk=conversation_id)
    await database_sync_to_async(add_note)(conversation, agent, "Client VIP, ne pas dire")
    answer = await agent_reply(conversation_id, agent, "Bonjour, je regarde.")
    # The note, sent before the reply, must not come first.
    event = await next_event(communicator, {ack["message"]["id"]})
    assert event["name"] == "message.created"
    assert event["message"]["id"] == answer.pk and event["message"]["kind"] == "message"
    assert event["message"]["author"] == "Alice Martin"
    status = await communicator.receive_json_from()
    assert status["name"] == "message.status" and status["message"]["status"] == "sent"
    assert ack["message"]["id"] < answer.pk
    await communicator.disconnect()


async def test_visitor_joins_existing_conversations_on_connect(inbox, agent):
    earlier = await database_sync_to_async(receive_message)(inbound(inbox, "Bonjour", visitor="v1"))
    conversation = await database_sync_to_async(Conversation.objects.get)()
    communicator = await connect(inbox, issue_visitor_token(inbox, "v1"))
    answer = await agent_reply(conversation.pk, agent, "Re-bonjour")
    # Through Redis, the broadcast of the earlier message may still be on its
    # way when the socket joins.
    event = await next_event(communicator, {earlier.message.pk})
    assert event["message"]["id"] == answer.pk
    await communicator.disconnect()


async def test_a_visitor_never_receives_another_visitors_messages(inbox, agent):
    alice = await connect(inbox, issue_visitor_token(inbox, "visitor-a"))
    bob = await connect(inbox, issue_visitor_token(inbox, "visitor-b"))
    from_alice = (await send_message(alice, "Message privé de A", "a-1"))["message"]["id"]
    from_bob = (await send_message(bob, "Message de B", "b-1"))["message"]["id"]
    conversations = await database_sync_to_async(
        lambda: {c.contact.identities.get().value: c.pk for c in Conversation.objects.all()}
    )()
    to_alice = await agent_reply(conversations["visitor-a"], agent, "Pour A seulement")
    to_bob = await agent_reply(conversations["visitor-b"], agent, "Pour B")
    # Bob's first event (past his own message) is his reply: nothing of
    # Alice's, neither her message nor her reply, came before it.
    event = await next_event(bob, {from_bob})
    assert event["message"]["id"] == to_bob.pk
    assert (await next_event(alice, {from_alice}))["message"]["id"] == to_alice.pk
    await alice.disconnect()
    await bob.disconnect()


async def test_a_visitor_cannot_mark_another_visitors_messages_read(inbox, agent):
    alice = await connect(inbox, issue_visitor_token(inbox, "visitor-a"))
    bob = await connect(inbox, issue_visitor_token(inbox, "visitor-b"))
    await send_message(alice, "Bonjour", "a-1")
    conversation = await database_sync_to_async(Conversation.objects.get)()
    to_alice = await agent_reply(conversation.pk, agent, "Bonjour Alice")
    await bob.send_json_to({"type": "read", "message_id": to_alice.pk})
    await bob.send_json_to({"type": "ping"})  # answered only after the read was handled
    assert (await bob.receive_json_from())["error"] == "unknown_type"
    assert await status_of(to_alice.pk) == DeliveryStatus.SENT

    await alice.send_json_to({"type": "read", "message_id": to_alice.pk})
    event = await alice.receive_json_from()
    while not (event.get("name") == "message.status" and event["message"]["status"] == "read"):
        event = await alice.receive_json_from()
    assert event["message"]["id"] == to_alice.pk
    assert await status_of(to_alice.pk) == DeliveryStatus.READ
    await alice.disconnect()
    await bob.disconnect()


async def test_typing_goes_to_agents_and_agent_typing_to_the_visitor(inbox):
    communicator = await connect(inbox, issue_visitor_token(inbox, "v1"))
    ack = await send_message(communicator, "Bonjour")
    conversation = await database_sync_to_async(Conversation.objects.get)()
    group = conversation_group(conversation.pk)
    layer = get_channel_layer()
    console = await layer.new_channel()
    await layer.group_add(group, console)

    await communicator.send_json_to({"type": "typing"})
    heard = await layer.receive(console)
    assert heard["event"] == {"name": "visitor.typing", "conversation_id": conversation.pk}

    agent_typing = {"name": "agent.typing", "conversation_id": conversation.pk, "author": "Alice"}
    await layer.group_send(group, {"type": "relais.event", "event": agent_typing})
    # The visitor's own typing was not echoed back: the first thing it hears
    # (past its own message) is the agent.
    assert await next_event(communicator, {ack["message"]["id"]}) == agent_typing
    await communicator.disconnect()


async def test_agent_typing_reaches_the_visitor_while_the_database_thread_is_busy(inbox):
    communicator = await connect(inbox, issue_visitor_token(inbox, "v1"))
    ack = await send_message(communicator, "Bonjour")
    conversation = await database_sync_to_async(Conversation.objects.get)()
    started, release = threading.Event(), threading.Event()

    def hold_the_database_thread():
        started.set()
        release.wait(timeout=10)

    busy = asyncio.ensure_future(database_sync_to_async(hold_the_database_thread)())
    while not started.is_set():
        await asyncio.sleep(0.01)
    try:
        agent_typing = {"name": "agent.typing", "conversation_id": conversation.pk, "author": "A"}
        await get_channel_layer().group_send(
            conversation_group(conversation.pk), {"type": "relais.event", "event": agent_typing}
        )
        # Events do not queue behind database work (other visitors' messages).
        assert await next_event(communicator, {ack["message"]["id"]}) == agent_typing
    finally:
        release.set()
        await busy
    await communicator.disconnect()


async def test_console_only_events_are_not_forwarded(inbox):
    communicator = await connect(inbox, issue_visitor_token(inbox, "v1"))
    ack = await send_message(communicator, "Bonjour")
    conversation = await database_sync_to_async(Conversation.objects.get)()
    group = conversation_group(conversation.pk)
    layer = get_channel_layer()
    note = {"id": 999, "kind": "note", "body": "secret", "direction": "out"}
    agent_typing = {"name": "agent.typing", "conversation_id": conversation.pk, "author": "A"}
    for event in (
        {"name": "conversation.updated", "conversation_id": conversation.pk, "assignee_id": 3},
        {"name": "message.created", "conversation_id": conversation.pk, "message": note},
        {"name": "message.created", "conversation_id": 424242, "message": {"kind": "message"}},
        # Delivered in order after the others: once it is heard, they were handled.
        agent_typing,
    ):
        await layer.group_send(group, {"type": "relais.event", "event": event})
    assert await next_event(communicator, {ack["message"]["id"]}) == agent_typing
    await communicator.disconnect()


async def test_verified_visitor_message_joins_their_existing_contact(inbox):
    known = await database_sync_to_async(receive_message)(
        inbound(inbox, "Ancien", identities=[IdentityRef("external_id", "cust-42", verified=True)])
    )
    communicator = await connect(inbox, issue_visitor_token(inbox, "v9", {"u": "cust-42"}))
    ack = await send_message(communicator, "Nouveau")
    message = await database_sync_to_async(Message.objects.select_related("conversation").get)(
        pk=ack["message"]["id"]
    )
    assert message.conversation.contact_id == known.conversation.contact_id
    assert await database_sync_to_async(Contact.objects.count)() == 1
    await communicator.disconnect()


async def test_offline_message_stores_the_email_on_the_contact(inbox):
    communicator = await connect(inbox, issue_visitor_token(inbox, "v1"))
    ack = await send_message(communicator, "Rappelez-moi", email="paul@example.com")
    assert ack["type"] == "ack"
    contact = await database_sync_to_async(Contact.objects.get)()
    assert contact.email == "paul@example.com"
    await communicator.disconnect()
