"""Conversation actions: receive, reply, note. Every write is one transaction
that appends Events; realtime pushes and outbound sends run after commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from relais.accounts.access import can_see_inbox
from relais.accounts.models import Agent
from relais.connectors.base import InboundAttachment, InboundMessage
from relais.contacts.profile_lookup import schedule_profile_lookup
from relais.conversations.attachments import store_attachments
from relais.conversations.errors import InvalidInput
from relais.conversations.inbound_store import store_inbound
from relais.conversations.inbox_facts import inbox_facts
from relais.conversations.media_fetch import pending_marker, schedule_media_fetch
from relais.conversations.models import (
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    MessageKind,
    Priority,
    Status,
    Tag,
)
from relais.conversations.outbox import enqueue_delivery
from relais.conversations.realtime import publish_conversation, publish_message
from relais.core.events import record_event
from relais.routing.config import forget_config
from relais.routing.pause import follow_status

log = logging.getLogger(__name__)


def schedule_bot(message_id: int) -> None:
    from relais.bot.tasks import bot_answer_task

    bot_answer_task.enqueue(message_id)


PREVIEW_LENGTH = 200


@dataclass(frozen=True)
class ReceiveResult:
    message: Message
    conversation: Conversation
    created: bool  # False when the provider message id was already stored
    new_conversation: bool = False


def receive_message(
    inbound: InboundMessage, *, in_caller_transaction: bool = False
) -> ReceiveResult:
    """Store one customer message: contact, conversation, message and events.

    Idempotent on (inbox, provider_message_id): a second delivery returns the
    stored message with `created=False`. All or nothing: one transaction.
    Raises InvalidInput for an empty or oversized body, Inbox.DoesNotExist for
    an unknown inbox.

    `in_caller_transaction`: written in the caller's open transaction without
    a savepoint of its own (group commit: several messages, one commit). Then
    a repeat or a race raises IntegrityError instead of being resolved here,
    and the caller must roll back (and may store each message alone).
    """
    body = (inbound.body or "").strip()
    if not body and not inbound.attachments and not inbound.pending_media:
        raise InvalidInput("empty message")
    if len(body) > settings.RELAIS_MAX_MESSAGE_LENGTH:
        raise InvalidInput("message too long")
    inbound = _threaded(inbound)
    if inbound.pending_media:
        # Marked on the message: its files follow (conversations.media_fetch).
        metadata = {**inbound.metadata, **pending_marker(inbound.pending_media)}
        inbound = replace(inbound, metadata=metadata)
    if in_caller_transaction:
        with transaction.atomic(savepoint=False):
            return _store_inbound(inbound, body)
    # No "already received?" query up front: the unique (inbox,
    # provider_message_id) index refuses a repeat, which is rare, and the
    # transaction rolls back; every first delivery saves a query.
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _store_inbound(inbound, body)
        except IntegrityError:
            existing = _already_received(inbound) if inbound.provider_message_id else None
            if existing is not None:
                # A concurrent delivery of the same provider message won the race.
                return ReceiveResult(existing, existing.conversation, created=False)
            if attempt:
                raise
            # A concurrent first message of the same new customer stored their
            # identity first: the second try finds it and joins their contact.
            # Or the cached routing configuration named a team or policy
            # deleted since: the second try reads it afresh.
            forget_config()
    raise AssertionError("unreachable")


def _threaded(inbound: InboundMessage) -> InboundMessage:
    """A message answering another (a reply tweet) points at that message's
    conversation; a public message answering nothing known starts its own
    public thread rather than joining the contact's latest conversation."""
    if inbound.conversation_id or not (inbound.in_reply_to or inbound.public):
        return inbound
    conversation_id = None
    if inbound.in_reply_to:
        conversation_id = (
            Message.objects.filter(
                inbox_id=inbound.inbox_id, provider_message_id=inbound.in_reply_to
            )
            .exclude(provider_message_id="")
            .values_list("conversation_id", flat=True)
            .first()
        )
    return replace(
        inbound, conversation_id=conversation_id, new_thread=inbound.new_thread or inbound.public
    )


def _already_received(inbound: InboundMessage) -> Message | None:
    return (
        Message.objects.select_related("conversation")
        .filter(inbox_id=inbound.inbox_id, provider_message_id=inbound.provider_message_id)
        # Repeats the unique index's condition so that SQLite uses that
        # partial index instead of scanning every message of the inbox.
        .exclude(provider_message_id="")
        .first()
    )


