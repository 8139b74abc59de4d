"""The 24-hour customer-service window."""

from datetime import UTC, datetime, timedelta

from relais.connectors.meta.window import HUMAN_AGENT_WINDOW, window_closes_at, window_is_open

WROTE_AT = datetime(2025, 6, 25, 9, 0, tzinfo=UTC)


def test_window_closes_24_hours_after_the_customers_last_message():
    assert window_closes_at(WROTE_AT) == WROTE_AT + timedelta(hours=24)


def test_window_is_open_until_the_last_second_and_closed_at_24_hours():
    assert window_is_open(WROTE_AT, WROTE_AT + timedelta(hours=23, minutes=59, seconds=59))
    assert not window_is_open(WROTE_AT, WROTE_AT + timedelta(hours=24))


def test_a_customer_who_never_wrote_has_no_window():
    assert window_closes_at(None) is None
    assert not window_is_open(None, WROTE_AT)


def test_human_agent_window_lasts_seven_days():
    assert window_is_open(WROTE_AT, WROTE_AT + timedelta(days=6), HUMAN_AGENT_WINDOW)
    assert not window_is_open(WROTE_AT, WROTE_AT + timedelta(days=7), HUMAN_AGENT_WINDOW)
