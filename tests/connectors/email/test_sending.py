"""An agent's answer to a customer mail, end to end: the customer's mail is
ingested, the agent replies, the outbox sends through a real SMTP server, and
the mail received there threads in the customer's client."""

from __future__ import annotations

import pytest

from relais.accounts.models import Role
from relais.connectors.actions import create_inbox
from relais.connectors.base import InboundAttachment, PermanentSendError, TemporarySendError
from relais.connectors.email.ingest import ingest_mail
from relais.connectors.email.sending import send_message
from relais.conversations.actions import reply
from relais.conversations.models import DeliveryStatus, Message
from relais.conversations.outbox import deliver_message
from tests.connectors.email.mails import customer_mail
from tests.connectors.email.smtp_server import free_port, recording_smtp_server
from tests.factories import make_agent, make_conversation, make_team

pytestmark = pytest.mark.django_db

CUSTOMER_ID = "<order-1234@client.example>"


@pytest.fixture
def smtp():
    with recording_smtp_server() as server:
        yield server


@pytest.fixture
def admin():
    return make_agent(Role.ADMIN, name="Admin")


def email_inbox(admin, smtp=None, **settings):
    inbox = create_inbox(
        by=admin,
        kind="email",
        name="Boutique",
        settings={
            "address": "support@example.com",
            "aliases": ["contact@example.com"],
            "display_name": "Support Boutique",
            "signature": "L'équipe Boutique\n01 23 45 67 89",
            **({"smtp": smtp.settings().model_dump()} if smtp else {}),
            **settings,
        },
    )
    make_team("Support", inboxes=[inbox])
    return inbox


@pytest.fixture
def inbox(admin, smtp):
    return email_inbox(admin, smtp)


@pytest.fixture
def agent(db):
    return make_agent(name="Alice Martin")


def receive(inbox, **fields):
    fields.setdefault("message_id", CUSTOMER_ID)
    result = ingest_mail(inbox, customer_mail(**fields))
    assert result.outcome == "stored", result.reason
    return result.conversation


def answer(conversation, agent, body="Votre colis part demain.", **fields):
    message = reply(conversation, agent, body, **fields)
    assert deliver_message(message.pk) == DeliveryStatus.SENT
    return Message.objects.get(pk=message.pk)


def test_answer_threads_under_the_customer_mail(inbox, agent, smtp):
    conversation = receive(
        inbox,
        headers={
            "Cc": "Marc <marc@client.example>, contact@example.com, support+9@example.com",
            "References": "<older@client.example>",
        },
    )
    message = answer(conversation, agent)

    [(envelope_from, rcpt_tos, _)] = smtp.messages
    mail = smtp.messages[0].message()
    assert envelope_from == "support@example.com"
    assert rcpt_tos == ["chloe@client.example", "marc@client.example"]
    assert str(mail["From"]) == "Support Boutique <support@example.com>"
    assert str(mail["To"]) == "Chloé Dubois <chloe@client.example>"
    assert str(mail["Cc"]) == "Marc <marc@client.example>"
    assert str(mail["Reply-To"]) == f"support+{conversation.pk}@example.com"
    assert mail["Subject"] == f"Re: Ma commande 1234 [#{conversation.pk}]"
    assert mail["In-Reply-To"] == CUSTOMER_ID
    assert mail["References"].split() == ["<older@client.example>", CUSTOMER_ID]
    assert "Auto-Submitted" not in mail
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    assert text.startswith("Votre colis part demain.\n\n-- \nL'équipe Boutique\n01 23 45 67 89")
    assert "<br>" in mail.get_body(("html",)).get_content()
    assert message.provider_message_id == mail["Message-ID"]
    assert message.metadata["email"]["message_id"] == mail["Message-ID"]
    assert mail["Message-ID"].endswith("@example.com>")


def test_answer_goes_to_the_reply_to_address(inbox, agent, smtp):
    conversation = receive(inbox, headers={"Reply-To": "Commandes <orders@client.example>"})
    answer(conversation, agent)
    assert smtp.messages[0].rcpt_tos == ["orders@client.example"]