def _store_inbound(inbound: InboundMessage, body: str) -> ReceiveResult:
    stored = store_inbound(inbound, body)
    if inbox_facts(inbound.inbox_id)[2] and not (inbound.automatic or inbound.public):
        # The bot reads the message once it is committed, in a task: it may
        # search, call a model, and answer without holding the write lock.
        message_id = stored.message.pk
        transaction.on_commit(lambda: schedule_bot(message_id))
    if inbound.attachments:
        store_attachments(stored.message, inbound.attachments)
    if inbound.pending_media:
        message_id = stored.message.pk
        transaction.on_commit(lambda: schedule_media_fetch(message_id))
    if inbound.lookup_profile is not None:
        inbox_id, identity = inbound.inbox_id, inbound.lookup_profile
        transaction.on_commit(lambda: schedule_profile_lookup(inbox_id, identity))
    publish_message(stored.message)
    if stored.new_conversation:
        publish_conversation(stored.conversation, "conversation.created")
    return ReceiveResult(
        stored.message,
        stored.conversation,
        created=True,
        new_conversation=stored.new_conversation,
    )


def reply(
    conversation: Conversation,
    agent: Agent,
    body: str,
    attachments: Sequence[InboundAttachment] = (),
    metadata: dict | None = None,
) -> Message:
    """Queue an agent's answer to the customer (the outbox row), then send it
    through the channel's connector in a background task after commit.
    `attachments` (already checked by the caller) are stored with the message
    in the same transaction. `metadata` carries the agent's choices for the
    connector (e.g. {"reply_privately": True} on a public conversation).

    Answering takes the customer out of the waiting state and, if nobody owns
    the conversation yet, assigns it to the agent who answered."""
    body = _clean_body(body)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        message = Message.objects.create(
            conversation=conversation,
            inbox_id=conversation.inbox_id,
            direction=Direction.OUTBOUND,
            author=agent,
            body=body,
            status=DeliveryStatus.QUEUED,
            metadata=metadata or {},
        )
        if attachments:
            store_attachments(message, attachments)
        now = timezone.now()
        waited = (
            (now - conversation.waiting_since).total_seconds()
            if conversation.waiting_since
            else None
        )
        conversation.waiting_since = None
        conversation.due_at = None
        conversation.sla_escalations = _without_response_keys(conversation.sla_escalations)
        if conversation.first_response_at is None:
            conversation.first_response_at = now
        conversation.unread_count = 0
        conversation.last_message_at = now
        conversation.last_message_preview = body[:PREVIEW_LENGTH]
        release_from_bot(conversation, agent)
        if conversation.assignee_id is None:
            conversation.assignee = agent
            record_event(
                "conversation.assigned",
                conversation=conversation,
                actor=agent,
                assignee_id=agent.pk,
                previous_assignee_id=None,
                reason="replied",
            )
        conversation.save()
        record_event(
            "message.queued",
            conversation=conversation,
            message=message,
            actor=agent,
            channel=conversation.channel,
            waited_seconds=waited,
        )
        publish_message(message)
        publish_conversation(conversation)
        transaction.on_commit(lambda: enqueue_delivery(message.pk))
    return message


def release_from_bot(conversation: Conversation, agent: Agent | None) -> bool:
    """An agent takes over a conversation the bot holds (replying to it or
    assigning it): the bot stops answering. Call on the locked row, inside the
    transaction; the caller saves. True when the bot held it."""
    if conversation.bot_held_since is None:
        return False
    conversation.bot_held_since = None
    record_event("bot.taken_over", conversation=conversation, actor=agent)
    return True


def _without_response_keys(keys: list[str]) -> list[str]:
    # The response deadline ends (routing/escalation.py keys it "response:…");
    # resolution keys stay with resolution_due_at, which a reopening keeps.
    return [key for key in keys or () if not key.startswith("response:")]


def add_note(conversation: Conversation, agent: Agent, body: str) -> Message:
    """Add an internal note, visible to agents only, never sent to the customer."""
    body = _clean_body(body)
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            inbox_id=conversation.inbox_id,
            direction=Direction.OUTBOUND,
            kind=MessageKind.NOTE,
            author=agent,
            body=body,
            status=DeliveryStatus.SENT,
        )
        record_event("note.added", conversation=conversation, message=message, actor=agent)
        publish_message(message)
    return message


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput("the message is empty")
    if len(body) > settings.RELAIS_MAX_MESSAGE_LENGTH:
        raise InvalidInput("the message is too long")
    return body


