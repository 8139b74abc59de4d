"""Chat offered: when each web chat offered live chat, and the KPI built on it.

A periodic job looks every CHECK_EVERY_SECONDS at each web chat inbox and
appends `chat.offered` or `chat.withdrawn` (data: `inbox_id`) when the state
differs from the inbox's latest such Event, so the log holds transitions only.
Before an inbox's first Event, chat counts as not offered.

The KPI, `offered_share`, is the share of the site's time (its opening hours,
when a calendar is given) during which the widget offered live chat.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction

from relais.connectors.models import Inbox
from relais.core.business_hours import ALWAYS_OPEN, BusinessCalendar, business_time_between
from relais.core.events import record_event
from relais.core.models import Event
from relais.routing.availability import inbox_is_live

OFFERED = "chat.offered"
WITHDRAWN = "chat.withdrawn"
# The granularity of the KPI: a state change is seen at most this late.
CHECK_EVERY_SECONDS = 15

Transition = tuple[datetime, bool]


def offered_share(
    transitions: Iterable[Transition],
    start: datetime,
    end: datetime,
    opening: BusinessCalendar | None = None,
) -> float:
    """The share of [start, end] in which chat was offered, from 0.0 to 1.0.

    `transitions` are (when, offered) pairs in any order; the state before the
    window is the one of the latest transition before `start`, which the
    caller includes (without one, chat counts as not offered). With `opening`,
    only open time counts, on both sides of the ratio. A window without any
    (open) time gives 0.0. Datetimes must be aware; raises ValueError for a
    naive `start` or `end`, or an `end` before `start`.
    """
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    calendar = opening or ALWAYS_OPEN
    total = business_time_between(calendar, start, end)
    if total <= timedelta(0):
        return 0.0
    offered_time = timedelta(0)
    offered, since = False, start
    for at, state in sorted(transitions, key=lambda transition: transition[0]):
        if at > end:
            break
        if at > since:
            if offered:
                offered_time += business_time_between(calendar, since, at)
            since = at
        offered = state
    if offered:
        offered_time += business_time_between(calendar, since, end)
    return offered_time / total


def chat_offered_share(
    inbox: Inbox, start: datetime, end: datetime, *, opening: BusinessCalendar | None = None
) -> float:
    """`offered_share` of one inbox over [start, end], read from the Event log."""
    transitions = list(_transitions_between(inbox.pk, start, end))
    before = _latest_transition(inbox.pk, before=start)
    if before is not None:
        transitions.insert(0, before)
    return offered_share(transitions, start, end, opening)


def record_chat_offered_changes() -> int:
    """Append `chat.offered` / `chat.withdrawn` for each web chat inbox whose
    state changed since its latest such Event; returns how many were appended.

    Idempotent across workers: the previous state is read from the Event log,
    and a change is written under the inbox's row lock after reading it again,
    so two workers seeing the same change append it once. A deactivated inbox
    offers no chat.
    """
    appended = 0
    for inbox in Inbox.objects.filter(kind="webchat").only("pk", "kind", "is_active"):
        offered = inbox.is_active and inbox_is_live(inbox)
        if _latest_state(inbox.pk) != offered and _record_change(inbox.pk, offered):
            appended += 1
    return appended


def _record_change(inbox_id: int, offered: bool) -> bool:
    with transaction.atomic():
        # The lock serialises workers on PostgreSQL; SQLite's IMMEDIATE
        # transactions already do.
        if not Inbox.objects.select_for_update().filter(pk=inbox_id).exists():
            return False
        if _latest_state(inbox_id) == offered:
            return False
        record_event(OFFERED if offered else WITHDRAWN, inbox_id=inbox_id)
    return True


def _latest_state(inbox_id: int) -> bool:
    latest = _latest_transition(inbox_id)
    return latest is not None and latest[1]


def _latest_transition(inbox_id: int, *, before: datetime | None = None) -> Transition | None:
    """The inbox's latest transition (before `before`, if given). One query per
    kind, each walking the (kind, created_at) index back from the end: an
    `IN` of both kinds would sort every transition of every inbox."""
    found = []
    for kind in (OFFERED, WITHDRAWN):
        events = Event.objects.filter(kind=kind, data__inbox_id=inbox_id)
        if before is not None:
            events = events.filter(created_at__lt=before)
        row = events.order_by("-created_at", "-id").values_list("created_at", "id").first()
        if row is not None:
            found.append((row, kind == OFFERED))
    if not found:
        return None
    (created_at, _), offered = max(found)
    return created_at, offered


def _transitions_between(inbox_id: int, start: datetime, end: datetime) -> list[Transition]:
    rows = (
        Event.objects.filter(
            kind__in=(OFFERED, WITHDRAWN),
            data__inbox_id=inbox_id,
            created_at__gte=start,
            created_at__lte=end,
        )
        .order_by("created_at", "id")
        .values_list("created_at", "kind")
    )
    return [(created_at, kind == OFFERED) for created_at, kind in rows]
