"""The provider-call helper: error mapping, Retry-After, the shared token bucket."""

import httpx
import pytest

from relais.connectors.base import PermanentSendError, TemporarySendError
from relais.connectors.http_api import (
    RateLimit,
    call_provider,
    provider_error_text,
    retry_after_seconds,
    take_token,
)
from relais.connectors.media import MediaRefused, download_media
from tests.connectors.fake_provider import Reply

RATE = RateLimit(per_second=2, burst=3)


def test_bucket_gives_its_burst_then_says_how_long_to_wait(db):
    assert [take_token("k", RATE, now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert take_token("k", RATE, now=100.0) == pytest.approx(0.5)
    assert take_token("k", RATE, now=100.5) == 0.0  # refilled at two a second


def test_buckets_are_per_key(db):
    for _ in range(3):
        take_token("a", RATE, now=1.0)
    assert take_token("b", RATE, now=1.0) == 0.0


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"ok": False, "description": "Bad Request: chat not found"}, "chat not found"),
        ({"code": 21211, "message": "Invalid 'To'"}, "Invalid 'To'"),
        ({"error": {"message": "(#10) Outside window"}}, "Outside window"),
        ({"errors": [{"message": "Duplicate content"}]}, "Duplicate content"),
    ],
)
def test_provider_error_is_read_from_its_own_format(body, text):
    assert text in provider_error_text(httpx.Response(400, json=body))


def test_retry_after_from_header_or_telegram_body():
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "7"})) == 7
    body = {"parameters": {"retry_after": 3}}
    assert retry_after_seconds(httpx.Response(429, json=body)) == 3
    assert retry_after_seconds(httpx.Response(429)) is None


def test_statuses_map_to_temporary_or_permanent(fake_provider):
    fake_provider.on("POST", "/busy", Reply(503, headers={"Retry-After": "12"}))
    fake_provider.on("POST", "/refused", Reply(403, json={"message": "not allowed"}))
    fake_provider.on("POST", "/dropped", Reply(drop=True))
    with pytest.raises(TemporarySendError) as busy:
        call_provider("POST", fake_provider.url + "/busy", provider="P")
    assert busy.value.retry_after == 12
    with pytest.raises(PermanentSendError, match="not allowed"):
        call_provider("POST", fake_provider.url + "/refused", provider="P")
    with pytest.raises(TemporarySendError):
        call_provider("POST", fake_provider.url + "/dropped", provider="P")


def test_media_of_a_forbidden_type_or_too_large_is_refused(fake_provider):
    fake_provider.on("GET", "/exe", Reply(body=b"MZ" + b"\x00" * 200))
    fake_provider.on("GET", "/big", Reply(body=b"x" * 5000, content_type="text/plain"))
    with pytest.raises(MediaRefused, match="program|not accepted"):
        download_media(fake_provider.url + "/exe", max_bytes=10_000, filename="facture.pdf")
    with pytest.raises(MediaRefused, match="larger"):
        download_media(fake_provider.url + "/big", max_bytes=1000)
