"""The SQL of storing one customer message (see actions.receive_message).

Every inbound message runs this, so it speaks SQL through the cursor: a handful
of statements prepared once, where the ORM spent most of the time building
querysets, compiling them and instantiating models (about ten times the cost of
the statements themselves). The models remain the schema's source of truth:
tables and columns come from their `_meta`, every value is converted by its
field as the ORM would store it, and the instances returned are real model
instances carrying the values written (fields not known here are deferred and
load on access). Runs inside the caller's transaction.

On SQLite the sender and their current conversation are found by one
statement, and the statements run on the driver's cursor (core.sql.hot_cursor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.utils import timezone
from django.utils.text import slugify

from relais.connectors.base import InboundMessage
from relais.connectors.registry import get_connector
from relais.contacts.actions import (
    KNOWN_IDENTITY_COLUMNS,
    KNOWN_IDENTITY_JOIN,
    contact_for,
    find_known_identities,
    identities_match_sql,
    identity_params,
)
from relais.contacts.models import Contact, Identity
from relais.conversations.inbox_facts import inbox_facts
from relais.conversations.models import (
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    MessageKind,
    Status,
    Tag,
)
from relais.core.models import Event
from relais.core.sql import column, db_datetime, db_values, hot_cursor, insert_sql, loaded, table
from relais.routing.arrival import Arrival, next_due, route_arrival
from relais.routing.pause import RESUMED, resume_on_customer_message

PREVIEW_LENGTH = Conversation._meta.get_field("last_message_preview").max_length


# "Nobody waits for an answer yet, and the bot does not hold it": a customer
# message then starts the agents' response clock. While the bot holds the
# conversation the clock stays stopped (the bot hands over with the deadline
# counted from the first message, bot/actions.py).
NOT_WAITING = (
    f"({{t}}{column(Conversation, 'waiting_since')} IS NULL "
    f"AND {{t}}{column(Conversation, 'bot_held_since')} IS NULL)"
)


def _find_conversation_sql(*, pointed: bool) -> str:
    """The contact's conversations on the inbox: the one the provider points at,
    or the latest unresolved one. Selects (id, channel, status, not waiting,
    SLA policy)."""
    c = lambda name: column(Conversation, name)  # noqa: E731
    where = f"{c('inbox')} = %s AND {c('contact')} = %s AND "
    # A private message never continues a public thread (those are joined
    # only by pointing at them), nor one of another channel of the inbox (a
    # callback request the mobile app sent on its API inbox).
    where += (
        f"{c('id')} = %s"
        if pointed
        else f"{c('channel')} = %s AND {c('status')} <> %s AND NOT {c('is_public')} "
        f"ORDER BY {c('id')} DESC"
    )
    return (
        f"SELECT {c('id')}, {c('channel')}, {c('status')}, {NOT_WAITING.format(t='')}, "  # noqa: S608 (names from _meta)
        f"{c('sla_policy')} FROM {table(Conversation)} WHERE {where} LIMIT 1"
    )


def _update_conversation_sql(*, reopens: bool, starts_waiting: bool) -> str:
    """What a new customer message changes on its conversation (the `updated_at`
    auto_now included); returns the new unread count. The status is set only
    when it changes: three indexes hold it."""
    c = lambda name: column(Conversation, name)  # noqa: E731
    # Only a snoozed or closed conversation has a wake-up time to clear.
    changes = [f"{c('status')} = %s", f"{c('snoozed_until')} = NULL"] if reopens else []
    changes += [
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
INSERT_CONVERSATION = insert_sql(Conversation, returning_id=True)
# By (reopens, starts waiting).
UPDATE_CONVERSATION = {
    (reopens, starts_waiting): _update_conversation_sql(
        reopens=reopens, starts_waiting=starts_waiting
    )
    for reopens in (False, True)
    for starts_waiting in (False, True)
}
INSERT_MESSAGE = insert_sql(Message, returning_id=True)
# By number of events: a message records one to three (a new conversation:
# created, routed, received; a pending one: reopened, resumed, received).
INSERT_EVENTS = {rows: insert_sql(Event, returning_id=False, rows=rows) for rows in (1, 2, 3)}


@dataclass(frozen=True)
class StoredInbound:
    message: Message
    conversation: Conversation
    new_conversation: bool


def store_inbound(inbound: InboundMessage, body: str) -> StoredInbound:
    """Resolve the sender (contacts.actions.get_or_create_contact's rules),
    thread the message into their conversation on the inbox (a new one if none
    is unresolved), store it and its Events. Call inside a transaction: on
    PostgreSQL the contact and the conversation stay locked until it ends.

    Raises IntegrityError for a provider message id already stored or an
    identity a concurrent transaction stored first, ValueError for a message
    without identities, and Inbox.DoesNotExist for an unknown inbox."""
    now = timezone.now()
    with hot_cursor() as cursor:
        contact, current = _sender_and_conversation(cursor, inbound, now)
        if current is None:
            conversation, arrival = _open_conversation(cursor, inbound, body, contact, now)
            events = [("conversation.created", {"channel": conversation.channel})]
            if arrival.matched_rules:
                events.append(("conversation.routed", _routed_event(arrival)))
        else:
            conversation_id, channel, status, not_waiting, policy_id = current
            # An automatic message (out-of-office…) leaves the status and the
            # response clock alone: nobody owes an answer to a robot.
            reopens = status != Status.OPEN and not inbound.automatic
            conversation = _continue_conversation(
                cursor,
                (conversation_id, channel, Status.OPEN if reopens else status, policy_id),
                reopens,
                not_waiting and not inbound.automatic,
                inbound,
                body,
                contact,
                now,
            )
            events = [("conversation.reopened", {})] if reopens else []
            if reopens and status == Status.PENDING:
                resumed = resume_on_customer_message(conversation_id, now)
                if resumed is not None:
                    events.append((RESUMED, resumed))
        message = _insert_message(cursor, inbound, body, conversation, now)
        events.append(("message.received", {"channel": conversation.channel}))
        _append_events(cursor, events, message, contact, now)
    return StoredInbound(message, conversation, new_conversation=current is None)


def _sender_and_conversation(
    cursor, inbound: InboundMessage, now: datetime
) -> tuple[Contact, tuple[int, str, str, bool, int | None] | None]:
    """The sender's contact (found or created) and the conversation the
    message continues, as _current_conversation describes it (None: open one).

    Without row locks (SQLite: one writer at a time, the transaction holds the
    write lock), one statement reads the known identities with each contact's
    latest unresolved conversation on the inbox, the usual case (a chat
    message, an e-mail pointing at no conversation); otherwise the contacts are
    locked first, then their conversation is looked up and locked."""
    identities = inbound.identities
    name, email = inbound.contact_name, inbound.contact_email
    if cursor.db.features.has_select_for_update or inbound.conversation_id or inbound.new_thread:
        known = find_known_identities(cursor, identities)
        contact, is_new = contact_for(cursor, identities, known, name=name, email=email, now=now)
        # A new contact has no conversation yet: no need to look for one.
        return contact, None if is_new else _current_conversation(cursor, contact, inbound)
    cursor.execute(
        _find_sender_and_conversation_sql(len(identities)),
        [inbound.inbox_id, _channel(inbound), Status.RESOLVED, *identity_params(identities)],
    )
    known = cursor.fetchall()
    contact, is_new = contact_for(cursor, identities, known, name=name, email=email, now=now)
    if is_new:
        return contact, None
    row = next(row for row in known if row[3] == contact.pk)
    return contact, None if row[6] is None else (row[6], row[7], row[8], bool(row[9]), row[10])


@cache
def _find_sender_and_conversation_sql(count: int) -> str:
    """Known identity rows (contacts.actions.find_known_identities' columns),
    each followed by (id, channel, status, not waiting) of its contact's latest
    unresolved conversation on the inbox, or NULLs, then its SLA policy.
    Parameters: the inbox, the
    conversation's channel, the resolved status, then the identities' (kind,
    value) pairs. No lock."""
    v = lambda name: "v." + column(Conversation, name)  # noqa: E731
    w = lambda name: "w." + column(Conversation, name)  # noqa: E731
    latest_unresolved = (
        f"SELECT {w('id')} FROM {table(Conversation)} w "  # noqa: S608 (names from _meta)
        f"WHERE {w('inbox')} = %s AND {w('contact')} = c.{column(Contact, 'id')} "
        f"AND {w('channel')} = %s AND {w('status')} <> %s AND NOT {w('is_public')} "
        f"ORDER BY {w('id')} DESC LIMIT 1"
    )
    return (
        f"SELECT {KNOWN_IDENTITY_COLUMNS}, "  # noqa: S608 (names from _meta)
        f"{v('id')}, {v('channel')}, {v('status')}, {NOT_WAITING.format(t='v.')}, "
        f"{v('sla_policy')} FROM {table(Identity)} i "
        f"JOIN {table(Contact)} c ON {KNOWN_IDENTITY_JOIN} "
        f"LEFT JOIN {table(Conversation)} v ON {v('id')} = ({latest_unresolved}) "
        f"WHERE {identities_match_sql(count)} ORDER BY i.{column(Identity, 'contact')}"
    )


def _current_conversation(
    cursor, contact: Contact, inbound: InboundMessage
) -> tuple[int, str, str, bool, int | None] | None:
    """(id, channel, status, not waiting) of the conversation a known contact's
    message belongs to: the one the provider points at, if it is the contact's
    on this inbox, else (unless the message starts a new thread) the contact's
    latest unresolved one there (None: start a new one). Locked on PostgreSQL;
    concurrent messages of the contact already wait for each other on the
    contact's row lock."""
    lock = " FOR UPDATE" if cursor.db.features.has_select_for_update else ""
    row = None
    if inbound.conversation_id:
        cursor.execute(
            FIND_POINTED_CONVERSATION + lock,
            [inbound.inbox_id, contact.pk, inbound.conversation_id],
        )
        row = cursor.fetchone()
    if row is None and not inbound.new_thread:
        cursor.execute(
            FIND_UNRESOLVED_CONVERSATION + lock,
            [inbound.inbox_id, contact.pk, _channel(inbound), Status.RESOLVED],
        )
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1], row[2], bool(row[3]), row[4])


