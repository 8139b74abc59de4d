"""A raw mail into the pipeline: threading, auto-replies, bounces, files,
acknowledgements and the quarantine."""

from __future__ import annotations

import pytest

from relais.connectors.email import ingest
from relais.connectors.email.ingest import ingest_mail
from relais.conversations.models import (
    Attachment,
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    Status,
)
from tests.connectors.email.mails import customer_mail
from tests.factories import make_email_inbox

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 2000


@pytest.fixture
def inbox():
    return make_email_inbox("support@example.com")


def outbound(conversation: Conversation, message_id: str) -> Message:
    """An agent reply already sent with `message_id`."""
    return Message.objects.create(
        conversation=conversation,
        inbox_id=conversation.inbox_id,
        direction=Direction.OUTBOUND,
        body="Nous regardons.",
        status=DeliveryStatus.SENT,
        provider_message_id=message_id,
    )


def test_a_customer_mail_opens_a_conversation_with_its_sender_and_files(inbox):
    raw = customer_mail(attachment=("facture.pdf", "application/pdf", PDF))

    result = ingest_mail(inbox, raw)

    assert result.outcome == "stored"
    conversation = result.conversation
    assert conversation.subject == "Ma commande 1234"
    assert conversation.status == Status.OPEN and conversation.due_at is not None
    assert conversation.contact.email == "chloe@client.example"
    assert conversation.contact.name == "Chloé Dubois"
    message = Message.objects.get(pk=result.message.pk)
    assert "pas arrivée" in message.body
    assert message.metadata["email"]["from"][0]["address"] == "chloe@client.example"
    files = {item.kind: item for item in Attachment.objects.filter(message=message)}
    assert files["file"].filename == "facture.pdf" and files["file"].file.read() == PDF
    assert files["original"].file.read() == raw


def test_the_same_mail_twice_is_stored_once(inbox):
    raw = customer_mail()
    assert ingest_mail(inbox, raw).outcome == "stored"
    assert ingest_mail(inbox, raw).outcome == "duplicate"
    assert Message.objects.count() == 1


def test_a_mail_without_message_id_is_still_stored_once(inbox):
    raw = customer_mail().replace(b"Message-ID:", b"X-Old-Id:")
    assert ingest_mail(inbox, raw).outcome == "stored"
    assert ingest_mail(inbox, raw).outcome == "duplicate"


def test_a_reply_to_our_message_joins_its_conversation_even_when_resolved(inbox):
    first = ingest_mail(inbox, customer_mail()).conversation
    outbound(first, "<relais.1.abc@example.com>")
    Conversation.objects.filter(pk=first.pk).update(status=Status.RESOLVED)

    result = ingest_mail(
        inbox,
        customer_mail(subject="Re: Ma commande 1234", in_reply_to="<relais.1.abc@example.com>"),
    )

    assert result.conversation.pk == first.pk
    assert Conversation.objects.get(pk=first.pk).status == Status.OPEN


def test_a_new_subject_from_the_same_customer_is_a_new_conversation(inbox):
    first = ingest_mail(inbox, customer_mail()).conversation
    second = ingest_mail(inbox, customer_mail(subject="Autre question")).conversation
    assert second.pk != first.pk
    assert second.contact_id == first.contact_id


def test_the_subject_reference_threads_when_headers_are_lost(inbox):
    first = ingest_mail(inbox, customer_mail()).conversation
    result = ingest_mail(inbox, customer_mail(subject=f"Re: Ma commande [#{first.pk}]"))
    assert result.conversation.pk == first.pk


def test_the_plus_address_threads_when_headers_are_lost(inbox):
    first = ingest_mail(inbox, customer_mail()).conversation
    result = ingest_mail(
        inbox, customer_mail(subject="Suite"), recipients=[f"support+{first.pk}@example.com"]
    )
    assert result.conversation.pk == first.pk


