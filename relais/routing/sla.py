"""Service-level clocks (pure): targets, deadlines, breach state, pauses, escalation.

Default first-response targets per channel class come first; an SLA policy
(`SlaTargets`) refines them per inbox, counted in open time of a BusinessCalendar
or in elapsed time. Deadlines keep the time zone of the datetime they start from.
"""

from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

from relais.core.business_hours import (
    ALWAYS_OPEN,
    BusinessCalendar,
    add_business_time,
    business_time_between,
)

# Phone under a minute, chat within two, social/messaging within 30 minutes,
# e-mail within the day.
DEFAULT_RESPONSE_TARGETS = {
    "call": timedelta(seconds=60),
    "chat": timedelta(minutes=2),
    "messaging": timedelta(minutes=30),
    "email": timedelta(hours=24),
}

BreachState = Literal["ok", "at_risk", "breached"]
EscalationWhen = Literal["at_risk", "breached"]
EscalationAction = Literal["notify", "raise_priority", "reassign"]
_SEVERITY: dict[str, int] = {"ok": 0, "at_risk": 1, "breached": 2}


def response_due(channel_class: str, waiting_since: datetime) -> datetime:
    """When the next answer is due for a customer waiting since `waiting_since`."""
    target = DEFAULT_RESPONSE_TARGETS.get(channel_class, DEFAULT_RESPONSE_TARGETS["messaging"])
    return waiting_since + target


@dataclass(frozen=True)
class SlaTargets:
    """An SLA policy. A target of None means no deadline of that kind; with
    business_hours the targets count open time of the inbox's calendar."""

    first_response: timedelta | None = None
    next_response: timedelta | None = None
    resolution: timedelta | None = None
    business_hours: bool = False

    def __post_init__(self) -> None:
        for name in ("first_response", "next_response", "resolution"):
            target = getattr(self, name)
            if target is not None and target <= timedelta(0):
                raise ValueError(f"{name} target must be positive, got {target}")


def first_response_due(
    targets: SlaTargets, calendar: BusinessCalendar | None, created_at: datetime
) -> datetime | None:
    """When the first agent answer is due for a conversation opened at `created_at`."""
    return _due(targets.first_response, targets.business_hours, calendar, created_at)


def next_response_due(
    targets: SlaTargets, calendar: BusinessCalendar | None, customer_waiting_since: datetime
) -> datetime | None:
    """When the next answer is due to a customer waiting since `customer_waiting_since`."""
    return _due(targets.next_response, targets.business_hours, calendar, customer_waiting_since)


def resolution_due(
    targets: SlaTargets, calendar: BusinessCalendar | None, created_at: datetime
) -> datetime | None:
    """When the conversation must be resolved, before any pause (see extend_for_pause)."""
    return _due(targets.resolution, targets.business_hours, calendar, created_at)


def remaining(due: datetime, now: datetime) -> timedelta:
    """Elapsed time left until `due`, negative once breached (a countdown)."""
    return _as_utc(due, "due") - _as_utc(now, "now")


def breach_state(due: datetime | None, now: datetime, warn_before: timedelta) -> BreachState:
    """Breached from `due` on, at risk within `warn_before` (elapsed time) of it, else
    ok; always ok without a deadline."""
    if due is None:
        return "ok"
    left = remaining(due, now)
    if left <= timedelta(0):
        return "breached"
    return "at_risk" if left <= warn_before else "ok"


def extend_for_pause(
    calendar: BusinessCalendar | None,
    due: datetime,
    paused_from: datetime,
    paused_until: datetime,
    business_hours: bool,
) -> datetime:
    """The resolution deadline pushed back by the time (open time with business_hours)
    the conversation spent pending on the customer. A pause that began at or after
    `due` changes nothing: the clock had run out, the breach stands.

    Raises ValueError when the pause ends before it begins.
    """
    if _as_utc(paused_until, "paused_until") < _as_utc(paused_from, "paused_from"):
        raise ValueError("paused_until must not come before paused_from")
    if _as_utc(paused_from, "paused_from") >= _as_utc(due, "due"):
        return due
    clock = _clock(business_hours, calendar)
    return add_business_time(clock, due, business_time_between(clock, paused_from, paused_until))


@dataclass(frozen=True)
class EscalationStep:
    """One escalation rule of a policy: once a deadline reaches `when`, do `action`.

    target says to whom or what, per action: who to notify (e.g. "supervisors",
    "team:3"), the priority to raise to (e.g. "urgent"), whom to reassign to.
    """

    when: EscalationWhen
    action: EscalationAction
    target: str = ""

    def __post_init__(self) -> None:
        if self.when not in get_args(EscalationWhen):
            raise ValueError(f"when must be one of {get_args(EscalationWhen)}, not {self.when!r}")
        if self.action not in get_args(EscalationAction):
            raise ValueError(
                f"action must be one of {get_args(EscalationAction)}, not {self.action!r}"
            )

    @property
    def key(self) -> str:
        """Stable identity to record once the step has run (JSON-friendly)."""
        return f"{self.when}:{self.action}:{self.target}"


def due_escalations(
    steps: Iterable[EscalationStep], state: BreachState, already_done: Set[str]
) -> list[EscalationStep]:
    """The steps to run on this check, in policy order.

    A step is due once the state has reached its `when`: "breached" also reaches
    "at_risk", so a check that missed the warning still sends it. Steps whose key is in
    `already_done` are skipped, so each fires once: the caller keeps one set of keys
    per deadline, adds the keys of what it ran, and starts afresh when the deadline is
    replaced (e.g. a new next-response deadline after the customer writes again).
    """
    if state not in _SEVERITY:
        raise ValueError(f"state must be one of {list(_SEVERITY)}, not {state!r}")
    reached = _SEVERITY[state]
    done = set(already_done)
    fired = []
    for step in steps:
        if _SEVERITY[step.when] <= reached and step.key not in done:
            fired.append(step)
            done.add(step.key)
    return fired


def _due(
    target: timedelta | None,
    business_hours: bool,
    calendar: BusinessCalendar | None,
    since: datetime,
) -> datetime | None:
    if target is None:
        return None
    return add_business_time(_clock(business_hours, calendar), since, target)


def _clock(business_hours: bool, calendar: BusinessCalendar | None) -> BusinessCalendar:
    if not business_hours:
        return ALWAYS_OPEN
    if calendar is None:
        raise ValueError("targets count business hours but no calendar was given")
    return calendar


def _as_utc(moment: datetime, name: str) -> datetime:
    # Subtracting two datetimes of one zone compares wall clocks, wrong across DST.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.astimezone(UTC)