def _channel(inbound: InboundMessage) -> str:
    """The channel of the conversation the message belongs to: the inbox's kind
    unless the message names another (a callback request)."""
    return inbound.channel or inbox_facts(inbound.inbox_id)[0]


def _open_conversation(
    cursor, inbound: InboundMessage, body: str, contact: Contact, now: datetime
) -> tuple[Conversation, Arrival]:
    kind, channel_class, with_bot = inbox_facts(inbound.inbox_id)
    # The bot talks one-to-one: a public post (a comment) goes to the agents.
    with_bot = with_bot and not inbound.public
    if inbound.channel and inbound.channel != kind:
        kind, channel_class = inbound.channel, get_connector(inbound.channel).channel_class
    subject = inbound.subject or body.split("\n", 1)[0][:80]
    arrival = route_arrival(
        cursor,
        inbox_id=inbound.inbox_id,
        channel_class=channel_class,
        contact_id=contact.pk,
        text=f"{subject}\n{body}",
        metadata=inbound.metadata,
        now=now,
    )
    values = {
        "inbox_id": inbound.inbox_id,
        "channel": kind,
        "contact_id": contact.pk,
        "subject": subject[:255],
        "is_public": inbound.public,
        "status": Status.OPEN,
        "priority": arrival.priority,
        "assignee_id": None,
        "team_id": arrival.team_id,
        "required_skills": arrival.skills,
        "sla_policy_id": arrival.policy_id,
        "first_response_at": None,
        "resolution_due_at": arrival.resolution_due,
        "resolution_paused_since": None,
        "sla_escalations": [],
        # The bot takes it first: nobody waits for an agent meanwhile.
        "waiting_since": None if with_bot else now,
        "due_at": None if with_bot else arrival.response_due,
        "snoozed_until": None,
        "bot_held_since": now if with_bot else None,
        "last_message_at": now,
        "last_message_preview": body[:PREVIEW_LENGTH],
        "unread_count": 1,
        "created_at": now,
        "updated_at": now,
    }
    cursor.execute(INSERT_CONVERSATION, db_values(cursor.db, Conversation, values))
    values["id"] = cursor.fetchone()[0]
    conversation = loaded(cursor.db.alias, Conversation, values)
    if arrival.tags:  # rare: tags come only from routing rules
        _tag(conversation, arrival.tags)
    return conversation, arrival


