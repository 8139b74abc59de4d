"""Keeping robots and floods out of the contact form, without a CAPTCHA.

- A honeypot: a text field hidden off-screen that people leave empty.
- A time trap: the form carries a signed token holding when it was shown; a
  submission faster than MIN_FILL_SECONDS is a robot's. A token older than
  MAX_TOKEN_AGE only asks for a new submission (a person may leave a tab open
  overnight; a robot replaying an old token meets the time trap again).
- A rate limit per client address and per customer e-mail address, counted
  in the database (core.rate_limits), so that every server process shares
  it (a per-process cache would give each process its own). The client address is
  REMOTE_ADDR, never X-Forwarded-For: behind a reverse proxy, uvicorn sets it
  from the proxy's header when the proxy is trusted (FORWARDED_ALLOW_IPS).
"""

from __future__ import annotations

import time
from enum import Enum

from django.core import signing

from relais.connectors.models import Inbox
from relais.core import rate_limits

HONEYPOT_FIELD = "website"
TOKEN_FIELD = "form_token"  # noqa: S105 (a field name)
TOKEN_SALT = "relais.webform.shown"  # noqa: S105 (a signing namespace)
MIN_FILL_SECONDS = 3
MAX_TOKEN_AGE = 24 * 3600
# Stored submissions allowed per client address, and per e-mail address, in
# the window: the e-mail limit stops one person's address from being flooded
# with confirmations from many machines.
RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 600


class Verdict(Enum):
    HUMAN = "human"
    SPAM = "spam"  # dropped silently, behind the usual thank-you page
    EXPIRED = "expired"  # the form is shown again with a fresh token


def form_token(inbox: Inbox, *, shown_at: float | None = None) -> str:
    """A signed token saying the form of `inbox` was shown at `shown_at`
    (now by default)."""
    shown_at = time.time() if shown_at is None else shown_at
    return signing.dumps({"inbox": inbox.pk, "shown": round(shown_at, 3)}, salt=TOKEN_SALT)


def judge_submission(inbox: Inbox, data, *, now: float | None = None) -> tuple[Verdict, str]:
    """(verdict, reason) for the posted `data` of the form of `inbox`: SPAM when
    the honeypot is filled or the token is missing, forged, for another inbox
    or too recent; EXPIRED when it is too old. Never raises."""
    now = time.time() if now is None else now
    if str(data.get(HONEYPOT_FIELD, "")).strip():
        return Verdict.SPAM, "honeypot"
    try:
        claims = signing.loads(str(data.get(TOKEN_FIELD, "")), salt=TOKEN_SALT)
        shown_at = float(claims["shown"])
        same_inbox = claims["inbox"] == inbox.pk
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Verdict.SPAM, "bad_token"
    if not same_inbox:
        return Verdict.SPAM, "other_inbox"
    if now - shown_at < MIN_FILL_SECONDS:
        return Verdict.SPAM, "too_fast"
    if now - shown_at > MAX_TOKEN_AGE:
        return Verdict.EXPIRED, "expired"
    return Verdict.HUMAN, ""


def _rate_checks(inbox: Inbox, client_address: str, email: str):
    def limit(kind: str) -> rate_limits.Limit:
        return rate_limits.Limit(f"webform.{inbox.pk}.{kind}", RATE_LIMIT, RATE_WINDOW_SECONDS)

    checks = [(limit("ip"), client_address or "unknown")]
    if email:
        checks.append((limit("email"), email))  # hashed, case-folded by rate_key
    return checks


def is_rate_limited(inbox: Inbox, client_address: str, email: str = "") -> bool:
    """True when this client, or this e-mail address, already made RATE_LIMIT
    submissions to `inbox` in the current window."""
    return rate_limits.over_limit(_rate_checks(inbox, client_address, email))


def count_submission(inbox: Inbox, client_address: str, email: str = "") -> None:
    """Count one submission against the client's and the address's limits
    (fixed windows starting at the first submission)."""
    rate_limits.count_request(_rate_checks(inbox, client_address, email))
