"""Keeping robots and floods out of the forum, without a CAPTCHA.

A honeypot field on every posting form (people leave it empty), and fixed
window rate limits per poster and per client address, counted in the
database (core.rate_limits) so that every server process shares them. The
address is REMOTE_ADDR: behind a trusted proxy, uvicorn sets it from the
proxy's header.
"""

from __future__ import annotations

from relais.core import rate_limits

HONEYPOT_FIELD = "website"


# (allowed, window in seconds) per kind of request.
class Limits:
    POSTS_PER_POSTER = (5, 600)
    POSTS_PER_ADDRESS = (20, 600)
    SIGN_INS_PER_EMAIL = (3, 900)
    SIGN_INS_PER_ADDRESS = (10, 900)


def is_honeypot_filled(data) -> bool:
    return bool(str(data.get(HONEYPOT_FIELD, "")).strip())


Check = tuple[str, str, tuple[int, int]]  # (kind, subject, (allowed, window))


def _limits(checks: list[Check]) -> list[tuple[rate_limits.Limit, str]]:
    return [
        (rate_limits.Limit(f"community.{kind}", allowed, window), subject)
        for kind, subject, (allowed, window) in checks
    ]


def over_limit(checks: list[Check]) -> bool:
    """True when any (kind, subject, (allowed, window)) already reached its
    allowance in the current window."""
    return rate_limits.over_limit(_limits(checks))


def count(checks: list[Check]) -> None:
    """Count one request against each check's window (started by the first)."""
    rate_limits.count_request(_limits(checks))