def _tag(conversation: Conversation, names: list[str]) -> None:
    slugs = {slugify(name, allow_unicode=True)[:64] for name in names} - {""}
    conversation.tags.add(*(Tag.objects.get_or_create(name=slug)[0] for slug in sorted(slugs)))


def _routed_event(arrival: Arrival) -> dict[str, Any]:
    return {
        "rules": arrival.matched_rules,
        "team_id": arrival.team_id,
        "priority": arrival.priority,
        "tags": arrival.tags,
        "skills": arrival.skills,
    }


def _continue_conversation(
    cursor,
    conversation: tuple[int, str, str, int | None],
    reopens: bool,
    starts_waiting: bool,
    inbound: InboundMessage,
    body: str,
    contact: Contact,
    now: datetime,
) -> Conversation:
    """Reopen the conversation if need be, count the message unread and, if
    asked, start the response clock. `conversation`: (id, channel, new status,
    SLA policy)."""
    conversation_id, channel, status, policy_id = conversation
    db_now = db_datetime(cursor.db, now)
    preview = body[:PREVIEW_LENGTH]
    values = {
        "id": conversation_id,
        **({"snoozed_until": None} if reopens else {}),
        "inbox_id": inbound.inbox_id,
        "channel": channel,
        "contact_id": contact.pk,
        "status": status,
        "last_message_at": now,
        "last_message_preview": preview,
        "updated_at": now,
    }
    params = [Status.OPEN] if reopens else []
    params += [db_now, preview, db_now]
    if starts_waiting:
        values["waiting_since"] = now
        values["due_at"] = next_due(policy_id, get_connector(channel).channel_class, now)
        params += [db_now, db_datetime(cursor.db, values["due_at"])]
    cursor.execute(UPDATE_CONVERSATION[reopens, starts_waiting], [*params, conversation_id])
    values["unread_count"] = cursor.fetchone()[0]
    return loaded(cursor.db.alias, Conversation, values)


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
    cursor.execute(INSERT_MESSAGE, db_values(cursor.db, Message, values))
    values["id"] = cursor.fetchone()[0]
    message = loaded(cursor.db.alias, Message, values)
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
    params = []
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
        params += db_values(cursor.db, Event, values)
    # One statement for all of them (a new conversation has two).
    cursor.execute(INSERT_EVENTS[len(events)], params)