def assign_conversation(
    conversation: Conversation, *, by: Agent, agent: Agent | None = None, team=None
) -> Conversation:
    """Give the conversation to an agent and/or a team (None unassigns the agent).

    The agent must be able to see the conversation's inbox; raises InvalidInput
    otherwise."""
    if agent is not None and not can_see_inbox(agent, conversation.inbox_id):
        raise InvalidInput("this agent does not serve this inbox")
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        previous = conversation.assignee_id
        conversation.assignee = agent
        if team is not None:
            conversation.team = team
        fields = ["assignee", "team", "updated_at"]
        if agent is not None and release_from_bot(conversation, by):
            fields.append("bot_held_since")
        conversation.save(update_fields=fields)
        record_event(
            "conversation.assigned",
            conversation=conversation,
            actor=by,
            assignee_id=agent.pk if agent else None,
            previous_assignee_id=previous,
            team_id=conversation.team_id,
        )
        publish_conversation(conversation)
    return conversation


def set_status(
    conversation: Conversation,
    status: str,
    *,
    by: Agent | None,
    snoozed_until=None,
) -> Conversation:
    """Open, park (pending), snooze until a time, or resolve a conversation.

    Resolving ends the wait for an answer. Snoozing needs a time in the future;
    the conversation reopens then (or sooner, if the customer writes). Pending
    pauses the resolution clock until the conversation leaves it
    (routing/pause.py)."""
    if status not in Status.values:
        raise InvalidInput(f"unknown status: {status}")
    if status == Status.SNOOZED:
        if snoozed_until is None or snoozed_until <= timezone.now():
            raise InvalidInput("snoozing needs a time in the future")
    else:
        snoozed_until = None
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        previous = conversation.status
        if previous == status and conversation.snoozed_until == snoozed_until:
            return conversation
        conversation.status = status
        conversation.snoozed_until = snoozed_until
        if status == Status.RESOLVED:
            conversation.waiting_since = None
            conversation.due_at = None
            conversation.sla_escalations = _without_response_keys(conversation.sla_escalations)
        record_event(
            "conversation.status_changed",
            conversation=conversation,
            actor=by,
            status=status,
            previous_status=previous,
            snoozed_until=snoozed_until.isoformat() if snoozed_until else None,
        )
        follow_status(conversation, previous, status, by=by, now=timezone.now())
        conversation.save()
        publish_conversation(conversation)
    return conversation


def set_priority(conversation: Conversation, priority: int, *, by: Agent | None) -> Conversation:
    """Raise or lower a conversation's priority (it orders the queue)."""
    if priority not in Priority.values:
        raise InvalidInput(f"unknown priority: {priority}")
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        previous = conversation.priority
        if previous == priority:
            return conversation
        conversation.priority = priority
        conversation.save(update_fields=["priority", "updated_at"])
        record_event(
            "conversation.priority_changed",
            conversation=conversation,
            actor=by,
            priority=priority,
            previous_priority=previous,
        )
        publish_conversation(conversation)
    return conversation


def wake_snoozed_conversations() -> int:
    """Reopen the conversations whose snooze time has passed; returns how many."""
    due = Conversation.objects.filter(status=Status.SNOOZED, snoozed_until__lte=timezone.now())
    woken = 0
    for conversation in due.only("pk"):
        set_status(conversation, Status.OPEN, by=None)
        woken += 1
    return woken


def set_tags(conversation: Conversation, names: list[str], *, by: Agent) -> list[str]:
    """Replace the conversation's tags (created on first use); returns them sorted."""
    wanted = sorted({slugify(name, allow_unicode=True) for name in names} - {""})
    if any(len(name) > 64 for name in wanted):
        raise InvalidInput("a tag is at most 64 characters")
    with transaction.atomic():
        before = set(conversation.tags.values_list("name", flat=True))
        tags = [Tag.objects.get_or_create(name=name)[0] for name in wanted]
        conversation.tags.set(tags)
        if before != set(wanted):
            record_event(
                "conversation.tagged",
                conversation=conversation,
                actor=by,
                added=sorted(set(wanted) - before),
                removed=sorted(before - set(wanted)),
            )
            publish_conversation(conversation)
    return wanted


def mark_read(conversation: Conversation) -> None:
    """The agent has seen the customer's messages."""
    if conversation.unread_count:
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=0)
        conversation.unread_count = 0
