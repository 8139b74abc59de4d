"""The SQL of storing one customer message (see actions.receive_message).

Every inbound message runs this, so it speaks SQL through the cursor: a handful
of statements prepared once, where the ORM spent most of the time building
querysets, compiling them and instantiating models (about ten times the cost of
the statements themselves). The models remain the schema's source of truth:
tables and columns come from their `_meta`, every value is converted by its
field as the ORM would store it, and the instances returned are real model
instances carrying the values written (fields not known here are deferred and
load on access). Runs inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import DateTimeField, JSONField, Model
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from relais.connectors.base import InboundMessage
from relais.connectors.models import Inbox
from relais.connectors.registry import get_connector
from relais.contacts.models import Contact
from relais.conversations.models import (
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    MessageKind,
    Status,
)
from relais.core.models import Event
from relais.core.sql import column, table
from relais.routing.sla import response_due

PREVIEW_LENGTH = Conversation._meta.get_field("last_message_preview").max_length


def _stored_fields(model: type[Model]) -> list:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def _insert_sql(model: type[Model], *, returning_id: bool) -> str:
    columns = [connection.ops.quote_name(field.column) for field in _stored_fields(model)]
    sql = (
        f"INSERT INTO {table(model)} ({', '.join(columns)}) "  # noqa: S608 (names from _meta)
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    return f"{sql} RETURNING {column(model, 'id')}" if returning_id else sql


def _find_conversation_sql(*, pointed: bool) -> str:
    """The contact's conversations on the inbox: the one the provider points at,
    or the latest unresolved one. Selects (id, channel, status, not waiting)."""
    c = lambda name: column(Conversation, name)  # noqa: E731
    where = f"{c('inbox')} = %s AND {c('contact')} = %s AND "
    where += f"{c('id')} = %s" if pointed else f"{c('status')} <> %s ORDER BY {c('id')} DESC"
    return (
        f"SELECT {c('id')}, {c('channel')}, {c('status')}, {c('waiting_since')} IS NULL "  # noqa: S608 (names from _meta)
        f"FROM {table(Conversation)} WHERE {where} LIMIT 1"
    )


def _update_conversation_sql(*, reopens: bool, starts_waiting: bool) -> str:
    """What a new customer message changes on its conversation (the `updated_at`
    auto_now included); returns the new unread count. The status is set only
    when it changes: three indexes hold it."""
    c = lambda name: column(Conversation, name)  # noqa: E731
    changes = [f"{c('status')} = %s"] if reopens else []
    changes += [
        f"{c('snoozed_until')} = NULL",
        f"{c('last_message_at')} = %s",
        f"{c('last_message_preview')} = %s",
        f"{c('unread_count')} = {c('unread_count')} + 1",
        f"{c('updated_at')} = %s",
    ]
    if starts_waiting:
        changes += [f"{c('waiting_since')} = %s", f"{c('due_at')} = %s"]
    return (
        f"UPDATE {table(Conversation)} SET {', '.join(changes)} "  # noqa: S608 (names from _meta)
        f"WHERE {c('id')} = %s RETURNING {c('unread_count')}"
    )


FIND_POINTED_CONVERSATION = _find_conversation_sql(pointed=True)
FIND_UNRESOLVED_CONVERSATION = _find_conversation_sql(pointed=False)
INSERT_CONVERSATION = _insert_sql(Conversation, returning_id=True)
# By (reopens, starts waiting).
UPDATE_CONVERSATION = {
    (reopens, starts_waiting): _update_conversation_sql(
        reopens=reopens, starts_waiting=starts_waiting
    )
    for reopens in (False, True)
    for starts_waiting in (False, True)
}
INSERT_MESSAGE = _insert_sql(Message, returning_id=True)
INSERT_EVENT = _insert_sql(Event, returning_id=False)


@dataclass(frozen=True)
class StoredInbound:
    message: Message
    conversation: Conversation
    new_conversation: bool


def store_inbound(
    inbound: InboundMessage, body: str, contact: Contact, contact_is_new: bool
) -> StoredInbound:
    """Thread the message into the contact's conversation on the inbox (a new
    one if none is unresolved), store it and its Events. Call inside the
    transaction that resolved (and, on PostgreSQL, locked) the contact.

    Raises IntegrityError for a provider message id already stored, and
    Inbox.DoesNotExist for an unknown inbox."""
    now = timezone.now()
    with connection.cursor() as cursor:
        # A new contact has no conversation yet: no need to look for one.
        current = None if contact_is_new else _current_conversation(cursor, contact, inbound)
        if current is None:
            conversation = _open_conversation(cursor, inbound, body, contact, now)
            events = [("conversation.created", {"channel": conversation.channel})]
        else:
            conversation_id, channel, status, not_waiting = current
            reopens = status != Status.OPEN
            conversation = _continue_conversation(
                cursor, conversation_id, channel, reopens, not_waiting, inbound, body, contact, now
            )
            events = [("conversation.reopened", {})] if reopens else []
        message = _insert_message(cursor, inbound, body, conversation, now)
        events.append(("message.received", {"channel": conversation.channel}))
        _append_events(cursor, events, message, contact, now)
    return StoredInbound(message, conversation, new_conversation=current is None)


def _current_conversation(
    cursor, contact: Contact, inbound: InboundMessage
) -> tuple[int, str, str, bool] | None:
    """(id, channel, status, not waiting) of the conversation a known contact's
    message belongs to: the one the provider points at, if it is the contact's
    on this inbox, else the contact's latest unresolved one there (None: start
    a new one). Locked on PostgreSQL; concurrent messages of the contact
    already wait for each other on the contact's row lock."""
    lock = " FOR UPDATE" if cursor.db.features.has_select_for_update else ""
    row = None
    if inbound.conversation_id:
        cursor.execute(
            FIND_POINTED_CONVERSATION + lock,
            [inbound.inbox_id, contact.pk, inbound.conversation_id],
        )
        row = cursor.fetchone()
    if row is None:
        cursor.execute(
            FIND_UNRESOLVED_CONVERSATION + lock, [inbound.inbox_id, contact.pk, Status.RESOLVED]
        )
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1], row[2], bool(row[3]))


