"""The inbound store writes in SQL what the ORM would write: same rows, field by
field, for a new conversation, a follow-up, a reopened conversation and a known
contact's details; checked against the ORM doing the same work."""

from datetime import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from relais.connectors.base import IdentityRef, InboundMessage
from relais.connectors.models import Inbox
from relais.connectors.registry import get_connector
from relais.contacts.models import Contact, Identity
from relais.conversations.actions import receive_message, set_status
from relais.conversations.models import Conversation, DeliveryStatus, Direction, Message, Status
from relais.core.events import record_event
from relais.core.models import Event
from relais.routing.sla import response_due
from tests.factories import make_inbox

METADATA = {
    "client_id": "c-1",
    "attachments": [{"url": "https://example.com/a.png", "size": 12}],
    "page": {"title": "Panier – étape 2", "ratio": 0.5, "ok": True, "none": None},
}


def store_with_orm(inbound: InboundMessage) -> Message:
    """What receive_message stored before it spoke SQL: the reference."""
    body = inbound.body.strip()
    now = timezone.now()
    with transaction.atomic():
        (ref,) = inbound.identities
        known = Identity.objects.filter(kind=ref.kind, value=ref.value)
        known = sorted(known.order_by("contact_id"), key=lambda identity: not identity.verified)
        if known:
            contact = known[0].contact
            if inbound.contact_name and not contact.name:
                contact.name = inbound.contact_name
                contact.save(update_fields=["name", "updated_at"])
        else:
            contact = Contact.objects.create(name=inbound.contact_name, email=inbound.contact_email)
        pairs = {(identity.kind, identity.value) for identity in known}
        Identity.objects.bulk_create(
            Identity(contact=contact, kind=ref.kind, value=ref.value, verified=ref.verified)
            for ref in inbound.identities
            if (ref.kind, ref.value) not in pairs  # noqa: B020
        )
        conversation = (
            Conversation.objects.filter(inbox_id=inbound.inbox_id, contact=contact)
            .exclude(status=Status.RESOLVED)
            .order_by("-id")
            .first()
        )
        is_new, reopened = conversation is None, False
        if is_new:
            kind = Inbox.objects.get(pk=inbound.inbox_id).kind
            conversation = Conversation.objects.create(
                inbox_id=inbound.inbox_id,
                channel=kind,
                contact=contact,
                subject=body.split("\n", 1)[0][:80],
                last_message_at=now,
                last_message_preview=body[:200],
                unread_count=1,
                waiting_since=now,
                due_at=response_due(get_connector(kind).channel_class, now),
            )
        else:
            reopened = conversation.status != Status.OPEN
            conversation.status = Status.OPEN
            conversation.snoozed_until = None
            conversation.last_message_at = now
            conversation.last_message_preview = body[:200]
            conversation.unread_count += 1
            if conversation.waiting_since is None:
                conversation.waiting_since = now
                conversation.due_at = response_due(
                    get_connector(conversation.channel).channel_class, now
                )
            conversation.save()
        message = Message.objects.create(
            conversation=conversation,
            inbox_id=inbound.inbox_id,
            direction=Direction.INBOUND,
            body=body,
            status=DeliveryStatus.RECEIVED,
            provider_message_id=inbound.provider_message_id,
            metadata=inbound.metadata,
        )
        channel = conversation.channel
        if is_new:
            record_event(
                "conversation.created", conversation=conversation, contact=contact, channel=channel
            )
        elif reopened:
            record_event("conversation.reopened", conversation=conversation, contact=contact)
        record_event(
            "message.received",
            conversation=conversation,
            message=message,
            contact=contact,
            channel=channel,
        )
    return message


IDS_AND_TIMES = {"id", "inbox_id", "contact_id", "conversation_id", "message_id"}


def fields_of(instance) -> dict:
    """Every stored field but ids and times; times are checked for awareness."""
    values = {}
    for field in type(instance)._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, datetime):
            assert timezone.is_aware(value), field.name
            values[field.attname] = "a time"
        elif field.attname not in IDS_AND_TIMES:
            values[field.attname] = value
    return values


