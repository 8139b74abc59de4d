"""Service-level targets (pure). Default first-response targets per channel class;
policies per inbox and business hours refine them (see routing issue)."""

from datetime import datetime, timedelta

# Phone under a minute, chat within two, social/messaging within 30 minutes,
# e-mail within the day.
DEFAULT_RESPONSE_TARGETS = {
    "call": timedelta(seconds=60),
    "chat": timedelta(minutes=2),
    "messaging": timedelta(minutes=30),
    "email": timedelta(hours=24),
}


def response_due(channel_class: str, waiting_since: datetime) -> datetime:
    """When the next answer is due for a customer waiting since `waiting_since`."""
    target = DEFAULT_RESPONSE_TARGETS.get(channel_class, DEFAULT_RESPONSE_TARGETS["messaging"])
    return waiting_since + target
