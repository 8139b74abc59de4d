"""The 24-hour customer-service window of WhatsApp, Messenger and Instagram.

A business may answer freely for 24 hours after the customer's latest message;
after that, WhatsApp only takes approved template messages and Messenger only
tagged messages. Pure: the caller supplies the customer's latest message time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

CUSTOMER_SERVICE_WINDOW = timedelta(hours=24)
# Messenger's HUMAN_AGENT tag lets a person answer for seven days.
HUMAN_AGENT_WINDOW = timedelta(days=7)


def window_closes_at(
    last_customer_message_at: datetime | None, length: timedelta = CUSTOMER_SERVICE_WINDOW
) -> datetime | None:
    """When free-form replies stop being allowed; None if the customer never wrote."""
    if last_customer_message_at is None:
        return None
    return last_customer_message_at + length


def window_is_open(
    last_customer_message_at: datetime | None,
    now: datetime,
    length: timedelta = CUSTOMER_SERVICE_WINDOW,
) -> bool:
    closes_at = window_closes_at(last_customer_message_at, length)
    return closes_at is not None and now < closes_at