def test_second_answer_references_the_first(inbox, agent, smtp):
    conversation = receive(inbox)
    first = answer(conversation, agent, "Nous regardons.")
    answer(conversation, agent, "C'est réglé.")
    second = smtp.messages[1].message()
    assert second["In-Reply-To"] == CUSTOMER_ID
    assert second["References"].split() == [first.provider_message_id, CUSTOMER_ID]
    assert second["Message-ID"] != first.provider_message_id


def test_answer_carries_the_agents_files(inbox, agent, smtp):
    conversation = receive(inbox)
    pdf = InboundAttachment("devis n°3.pdf", "application/pdf", b"%PDF-1.4 quote")
    answer(conversation, agent, attachments=[pdf])
    mail = smtp.messages[0].message()
    assert mail.get_content_type() == "multipart/mixed"
    [file] = list(mail.iter_attachments())
    assert (file.get_filename(), file.get_content()) == ("devis n°3.pdf", b"%PDF-1.4 quote")


def test_a_retry_sends_the_same_message_id(admin, agent):
    port = free_port()
    down = {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5}
    inbox = create_inbox(
        by=admin,
        kind="email",
        name="Boutique",
        settings={"address": "support@example.com", "smtp": down},
    )
    conversation = receive(inbox)
    message = reply(conversation, agent, "Votre colis part demain.")
    with pytest.raises(TemporarySendError):
        send_message(message)
    saved_id = Message.objects.get(pk=message.pk).metadata["email"]["message_id"]
    with recording_smtp_server() as smtp:
        inbox.config["smtp"] = smtp.settings().model_dump()
        inbox.save()
        result = send_message(Message.objects.get(pk=message.pk))
    assert result.provider_message_id == saved_id
    assert smtp.messages[0].message()["Message-ID"] == saved_id


def test_without_plus_addressing_replies_come_to_the_inbox_address(admin, agent, smtp):
    inbox = email_inbox(admin, smtp, plus_addressing=False)
    answer(receive(inbox), agent)
    assert str(smtp.messages[0].message()["Reply-To"]) == "support@example.com"


def test_acknowledgement_is_sent_as_an_automatic_reply(
    admin, smtp, django_capture_on_commit_callbacks
):
    inbox = email_inbox(admin, smtp, acknowledgement=True, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        conversation = receive(inbox)
    [received] = smtp.messages
    mail = received.message()
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert (
        mail["Subject"] == f"We have received your request: Ma commande 1234 [#{conversation.pk}]"
    )
    assert mail["In-Reply-To"] == CUSTOMER_ID
    assert f"[#{conversation.pk}]" in mail.get_body(("plain",)).get_content()


def test_contact_address_is_used_when_no_mail_came_in(admin, agent, smtp):
    inbox = email_inbox(admin, smtp)
    conversation = make_conversation(inbox, contact_email="chloe@client.example")
    answer(conversation, agent)
    mail = smtp.messages[0].message()
    assert smtp.messages[0].rcpt_tos == ["chloe@client.example"]
    assert "In-Reply-To" not in mail


def test_customer_without_address_fails_for_good(admin, agent, smtp):
    conversation = make_conversation(email_inbox(admin, smtp))
    message = reply(conversation, agent, "Bonjour")
    with pytest.raises(PermanentSendError, match="no e-mail address"):
        send_message(message)
    assert smtp.messages == []


def test_inbox_without_server_uses_the_relay(admin, agent, smtp, settings):
    inbox = email_inbox(admin)
    conversation = receive(inbox)
    message = reply(conversation, agent, "Bonjour")
    settings.RELAIS_SMTP_URL = ""
    with pytest.raises(PermanentSendError, match="no SMTP server configured"):
        send_message(message)
    settings.RELAIS_SMTP_URL = f"smtp://127.0.0.1:{smtp.port}?security=none"
    send_message(Message.objects.get(pk=message.pk))
    assert len(smtp.messages) == 1


def test_refused_recipient_marks_the_message_failed_with_the_reason(admin, agent):
    with recording_smtp_server(rcpt_reply="550 5.1.1 No such user here") as smtp:
        conversation = receive(email_inbox(admin, smtp))
        message = reply(conversation, agent, "Bonjour")
        assert deliver_message(message.pk) == DeliveryStatus.FAILED
    message.refresh_from_db()
    assert "550 5.1.1 No such user here" in message.error
