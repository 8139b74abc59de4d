"""The inbox a webhook URL names, kept in memory for a few seconds.

Every provider call names its inbox by (kind, public key); reading the row
each time was an ORM query per webhook (about 0.5 ms of CPU here, more than
storing the message's statements). Entries are forgotten whenever an inbox is
saved or deleted in this process; another process sees a change (a rotated
secret, a deactivated inbox) within FRESH_SECONDS. Unknown keys are not
remembered: anyone can make up keys, and a new inbox must answer at once.
"""

from __future__ import annotations

import time

from django.db.models.signals import post_delete, post_save

from relais.connectors.models import Inbox

FRESH_SECONDS = 2.0

# (kind, public key) -> (monotonic time read, inbox). The instances are shared
# by the webhook threads: read them, never change them.
_inboxes: dict[tuple[str, str], tuple[float, Inbox]] = {}


def webhook_inbox(kind: str, public_key: str) -> Inbox | None:
    """The inbox of this kind with this public key, at most FRESH_SECONDS old;
    None when there is none."""
    key = (kind, public_key)
    now = time.monotonic()
    cached = _inboxes.get(key)
    if cached is not None and now - cached[0] < FRESH_SECONDS:
        return cached[1]
    inbox = Inbox.objects.filter(kind=kind, public_key=public_key).first()
    if inbox is None:
        _inboxes.pop(key, None)
    else:
        _inboxes[key] = (now, inbox)
    return inbox


def forget_webhook_inboxes() -> None:
    _inboxes.clear()


def _forget_inbox(sender, instance: Inbox, **kwargs) -> None:
    for key, (_, inbox) in list(_inboxes.items()):
        if inbox.pk == instance.pk or key[1] == instance.public_key:
            _inboxes.pop(key, None)


post_save.connect(_forget_inbox, sender=Inbox, dispatch_uid="webhook_inboxes.forget")
post_delete.connect(_forget_inbox, sender=Inbox, dispatch_uid="webhook_inboxes.forget")