def _open_conversation(
    cursor, inbound: InboundMessage, body: str, contact: Contact, now: datetime
) -> Conversation:
    kind, channel_class = inbox_facts(inbound.inbox_id)
    subject = inbound.subject or body.split("\n", 1)[0][:80]
    values = {
        "inbox_id": inbound.inbox_id,
        "channel": kind,
        "contact_id": contact.pk,
        "subject": subject[:255],
        "status": Status.OPEN,
        "priority": Conversation._meta.get_field("priority").get_default(),
        "assignee_id": None,
        "team_id": None,
        "waiting_since": now,
        "due_at": response_due(channel_class, now),
        "snoozed_until": None,
        "last_message_at": now,
        "last_message_preview": body[:PREVIEW_LENGTH],
        "unread_count": 1,
        "created_at": now,
        "updated_at": now,
    }
    cursor.execute(INSERT_CONVERSATION, _db_values(cursor, Conversation, values))
    values["id"] = cursor.fetchone()[0]
    return _loaded(cursor, Conversation, values)


def _continue_conversation(
    cursor,
    conversation_id: int,
    channel: str,
    reopens: bool,
    not_waiting: bool,
    inbound: InboundMessage,
    body: str,
    contact: Contact,
    now: datetime,
) -> Conversation:
    """Reopen the conversation if need be, count the message unread and, if
    nobody owed the customer an answer, start the response clock."""
    db_now = _db_datetime(cursor, now)
    preview = body[:PREVIEW_LENGTH]
    values = {
        "id": conversation_id,
        "inbox_id": inbound.inbox_id,
        "channel": channel,
        "contact_id": contact.pk,
        "status": Status.OPEN,
        "snoozed_until": None,
        "last_message_at": now,
        "last_message_preview": preview,
        "updated_at": now,
    }
    params = [Status.OPEN] if reopens else []
    params += [db_now, preview, db_now]
    if not_waiting:
        values["waiting_since"] = now
        values["due_at"] = response_due(get_connector(channel).channel_class, now)
        params += [db_now, _db_datetime(cursor, values["due_at"])]
    cursor.execute(UPDATE_CONVERSATION[reopens, not_waiting], [*params, conversation_id])
    values["unread_count"] = cursor.fetchone()[0]
    return _loaded(cursor, Conversation, values)


