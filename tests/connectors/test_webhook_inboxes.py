"""The webhook inbox cache: fresh for a few seconds, forgotten on change."""

from relais.accounts.models import Role
from relais.connectors import webhook_inboxes
from relais.connectors.actions import update_inbox
from relais.connectors.models import Inbox
from relais.connectors.webhook_inboxes import webhook_inbox
from tests.factories import make_agent, make_inbox


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_deactivation_elsewhere_is_seen_once_the_entry_is_stale(db, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(webhook_inboxes.time, "monotonic", clock)
    inbox = make_inbox("telegram")
    assert webhook_inbox("telegram", inbox.public_key).is_active
    # Another process's change: no signal reaches this one.
    Inbox.objects.filter(pk=inbox.pk).update(is_active=False)
    clock.now += webhook_inboxes.FRESH_SECONDS / 2
    assert webhook_inbox("telegram", inbox.public_key).is_active  # still fresh
    clock.now += webhook_inboxes.FRESH_SECONDS
    assert not webhook_inbox("telegram", inbox.public_key).is_active


def test_a_change_in_this_process_is_seen_at_once(db):
    inbox = make_inbox("telegram", bot_token="123:abc", secret_token="s" * 20)
    assert webhook_inbox("telegram", inbox.public_key).is_active
    update_inbox(inbox, by=make_agent(role=Role.ADMIN), is_active=False)
    assert not webhook_inbox("telegram", inbox.public_key).is_active


def test_a_deleted_inbox_is_forgotten(db):
    inbox = make_inbox("telegram")
    webhook_inbox("telegram", inbox.public_key)
    inbox.delete()
    assert webhook_inbox("telegram", inbox.public_key) is None


def test_unknown_keys_are_not_remembered(db):
    assert webhook_inbox("telegram", "not-yet") is None
    inbox = make_inbox("telegram")
    Inbox.objects.filter(pk=inbox.pk).update(public_key="not-yet")
    assert webhook_inbox("telegram", "not-yet").pk == inbox.pk


def test_the_kind_is_part_of_the_key(db):
    inbox = make_inbox("telegram")
    assert webhook_inbox("sms", inbox.public_key) is None
