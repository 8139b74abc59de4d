"""Fixed-window rate limits shared by every server process.

The counters are rows in the database (core.models.RateCounter), not
entries of Django's per-process cache: with N processes behind a load
balancer the allowance stays what it says, not N times it. A check reads the
counters (one query); counting is one conditional UPDATE per key, a new row
when the key has none. Limits are for floods, not accounting: two requests
checked at the same instant may both pass before either is counted.

Subjects (addresses, e-mails) are hashed into the keys: short ASCII, and no
personal data in the table.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When

from relais.core.models import RateCounter


@dataclass(frozen=True)
class Limit:
    """`allowed` requests per `window` seconds for one kind of subject."""

    kind: str  # e.g. "community.sign-in.email"
    allowed: int
    window: int


def rate_key(kind: str, subject: str) -> str:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"{kind}.{digest}"


def over_limit(checks: list[tuple[Limit, str]], *, now: float | None = None) -> bool:
    """True when any (limit, subject) already reached its allowance in its
    current window. One query."""
    now = time.time() if now is None else now
    keys = {rate_key(limit.kind, subject): limit.allowed for limit, subject in checks}
    counts = RateCounter.objects.filter(key__in=keys, window_ends__gt=now)
    return any(count >= keys[key] for key, count in counts.values_list("key", "count"))


def count_request(checks: list[tuple[Limit, str]], *, now: float | None = None) -> None:
    """Count one request against each (limit, subject); a window starts at
    the first request after the previous one ended."""
    now = time.time() if now is None else now
    for limit, subject in checks:
        _count(rate_key(limit.kind, subject), limit.window, now)


def _count(key: str, window: int, now: float) -> None:
    # Both SET expressions read the row as it was: an ended window restarts.
    in_window = Q(window_ends__gt=now)
    counted = RateCounter.objects.filter(key=key).update(
        count=Case(When(in_window, then=F("count") + 1), default=Value(1)),
        window_ends=Case(When(in_window, then=F("window_ends")), default=Value(now + window)),
    )
    if counted:
        return
    try:
        with transaction.atomic():
            # Rows past their window are worth nothing: sweep them as a new
            # key arrives, so the table holds about the keys of one window.
            RateCounter.objects.filter(window_ends__lte=now).delete()
            RateCounter.objects.create(key=key, count=1, window_ends=now + window)
    except IntegrityError:  # another process created it first: count on it
        _count(key, window, now)
