"""What the arrival path needs to know of an inbox (its kind, capacity class,
whether the bot takes its new conversations), cached per process: every
customer message asks, and the inbox rarely changes."""

from __future__ import annotations

import time

from django.db.models.signals import post_delete, post_save

from relais.bot.config import bot_config
from relais.connectors.models import Inbox
from relais.connectors.registry import get_connector

# Inbox id -> (kind, channel class, bot enabled). An id is forgotten whenever
# a row with it is saved or deleted (ids can come back after a rolled-back
# transaction, as in tests); another process sees a bot switched on or off
# at its next save signal or restart, hence the short lifetime below.
_inbox_facts: dict[int, tuple[float, tuple[str, str, bool]]] = {}
FACTS_SECONDS = 5.0


def inbox_facts(inbox_id: int) -> tuple[str, str, bool]:
    """(kind, channel class, whether the bot takes new conversations) of the
    inbox; raises Inbox.DoesNotExist."""
    cached = _inbox_facts.get(inbox_id)
    now = time.monotonic()
    if cached is not None and now - cached[0] < FACTS_SECONDS:
        return cached[1]
    kind, config = Inbox.objects.values_list("kind", "config").get(pk=inbox_id)
    connector = get_connector(kind)
    with_bot = connector.supports_bot and bot_config(config or {}).enabled
    facts = (kind, connector.channel_class, with_bot)
    _inbox_facts[inbox_id] = (now, facts)
    return facts


def _forget_inbox(sender, instance: Inbox, **kwargs) -> None:
    _inbox_facts.pop(instance.pk, None)


post_save.connect(_forget_inbox, sender=Inbox, dispatch_uid="inbox_facts.forget_inbox")
post_delete.connect(_forget_inbox, sender=Inbox, dispatch_uid="inbox_facts.forget_inbox")
