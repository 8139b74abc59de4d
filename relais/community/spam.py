"""Keeping robots and floods out of the forum, without a CAPTCHA.

A honeypot field on every posting form (people leave it empty), and fixed
window rate limits in the Django cache per poster and per client address
(per process with the default local-memory cache; configure a shared cache
when several processes serve the site). The address is REMOTE_ADDR: behind a
trusted proxy, uvicorn sets it from the proxy's header.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

HONEYPOT_FIELD = "website"


# (allowed, window in seconds) per kind of request.
class Limits:
    POSTS_PER_POSTER = (5, 600)
    POSTS_PER_ADDRESS = (20, 600)
    SIGN_INS_PER_EMAIL = (3, 900)
    SIGN_INS_PER_ADDRESS = (10, 900)


def is_honeypot_filled(data) -> bool:
    return bool(str(data.get(HONEYPOT_FIELD, "")).strip())


def _key(kind: str, subject: str) -> str:
    # Hashed: cache keys stay short ASCII and never show an address.
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"relais.community.{kind}.{digest}"


def over_limit(checks: list[tuple[str, str, tuple[int, int]]]) -> bool:
    """True when any (kind, subject, (allowed, window)) already reached its
    allowance in the current window."""
    counts = cache.get_many([_key(kind, subject) for kind, subject, _ in checks])
    return any(
        counts.get(_key(kind, subject), 0) >= allowed for kind, subject, (allowed, _) in checks
    )


def count(checks: list[tuple[str, str, tuple[int, int]]]) -> None:
    """Count one request against each check's window (started by the first)."""
    for kind, subject, (_, window) in checks:
        key = _key(kind, subject)
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
