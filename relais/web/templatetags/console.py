"""Small template helpers of the agent console."""

import math
from datetime import timedelta

from django import template

from relais.accounts.models import Presence
from relais.connectors.registry import UnknownChannelKind, get_connector
from relais.conversations.models import Message
from relais.web.message_display import MessageDisplay, message_display

register = template.Library()


@register.simple_tag
def presence_choices() -> list[tuple[str, str]]:
    return list(Presence.choices)


@register.filter
def channel_label(kind: str) -> str:
    """A channel kind as people call it ("Web chat"), or the kind itself."""
    try:
        return str(get_connector(kind).label)
    except UnknownChannelKind:
        return kind


@register.filter
def slots(count: int) -> range:
    """1..count, for a row of numbered fields (reply buttons)."""
    return range(1, int(count or 0) + 1)


@register.filter
def total_minutes(delay: timedelta) -> int:
    """A delay in whole minutes, rounded up (never "try again in 0 minutes")."""
    return max(math.ceil(delay.total_seconds() / 60), 1)


@register.simple_tag
def message_extras(message: Message) -> MessageDisplay:
    """A timeline message's headers, formatted view, files and badges."""
    return message_display(message)