def test_a_reference_to_someone_elses_conversation_starts_a_new_one(inbox):
    theirs = ingest_mail(inbox, customer_mail(sender="other@client.example")).conversation
    result = ingest_mail(inbox, customer_mail(subject=f"Re: [#{theirs.pk}]"))
    assert result.conversation.pk != theirs.pk
    assert Message.objects.filter(conversation=theirs).count() == 1


def test_an_out_of_office_neither_reopens_nor_makes_the_customer_wait(inbox):
    first = ingest_mail(inbox, customer_mail()).conversation
    outbound(first, "<relais.2.abc@example.com>")
    Conversation.objects.filter(pk=first.pk).update(
        status=Status.RESOLVED, waiting_since=None, due_at=None
    )

    result = ingest_mail(
        inbox,
        customer_mail(
            subject="Réponse automatique : Ma commande 1234",
            in_reply_to="<relais.2.abc@example.com>",
            headers={"Auto-Submitted": "auto-replied"},
        ),
    )

    conversation = Conversation.objects.get(pk=first.pk)
    assert result.outcome == "stored" and result.conversation.pk == first.pk
    assert conversation.status == Status.RESOLVED
    assert conversation.waiting_since is None
    assert result.message.metadata["email"]["auto_reply"]


def test_the_acknowledgement_is_queued_once_and_never_to_robots(inbox, settings):
    inbox.config["acknowledgement"] = True
    inbox.save()

    first = ingest_mail(inbox, customer_mail())
    ingest_mail(inbox, customer_mail(subject="Deuxième demande"))
    ingest_mail(
        inbox,
        customer_mail(sender="robot@client.example", headers={"Auto-Submitted": "auto-replied"}),
    )

    acknowledgements = Message.objects.filter(metadata__automatic="acknowledgement")
    assert [ack.conversation_id for ack in acknowledgements] == [first.conversation.pk]
    ack = acknowledgements.get()
    assert f"[#{first.conversation.pk}]" in ack.metadata["email"]["subject"] + ack.body
    # The customer still waits for a human answer.
    assert Conversation.objects.get(pk=first.conversation.pk).waiting_since is not None


def test_old_mail_gets_no_acknowledgement(inbox):
    inbox.config["acknowledgement"] = True
    inbox.save()
    ingest_mail(inbox, customer_mail(headers={"Date": "Mon, 02 Mar 2026 10:00:00 +0100"}))
    assert not Message.objects.filter(metadata__automatic="acknowledgement").exists()


def test_a_bounce_marks_our_message_failed_with_the_reason(inbox):
    conversation = ingest_mail(inbox, customer_mail()).conversation
    sent = outbound(conversation, "<relais.3.abc@example.com>")
    report = DSN.replace(b"ORIGINAL_ID", b"<relais.3.abc@example.com>")

    result = ingest_mail(inbox, report)

    sent.refresh_from_db()
    assert result.outcome == "bounce"
    assert sent.status == DeliveryStatus.FAILED
    assert "5.1.1" in sent.error and "chloe@client.example" in sent.error
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1


def test_an_unstorable_mail_goes_to_the_quarantine(inbox, monkeypatch, settings, tmp_path):
    settings.RELAIS_EMAIL_QUARANTINE_DIR = tmp_path

    def broken(*args, **kwargs):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(ingest, "parse_mail", broken)
    raw = customer_mail()

    result = ingest_mail(inbox, raw)

    assert result.outcome == "quarantined" and "parser bug" in result.reason
    kept = list(tmp_path.glob("*.eml"))
    assert len(kept) == 1 and kept[0].read_bytes() == raw
    assert "parser bug" in next(tmp_path.glob("*.reason.txt")).read_text()


DSN = b"""From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: support@example.com
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.example.com>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; chloe@client.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <chloe@client.example>: Recipient address rejected

--B
Content-Type: text/rfc822-headers

From: Support <support@example.com>
To: chloe@client.example
Subject: Re: Ma commande 1234 [#1]
Message-ID: ORIGINAL_ID

--B--
"""
