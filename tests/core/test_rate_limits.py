"""Fixed-window rate limits kept in the database, shared by every process."""

import pytest
from django.core.cache import cache

from relais.core import rate_limits
from relais.core.models import RateCounter
from relais.core.rate_limits import Limit, count_request, over_limit

pytestmark = pytest.mark.django_db

SIGN_INS = Limit("test.sign-in", allowed=3, window=900)
T0 = 1_700_000_000.0


def test_the_allowance_is_reached_after_that_many_requests():
    checks = [(SIGN_INS, "claire@example.com")]
    for n in range(3):
        assert not over_limit(checks, now=T0 + n)
        count_request(checks, now=T0 + n)
    assert over_limit(checks, now=T0 + 3)


def test_subjects_are_folded_hashed_and_counted_apart():
    count_request([(SIGN_INS, " Claire@Example.com ")], now=T0)
    (row,) = RateCounter.objects.all()
    assert "claire" not in row.key and row.key.startswith("test.sign-in.")
    count_request([(SIGN_INS, "claire@example.com")], now=T0 + 1)
    assert RateCounter.objects.get().count == 2
    assert not over_limit([(Limit("test.other", 2, 900), "claire@example.com")], now=T0 + 2)
    assert over_limit([(Limit("test.sign-in", 2, 900), "claire@example.com")], now=T0 + 2)


def test_a_new_window_starts_once_the_last_one_ended():
    checks = [(SIGN_INS, "claire@example.com")]
    for n in range(3):
        count_request(checks, now=T0 + n)
    assert over_limit(checks, now=T0 + 899)
    assert not over_limit(checks, now=T0 + 900)
    count_request(checks, now=T0 + 900)
    row = RateCounter.objects.get()
    assert (row.count, row.window_ends) == (1, T0 + 1800)


def test_any_check_over_its_limit_is_enough():
    per_address = Limit("test.ip", allowed=1, window=60)
    count_request([(per_address, "192.0.2.1")], now=T0)
    assert over_limit([(SIGN_INS, "new@example.com"), (per_address, "192.0.2.1")], now=T0 + 1)
    assert not over_limit([(SIGN_INS, "new@example.com")], now=T0 + 1)


def test_clearing_a_process_cache_resets_nothing():
    checks = [(SIGN_INS, "claire@example.com")]
    for n in range(3):
        count_request(checks, now=T0 + n)
        cache.clear()  # what the next request sees when another process serves it
    assert over_limit(checks, now=T0 + 3)


def test_ended_windows_are_swept_when_a_new_key_arrives():
    count_request([(SIGN_INS, "old@example.com")], now=T0)
    count_request([(SIGN_INS, "new@example.com")], now=T0 + 1000)
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1]
    assert over_limit([(SIGN_INS, "old@example.com")], now=T0 + 1000) is False


def test_a_key_created_meanwhile_by_another_process_is_counted_on(monkeypatch):
    checks = [(SIGN_INS, "claire@example.com")]
    count_request(checks, now=T0)
    real_filter = rate_limits.RateCounter.objects.filter
    misses = iter([True])

    def racing_filter(*args, **kwargs):
        # The first UPDATE finds nothing (the row was not there yet for this
        # process), then the INSERT meets the other process's row.
        queryset = real_filter(*args, **kwargs)
        if "key" in kwargs and next(misses, False):
            return queryset.none()
        return queryset

    monkeypatch.setattr(rate_limits.RateCounter.objects, "filter", racing_filter)
    count_request(checks, now=T0 + 1)
    assert RateCounter.objects.get().count == 2
