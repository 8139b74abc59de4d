"""Calling a provider's HTTP API: the one helper every connector's `send()` uses.

It turns the provider's answers into the outbox's two errors:
- timeouts, network errors, 429 and 5xx: TemporarySendError (retried, after
  the provider's Retry-After when it gives one);
- any other 4xx (and a redirect): PermanentSendError, carrying the
  provider's own error message so that the agent reads why.

Every inbox also has a token bucket (`rate` calls a second, `burst` at once)
kept in the database, so that all workers together stay under the provider's
limit: a call waits for a token up to MAX_RATE_WAIT seconds, then is retried
later by the outbox.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from django.db import IntegrityError, transaction
from django.db.models import F, FloatField, Value
from django.db.models.functions import Least

from relais import __version__
from relais.connectors.base import PermanentSendError, TemporarySendError
from relais.connectors.models import RateBucket

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_RATE_WAIT = 2.0
MAX_ERROR_TEXT = 300
USER_AGENT = f"Relais/{__version__}"

_client: httpx.Client | None = None


def client() -> httpx.Client:
    """One connection pool per process (httpx clients are thread-safe)."""
    global _client
    if _client is None:
        _client = httpx.Client(timeout=TIMEOUT, headers={"User-Agent": USER_AGENT})
    return _client


@dataclass(frozen=True)
class RateLimit:
    per_second: float
    burst: int


def call_provider(
    method: str,
    url: str,
    *,
    provider: str,
    rate_key: str = "",
    rate: RateLimit | None = None,
    **request: Any,
) -> httpx.Response:
    """Send one request (httpx keyword arguments: json, data, files, headers,
    auth, params) and return a 2xx response; raise TemporarySendError or
    PermanentSendError otherwise. `provider` names it in error messages."""
    if rate_key and rate:
        wait_for_token(rate_key, rate)
    try:
        response = client().request(method, url, **request)
    except httpx.TimeoutException:
        raise TemporarySendError(f"{provider} did not answer in time") from None
    except httpx.HTTPError as error:
        raise TemporarySendError(f"could not reach {provider}: {error}") from None
    status = response.status_code
    if 200 <= status < 300:
        return response
    detail = f"{provider} answered HTTP {status}"
    reason = provider_error_text(response)
    if reason:
        detail += f": {reason}"
    if status == 429 or status >= 500 or status in (408, 425):
        raise TemporarySendError(detail, retry_after=retry_after_seconds(response))
    raise PermanentSendError(detail)


def provider_error_text(response: httpx.Response) -> str:
    """The provider's own explanation, from the error formats of the APIs we
    speak (Telegram "description", Twilio "message", X "detail"/"errors",
    Meta "error.message"), else the start of the body."""
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:MAX_ERROR_TEXT]
    text = _error_field(data) if isinstance(data, dict) else ""
    return (text or response.text.strip())[:MAX_ERROR_TEXT]


def _error_field(data: dict[str, Any]) -> str:
    error = data.get("error")
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    for key in ("description", "message", "detail", "title", "error_description"):
        if isinstance(data.get(key), str) and data[key]:
            return data[key]
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("message") or errors[0].get("detail") or "")
    return error if isinstance(error, str) else ""


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After as seconds (a number or an HTTP date); Telegram puts it in
    the body as parameters.retry_after."""
    raw = response.headers.get("Retry-After", "").strip()
    if raw:
        try:
            return max(float(raw), 0.0)
        except ValueError:
            try:
                return max(parsedate_to_datetime(raw).timestamp() - time.time(), 0.0)
            except (TypeError, ValueError):
                return None
    try:
        data = response.json()
        return float(data["parameters"]["retry_after"])
    except (ValueError, KeyError, TypeError):
        return None


def wait_for_token(key: str, rate: RateLimit) -> None:
    """Take a token from the shared bucket, sleeping up to MAX_RATE_WAIT for
    one; raise TemporarySendError (with when to retry) if it takes longer."""
    wait = take_token(key, rate)
    if wait and wait <= MAX_RATE_WAIT:
        time.sleep(wait)
        wait = take_token(key, rate)
    if wait:
        raise TemporarySendError("the channel's rate limit is reached", retry_after=wait)


def take_token(key: str, rate: RateLimit, now: float | None = None) -> float:
    """0 when a token was taken, else the seconds until one is available.
    One conditional UPDATE: concurrent workers never take the same token."""
    now = time.time() if now is None else now
    number = FloatField()
    refilled = Least(
        F("tokens") + (Value(now, number) - F("updated")) * Value(rate.per_second, number),
        Value(float(rate.burst), number),
        output_field=number,
    )
    taken = (
        RateBucket.objects.filter(key=key)
        .alias(available=refilled)
        .filter(available__gte=1)
        .update(tokens=refilled - 1, updated=now)
    )
    if taken:
        return 0.0
    bucket = RateBucket.objects.filter(key=key).first()
    if bucket is None:
        try:
            with transaction.atomic():
                RateBucket.objects.create(key=key, tokens=rate.burst - 1, updated=now)
            return 0.0
        except IntegrityError:  # another worker made it first: try again
            return take_token(key, rate, now)
    available = min(bucket.tokens + (now - bucket.updated) * rate.per_second, rate.burst)
    return max((1 - available) / rate.per_second, 0.001)
