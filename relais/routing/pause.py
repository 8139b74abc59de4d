"""The resolution clock stops while a conversation is pending, waiting on the
customer, as in Zendesk and Zammad: entering pending remembers when
(`Conversation.resolution_paused_since`); leaving it (an agent reopens,
snoozes or resolves it, the customer writes back) pushes `resolution_due_at`
back by the time spent pending, counted in open hours when the policy counts
business hours (routing/sla.extend_for_pause), and clears the pause.

A conversation whose resolution deadline has already passed does not pause:
the breach stands. Meanwhile the escalation job leaves pending conversations
alone (routing/escalation.py checks open ones only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from relais.accounts.models import Agent
from relais.conversations.models import Conversation, Status
from relais.core.events import record_event
from relais.routing.config import routing_config
from relais.routing.sla import extend_for_pause

PAUSED, RESUMED = "sla.resolution_paused", "sla.resolution_resumed"
PAUSE_FIELDS = ("resolution_due_at", "resolution_paused_since", "sla_escalations")


@dataclass(frozen=True)
class Resumption:
    """What leaving pending changes: the new deadline, the escalation keys
    moved to it, and the facts of the "sla.resolution_resumed" event."""

    due_at: datetime | None
    escalations: list[str]
    facts: dict[str, Any]


def follow_status(
    conversation: Conversation, previous: str, status: str, *, by: Agent | None, now: datetime
) -> None:
    """Pause or resume the resolution clock for a status change from
    `previous` to `status`. Call on the locked row inside the transaction;
    the caller saves (PAUSE_FIELDS may change)."""
    if status == Status.PENDING and previous != Status.PENDING:
        pause_resolution(conversation, by=by, now=now)
    elif previous == Status.PENDING and status != Status.PENDING:
        resume_resolution(conversation, by=by, now=now)


def pause_resolution(conversation: Conversation, *, by: Agent | None, now: datetime) -> bool:
    """Start the pause, unless there is no resolution deadline, the clock is
    already paused or the deadline has passed. True when it paused."""
    due = conversation.resolution_due_at
    if due is None or conversation.resolution_paused_since is not None or due <= now:
        return False
    conversation.resolution_paused_since = now
    record_event(PAUSED, conversation=conversation, actor=by, due_at=_iso(due))
    return True


def resume_resolution(conversation: Conversation, *, by: Agent | None, now: datetime) -> bool:
    """End the pause: the deadline moves back by the time spent pending. True
    when a pause ended."""
    resumption = resumption_of(conversation, now)
    if resumption is None:
        return False
    conversation.resolution_due_at = resumption.due_at
    conversation.resolution_paused_since = None
    conversation.sla_escalations = resumption.escalations
    record_event(RESUMED, conversation=conversation, actor=by, **resumption.facts)
    return True


def resume_on_customer_message(conversation_id: int, now: datetime) -> dict[str, Any] | None:
    """The customer wrote back to a pending conversation (conversations/
    inbound_store.py, inside its transaction, the row held): end the pause and
    return the facts of the "sla.resolution_resumed" event for the caller to
    append with the message's events; None when the clock was not paused."""
    conversation = Conversation.objects.only("id", "sla_policy", *PAUSE_FIELDS).get(
        pk=conversation_id
    )
    resumption = resumption_of(conversation, now)
    if resumption is None:
        return None
    Conversation.objects.filter(pk=conversation_id).update(
        resolution_due_at=resumption.due_at,
        resolution_paused_since=None,
        sla_escalations=resumption.escalations,
    )
    return resumption.facts


def resumption_of(conversation: Conversation, now: datetime) -> Resumption | None:
    """What ending the pause at `now` changes, on the policy's calendar (or
    calendar time if the policy is gone); None when the clock is not paused."""
    paused_since = conversation.resolution_paused_since
    if paused_since is None:
        return None
    previous = conversation.resolution_due_at
    policy = routing_config().policy_by_id(conversation.sla_policy_id)
    business_hours = policy is not None and policy.targets.business_hours
    # A clock set back (another worker's) must not make the pause negative.
    until = max(now, paused_since)
    due = previous
    if previous is not None:
        calendar = policy.calendar if policy else None
        due = extend_for_pause(calendar, previous, paused_since, until, business_hours)
    facts = {
        "paused_since": _iso(paused_since),
        "paused_seconds": (until - paused_since).total_seconds(),
        "business_hours": business_hours,
        "previous_due_at": _iso(previous) if previous else None,
        "due_at": _iso(due) if due else None,
    }
    escalations = conversation.sla_escalations or []
    if previous is not None and due is not None:
        escalations = moved_keys(escalations, previous, due)
    return Resumption(due, escalations, facts)


def moved_keys(keys: list[str], previous: datetime, due: datetime) -> list[str]:
    """The escalation keys of the resolution deadline, moved to its new due
    time: what was recorded or run before the pause is not done twice."""
    # Imported here: escalation.py imports the conversation actions, which import this module.
    from relais.routing.escalation import RESOLUTION, Deadline

    old, new = (Deadline(RESOLUTION, moment, timedelta(0), None) for moment in (previous, due))
    return [key.removesuffix(old.due_iso) + new.due_iso if old.owns(key) else key for key in keys]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