def _insert_message(
    cursor, inbound: InboundMessage, body: str, conversation: Conversation, now: datetime
) -> Message:
    values = {
        "conversation_id": conversation.pk,
        "inbox_id": inbound.inbox_id,
        "direction": Direction.INBOUND,
        "kind": MessageKind.MESSAGE,
        "author_id": None,
        "body": body,
        "status": DeliveryStatus.RECEIVED,
        "provider_message_id": inbound.provider_message_id,
        "attempts": 0,
        "lease_until": None,
        "error": "",
        "metadata": inbound.metadata,
        "created_at": now,
        "status_changed_at": None,
    }
    cursor.execute(INSERT_MESSAGE, _db_values(cursor, Message, values))
    values["id"] = cursor.fetchone()[0]
    message = _loaded(cursor, Message, values)
    message.conversation = conversation
    return message


def _append_events(
    cursor,
    events: list[tuple[str, dict[str, Any]]],
    message: Message,
    contact: Contact,
    now: datetime,
) -> None:
    """The Events, as core.events.record_event writes them; only the
    message.received one points at the message."""
    rows = []
    for kind, data in events:
        values = {
            "kind": kind,
            "created_at": now,
            "conversation_id": message.conversation_id,
            "message_id": message.pk if kind == "message.received" else None,
            "contact_id": contact.pk,
            "actor_id": None,
            "data": data,
        }
        rows.append(_db_values(cursor, Event, values))
    cursor.executemany(INSERT_EVENT, rows)


def _db_values(cursor, model: type[Model], values: dict[str, Any]) -> list:
    """The INSERT parameters in column order. Datetimes and JSON are converted
    by their field, as the ORM would store them; the other values here are
    plain strings, numbers, booleans and None, stored as they are. A field
    missing from `values` is a KeyError, on purpose: a new column needs a value."""
    params = []
    for field, conversion in _insert_fields[model]:
        value = values[field.attname]
        if conversion is DateTimeField and value is not None:
            value = _db_datetime(cursor, value)
        elif conversion is JSONField:
            value = field.get_db_prep_save(value, cursor.db)
        params.append(value)
    return params


_last_datetime: tuple[datetime | None, Any] = (None, None)


def _db_datetime(cursor, value: datetime) -> Any:
    """An aware datetime as DateTimeField stores it. A message writes the same
    instant into several rows: it is converted once."""
    global _last_datetime
    last_value, last_converted = _last_datetime
    if value is last_value:
        return last_converted
    converted = cursor.db.ops.adapt_datetimefield_value(value)
    _last_datetime = (value, converted)
    return converted


def _loaded(cursor, model: type[Model], values: dict[str, Any]) -> Model:
    """An instance as if read from the database, with the values given; the
    other fields are deferred (loaded on first access)."""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(cursor.db.alias, names, [values[name] for name in names])


def _conversion(field) -> type | None:
    for kind in (DateTimeField, JSONField):
        if isinstance(field, kind):
            return kind
    return None


# (field, DateTimeField, JSONField or None) in the INSERT statements' column order.
_insert_fields = {
    model: [(field, _conversion(field)) for field in _stored_fields(model)]
    for model in (Conversation, Message, Event)
}


# Inbox id -> (kind, channel class). An inbox's kind never changes; an id is
# forgotten whenever a row with it is saved or deleted, since ids can come back
# (after a rolled-back transaction, as in tests).
_inbox_facts: dict[int, tuple[str, str]] = {}


def inbox_facts(inbox_id: int) -> tuple[str, str]:
    """(kind, channel class) of the inbox; raises Inbox.DoesNotExist."""
    facts = _inbox_facts.get(inbox_id)
    if facts is None:
        kind = Inbox.objects.values_list("kind", flat=True).get(pk=inbox_id)
        facts = _inbox_facts[inbox_id] = (kind, get_connector(kind).channel_class)
    return facts


def _forget_inbox(sender, instance: Inbox, **kwargs) -> None:
    _inbox_facts.pop(instance.pk, None)


post_save.connect(_forget_inbox, sender=Inbox, dispatch_uid="inbound_store.forget_inbox")
post_delete.connect(_forget_inbox, sender=Inbox, dispatch_uid="inbound_store.forget_inbox")
