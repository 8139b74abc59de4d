"""The outbox: leases, retries with backoff, permanent failures, the sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relais.connectors import registry
from relais.connectors.base import (
    Connector,
    PermanentSendError,
    SendResult,
    TemporarySendError,
)
from relais.conversations.actions import reply
from relais.conversations.models import DeliveryStatus, Message
from relais.conversations.outbox import deliver_message, sweep_outbox
from relais.core.models import Event
from tests.factories import make_agent, make_conversation, make_inbox, make_team


class ScriptedConnector(Connector):
    """Answers each send with the next scripted outcome (an exception or 'ok')."""

    kind = "scripted"
    label = "Scripted"

    def __init__(self):
        self.outcomes: list = []
        self.sent: list[int] = []

    def send(self, message):
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if isinstance(outcome, Exception):
            raise outcome
        self.sent.append(message.pk)
        return SendResult(provider_message_id=f"prov-{message.pk}-{len(self.sent)}")


@pytest.fixture
def connector(monkeypatch):
    scripted = ScriptedConnector()
    monkeypatch.setitem(registry.CONNECTORS, "scripted", scripted)
    return scripted


@pytest.fixture
def queued(db, connector, django_capture_on_commit_callbacks):
    """An agent's reply on a scripted inbox, queued but not yet sent."""
    inbox = make_inbox("scripted")
    agent = make_agent(teams=[make_team(inboxes=[inbox])])
    conversation = make_conversation(inbox)
    connector.outcomes.append(TemporarySendError("provider busy"))
    with django_capture_on_commit_callbacks(execute=True):
        message = reply(conversation, agent, "Votre colis arrive demain.")
    message.refresh_from_db()
    return message


def test_temporary_failure_keeps_the_message_queued_until_its_retry_time(queued, connector):
    assert queued.status == DeliveryStatus.QUEUED
    assert queued.attempts == 1 and queued.error == "provider busy"
    assert queued.lease_until > timezone.now() + timedelta(seconds=5)
    # Not before its time, neither by a stray task nor by the sweep.
    assert deliver_message(queued.pk) == "skipped"
    assert sweep_outbox() == 0
    assert connector.sent == []


def test_sweep_retries_once_the_backoff_has_passed(queued, connector):
    Message.objects.filter(pk=queued.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert sweep_outbox() == 1
    queued.refresh_from_db()
    assert queued.status == DeliveryStatus.SENT
    assert queued.attempts == 2 and queued.error == "" and queued.lease_until is None
    assert connector.sent == [queued.pk]
    assert Event.objects.filter(kind="message.sent", message=queued).count() == 1


def test_a_worker_that_died_mid_send_is_taken_over_after_its_lease(queued, connector):
    # Another worker claimed it and vanished: the lease blocks, then expires.
    Message.objects.filter(pk=queued.pk).update(lease_until=timezone.now() + timedelta(minutes=5))
    assert sweep_outbox() == 0
    Message.objects.filter(pk=queued.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert sweep_outbox() == 1
    assert connector.sent == [queued.pk]


def test_lost_task_is_found_by_the_sweep(queued, connector):
    Message.objects.filter(pk=queued.pk).update(
        lease_until=None, created_at=timezone.now() - timedelta(minutes=10)
    )
    assert sweep_outbox() == 1
    queued.refresh_from_db()
    assert queued.status == DeliveryStatus.SENT


def test_permanent_failure_marks_the_message_failed_with_the_reason(queued, connector):
    Message.objects.filter(pk=queued.pk).update(lease_until=None)
    connector.outcomes.append(PermanentSendError("number not on WhatsApp"))
    assert deliver_message(queued.pk) == DeliveryStatus.FAILED
    queued.refresh_from_db()
    assert queued.status == DeliveryStatus.FAILED
    assert queued.error == "number not on WhatsApp"
    event = Event.objects.get(kind="message.failed", message=queued)
    assert event.data["error"] == "number not on WhatsApp"
    assert sweep_outbox() == 0


def test_attempts_are_capped(queued, connector, settings):
    settings.RELAIS_SEND_MAX_ATTEMPTS = 2
    Message.objects.filter(pk=queued.pk).update(lease_until=None)
    connector.outcomes.append(RuntimeError("connection reset"))
    assert deliver_message(queued.pk) == DeliveryStatus.FAILED
    queued.refresh_from_db()
    assert queued.attempts == 2
    assert "connection reset" in queued.error


def test_sent_messages_and_notes_are_never_swept(db, connector, django_capture_on_commit_callbacks):
    from relais.conversations.actions import add_note

    inbox = make_inbox("scripted")
    agent = make_agent(teams=[make_team(inboxes=[inbox])])
    conversation = make_conversation(inbox)
    with django_capture_on_commit_callbacks(execute=True):
        reply(conversation, agent, "Bonjour")
        add_note(conversation, agent, "note")
    Message.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert sweep_outbox() == 0
    assert len(connector.sent) == 1