def raw_row(model, pk: int) -> tuple:
    """The row as the database holds it (JSON text, datetime format)."""
    with connection.cursor() as cursor:
        columns = ", ".join(field.column for field in model._meta.concrete_fields)
        cursor.execute(f"SELECT {columns} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        row = cursor.fetchone()
    return tuple(
        type(value).__name__ + ("" if getattr(value, "tzinfo", None) is None else "+tz")
        if isinstance(value, datetime) or field.primary_key or field.is_relation
        else value
        for field, value in zip(model._meta.concrete_fields, row, strict=True)
    )


def same_rows(sql_message: Message, orm_message: Message) -> None:
    sql_message = Message.objects.get(pk=sql_message.pk)
    orm_message = Message.objects.get(pk=orm_message.pk)
    assert fields_of(sql_message) == fields_of(orm_message)
    assert raw_row(Message, sql_message.pk) == raw_row(Message, orm_message.pk)
    sql_conv, orm_conv = sql_message.conversation, orm_message.conversation
    assert fields_of(sql_conv) == fields_of(orm_conv)
    assert raw_row(Conversation, sql_conv.pk) == raw_row(Conversation, orm_conv.pk)
    assert fields_of(sql_conv.contact) == fields_of(orm_conv.contact)

    def events(conversation):
        return [
            (event.kind, event.data, event.message_id is not None, event.contact_id is not None)
            for event in Event.objects.filter(conversation=conversation)
        ]

    assert events(sql_conv) == events(orm_conv)

    def identities(contact):  # the twins' values differ: v-sql, v-orm
        return [
            {**fields_of(identity), "value": identity.value[:2]}
            for identity in contact.identities.order_by("id")
        ]

    assert identities(sql_conv.contact) == identities(orm_conv.contact) != []
    assert raw_row(Contact, sql_conv.contact_id) == raw_row(Contact, orm_conv.contact_id)


def twin(inbox, visitor: str, body: str, pm: str, **fields) -> InboundMessage:
    return InboundMessage(
        inbox_id=inbox.pk,
        body=body,
        identities=[IdentityRef("visitor", visitor, verified=True)],
        provider_message_id=pm,
        metadata=METADATA,
        **fields,
    )


@pytest.fixture
def inboxes(db):
    return make_inbox("webchat", name="SQL"), make_inbox("webchat", name="ORM")


def test_new_conversation_rows_equal_the_orms(inboxes):
    sql_inbox, orm_inbox = inboxes
    stored = receive_message(twin(sql_inbox, "v-sql", "Bonjour\nsuite", "p1", contact_name="Léa"))
    reference = store_with_orm(twin(orm_inbox, "v-orm", "Bonjour\nsuite", "p1", contact_name="Léa"))
    assert stored.created and stored.new_conversation
    same_rows(stored.message, reference)
    assert Message.objects.get(pk=stored.message.pk).metadata == METADATA


def test_follow_up_and_reopened_conversation_rows_equal_the_orms(inboxes, agent):
    sql_inbox, orm_inbox = inboxes
    results = {}
    for label, inbox, store in (
        ("sql", sql_inbox, lambda inbound: receive_message(inbound).message),
        ("orm", orm_inbox, store_with_orm),
    ):
        store(twin(inbox, f"v-{label}", "Bonjour", "p1"))
        store(twin(inbox, f"v-{label}", "Vous êtes là ?", "p2", contact_name="Léa"))
        conversation = Conversation.objects.get(inbox=inbox)
        set_status(conversation, Status.PENDING, by=agent)
        Conversation.objects.filter(pk=conversation.pk).update(waiting_since=None, due_at=None)
        results[label] = store(twin(inbox, f"v-{label}", "Encore moi", "p3"))
    same_rows(results["sql"], results["orm"])
    conversation = Conversation.objects.get(inbox=sql_inbox)
    assert conversation.unread_count == 3
    assert conversation.contact.name == "Léa"
    assert list(Event.objects.filter(conversation=conversation).values_list("kind", flat=True)) == [
        "conversation.created",
        "message.received",
        "message.received",
        "conversation.status_changed",
        "conversation.reopened",
        "message.received",
    ]


def test_result_carries_the_stored_values(inbox):
    first = receive_message(twin(inbox, "v1", "Bonjour", "p1"))
    second = receive_message(twin(inbox, "v1", "Re", "p2"))
    stored = Conversation.objects.get()
    for result in (first, second):
        assert result.message.conversation is result.conversation
        assert result.message.metadata == METADATA
    assert second.conversation.unread_count == stored.unread_count == 2
    assert second.conversation.subject == stored.subject == "Bonjour"
    assert second.conversation.due_at == stored.due_at
    assert first.conversation.created_at == stored.created_at
    assert first.message.created_at == Message.objects.get(pk=first.message.pk).created_at


def test_message_goes_to_the_verified_contacts_conversation(inbox):
    """Two handles of two contacts: the verified one's contact and latest
    unresolved conversation win; each handle stays with its own contact."""
    anonymous = receive_message(twin(inbox, "v1", "Bonjour", "p1")).conversation
    Identity.objects.filter(value="v1").update(verified=False)
    customer = IdentityRef("external_id", "cust-1", verified=True)
    first = receive_message(
        InboundMessage(inbox_id=inbox.pk, body="Commande 1", identities=[customer])
    ).conversation
    set_status(first, Status.RESOLVED, by=None)
    latest = receive_message(
        InboundMessage(inbox_id=inbox.pk, body="Commande 2", identities=[customer])
    ).conversation
    both = [IdentityRef("visitor", "v1"), customer]
    result = receive_message(InboundMessage(inbox_id=inbox.pk, body="C'est moi", identities=both))
    assert result.conversation.pk == latest.pk != anonymous.pk
    assert not result.new_conversation and result.conversation.unread_count == 2
    assert Identity.objects.get(value="v1").contact_id == anonymous.contact_id


def test_a_pointed_or_new_thread_message_is_threaded_as_asked(inbox):
    older = receive_message(twin(inbox, "v1", "Premier sujet", "p1")).conversation
    newer = receive_message(twin(inbox, "v1", "Second sujet", "p2", new_thread=True)).conversation
    assert newer.pk != older.pk
    pointed = receive_message(twin(inbox, "v1", "Re: premier", "p3", conversation_id=older.pk))
    assert pointed.conversation.pk == older.pk
    # Not the contact's conversation: the latest unresolved one instead.
    stranger = receive_message(twin(inbox, "v2", "Hello", "p4")).conversation
    misdirected = receive_message(twin(inbox, "v1", "Re: ?", "p5", conversation_id=stranger.pk))
    assert misdirected.conversation.pk == newer.pk


def test_statements_per_message_are_pinned(inbox, django_assert_num_queries):
    """Savepoint and release included (the test runs in a transaction). Without
    row locks (SQLite) the sender and their conversation take one statement."""
    receive_message(twin(inbox, "v1", "Bonjour", "p1"))
    lookups = 2 if connection.features.has_select_for_update else 1
    with django_assert_num_queries(2 + lookups + 3):  # + update, message, events
        receive_message(twin(inbox, "v1", "Encore", "p2"))
    # A new sender has no conversation to look up: 1 lookup whatever the database.
    with django_assert_num_queries(8):  # + contact, identity, conversation, message, events
        receive_message(twin(inbox, "v2", "Bonjour", "p3"))
