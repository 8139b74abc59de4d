"""receive_message under concurrent deliveries, on PostgreSQL's row locks and
unique constraints (SQLite serialises writers, so it cannot show these races)."""

import threading

import pytest
from django.db import connection

from relais.connectors.base import IdentityRef, InboundMessage
from relais.contacts.models import Contact, Identity
from relais.conversations import actions
from relais.conversations.actions import ReceiveResult, receive_message
from relais.conversations.models import Conversation, Message
from relais.core.models import Event
from tests.factories import inbound
from tests.scaleout import needs_postgres

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]

COPIES = 4


def deliver_at_once(monkeypatch, messages: list[InboundMessage]) -> list[ReceiveResult]:
    """Deliver `messages` from parallel threads, each with its own connection.

    Every thread opens its transaction before any may store its message, so
    the database constraints and locks, not luck, must settle the race."""
    # Timeouts are a safety net (each wait ends when the threads get there),
    # wide enough for four connections opening on a loaded machine.
    all_started = threading.Barrier(len(messages), timeout=30)
    started_once = threading.local()
    store = actions._store_inbound

    def wait_for_the_others_then_store(message, body):
        if not getattr(started_once, "done", False):
            started_once.done = True
            all_started.wait()
        return store(message, body)

    monkeypatch.setattr(actions, "_store_inbound", wait_for_the_others_then_store)
    results: list[ReceiveResult] = []
    errors: list[BaseException] = []

    def deliver(message: InboundMessage) -> None:
        try:
            results.append(receive_message(message))
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(message,)) for message in messages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(results) == len(messages)
    return results


def test_same_message_delivered_at_once_by_a_new_visitor_is_stored_once(inbox, monkeypatch):
    copy = inbound(inbox, "Bonjour ?", visitor="v-new", provider_message_id="pm-1")
    results = deliver_at_once(monkeypatch, [copy] * COPIES)
    assert sum(result.created for result in results) == 1
    assert len({result.message.pk for result in results}) == 1
    assert Message.objects.filter(provider_message_id="pm-1").count() == 1
    assert Contact.objects.count() == 1
    assert Conversation.objects.count() == 1
    assert Event.objects.filter(kind="message.received").count() == 1


def test_same_message_delivered_at_once_in_an_open_conversation_is_stored_once(inbox, monkeypatch):
    first = receive_message(inbound(inbox, "Bonjour", visitor="v1"))
    copy = inbound(inbox, "Vous êtes là ?", visitor="v1", provider_message_id="pm-2")
    results = deliver_at_once(monkeypatch, [copy] * COPIES)
    assert sum(result.created for result in results) == 1
    assert {result.conversation.pk for result in results} == {first.conversation.pk}
    assert Message.objects.filter(provider_message_id="pm-2").count() == 1
    first.conversation.refresh_from_db()
    assert first.conversation.unread_count == 2


def test_different_first_messages_of_one_visitor_at_once_share_contact_and_conversation(
    inbox, monkeypatch
):
    messages = [
        inbound(inbox, f"message {n}", visitor="v-burst", provider_message_id=f"burst-{n}")
        for n in range(COPIES)
    ]
    results = deliver_at_once(monkeypatch, messages)
    assert all(result.created for result in results)
    assert sum(result.new_conversation for result in results) == 1
    assert Identity.objects.filter(kind="visitor", value="v-burst").count() == 1
    assert Contact.objects.count() == 1
    conversation = Conversation.objects.get()
    assert conversation.messages.count() == COPIES
    assert conversation.unread_count == COPIES


def test_messages_at_once_after_a_resolved_conversation_open_only_one_new_one(inbox, monkeypatch):
    customer = IdentityRef("external_id", "cust-7", verified=True)
    receive_message(inbound(inbox, "hello", identities=[customer]))
    Conversation.objects.update(status="resolved")
    messages = [
        inbound(inbox, f"again {n}", identities=[customer], provider_message_id=f"again-{n}")
        for n in range(COPIES)
    ]
    results = deliver_at_once(monkeypatch, messages)
    assert sum(result.new_conversation for result in results) == 1
    assert Conversation.objects.exclude(status="resolved").count() == 1
