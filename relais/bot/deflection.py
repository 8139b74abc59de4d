"""Deflection: the bot conversations the bot settled on its own.

A bot conversation counts as deflected when the bot answered it, the customer
did not escalate (no handover, no agent taking over), and the same contact
did not contact us again, on any channel, within 72 hours of the bot's last
answer. A conversation whose 72 hours are not over yet is not counted, either
way. `deflected` is the pure rule; `deflected_conversations` reads the Event
log for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from relais.core.models import Event

WINDOW = timedelta(hours=72)
ESCALATIONS = ("bot.handed_over", "bot.taken_over")


@dataclass(frozen=True)
class BotOutcome:
    conversation_id: int
    contact_id: int
    answered_at: datetime | None  # the bot's last answer, None if it never answered
    escalated: bool


def deflected(
    outcomes: Iterable[BotOutcome],
    contacts_again: Mapping[int, Sequence[tuple[int, datetime]]],
    *,
    now: datetime,
    window: timedelta = WINDOW,
) -> list[int]:
    """The deflected conversation ids. `contacts_again`: contact id -> the
    (conversation id, time) of their inbound messages; messages in the
    conversation itself do not count (a "thanks" is not a new contact)."""
    settled = []
    for outcome in outcomes:
        if outcome.answered_at is None or outcome.escalated:
            continue
        until = outcome.answered_at + window
        if until > now:
            continue  # too early to tell
        again = any(
            conversation_id != outcome.conversation_id and outcome.answered_at < at <= until
            for conversation_id, at in contacts_again.get(outcome.contact_id, ())
        )
        if not again:
            settled.append(outcome.conversation_id)
    return settled


def bot_outcomes(since: datetime, until: datetime) -> list[BotOutcome]:
    """The conversations the bot answered or escalated in [since, until)."""
    rows = (
        Event.objects.filter(
            kind__in=("bot.answered", *ESCALATIONS),
            created_at__gte=since,
            created_at__lt=until,
            conversation__isnull=False,
        )
        .order_by("created_at")
        .values_list("conversation_id", "conversation__contact_id", "kind", "created_at")
    )
    answered: dict[int, datetime] = {}
    escalated: set[int] = set()
    contacts: dict[int, int] = {}
    for conversation_id, contact_id, kind, at in rows:
        contacts[conversation_id] = contact_id
        if kind == "bot.answered":
            answered[conversation_id] = at
        else:
            escalated.add(conversation_id)
    return [BotOutcome(cid, contacts[cid], answered.get(cid), cid in escalated) for cid in contacts]


def deflected_conversations(
    since: datetime, until: datetime, *, now: datetime | None = None
) -> list[int]:
    """Deflected conversations among those the bot handled in [since, until)."""
    now = now or timezone.now()
    outcomes = bot_outcomes(since, until)
    contact_ids = {outcome.contact_id for outcome in outcomes}
    again: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    if contact_ids:
        rows = Event.objects.filter(
            kind="message.received",
            conversation__contact_id__in=contact_ids,
            created_at__gte=since,
            created_at__lt=until + WINDOW,
        ).values_list("conversation__contact_id", "conversation_id", "created_at")
        for contact_id, conversation_id, at in rows:
            again[contact_id].append((conversation_id, at))
    return deflected(outcomes, again, now=now)
