"""The whole e-mail round trip with real servers: a customer's mail fetched
from Dovecot over IMAP (and, the other way in, sent to `relais smtpd`), the
agent's reply delivered through SMTP with headers a mail client threads on, and
the customer's answer back in the same conversation."""

from __future__ import annotations

import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from relais.connectors.email.config import EmailConfig
from relais.connectors.email.imap_fetch import fetch_mailbox
from relais.connectors.email.smtp_data import RelaisController
from relais.connectors.email.smtpd import RelaisSmtpHandler, smtp_server_options
from relais.connectors.models import Inbox
from relais.conversations.actions import reply
from relais.conversations.models import Conversation, DeliveryStatus, Message, Status
from tests.connectors.email.smtp_server import recording_smtp_server
from tests.factories import make_agent, make_team
from tests.servers import dovecot_server, free_port

pytestmark = pytest.mark.xdist_group("dovecot")

PASSWORD = "mailbox-password"


@pytest.fixture(scope="module")
def imap():
    with dovecot_server({"support": PASSWORD}) as server:
        yield server


@pytest.fixture
def outgoing():
    with recording_smtp_server() as server:
        yield server


def email_inbox(imap, outgoing) -> Inbox:
    config = EmailConfig.model_validate(
        {
            "address": "support@example.com",
            "display_name": "Service client",
            "signature": "L'équipe Relais",
            "smtp": outgoing.settings().model_dump(),
            "imap": {
                "host": imap.host,
                "port": imap.port,
                "security": "none",
                "username": "support",
                "password": PASSWORD,
            },
        }
    )
    return Inbox.objects.create(kind="email", name="Support", config=config.model_dump())


def customer_writes(subject: str, text: str, **headers: str) -> EmailMessage:
    """What the customer's mail client sends."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "Claire Dubois <claire@example.org>"
    message["To"] = "Service client <support@example.com>"
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash((subject, text)))}@example.org>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


def answer_as_a_mail_client_would(received: EmailMessage, text: str) -> EmailMessage:
    """A reply as Thunderbird builds it: Re: subject, In-Reply-To the message
    answered, References its references plus its id, to its Reply-To."""
    answer = customer_writes(f"Re: {received['Subject']}", text)
    del answer["To"]
    answer["To"] = received["Reply-To"] or received["From"]
    answer["In-Reply-To"] = received["Message-ID"]
    answer["References"] = f"{received.get('References', '')} {received['Message-ID']}".strip()
    return answer


def test_mail_round_trip_through_imap_and_smtp(
    db, imap, outgoing, django_capture_on_commit_callbacks
):
    inbox = email_inbox(imap, outgoing)
    agent = make_agent(teams=[make_team(inboxes=[inbox])], name="Alice Martin")
    first = customer_writes("Commande 1234 non reçue", "Bonjour, mon colis n'est pas arrivé.")
    imap.deliver("support", first.as_bytes())

    assert fetch_mailbox(inbox).imported == 1
    conversation = Conversation.objects.get()
    assert conversation.contact.email == "claire@example.org"

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        reply(conversation, agent, "Bonjour Claire, le colis part aujourd'hui.")

    sent = Message.objects.get(direction="out")
    assert sent.status == DeliveryStatus.SENT, sent.error
    [delivered] = outgoing.messages
    assert delivered.rcpt_tos == ["claire@example.org"]
    mail = message_from_bytes(delivered.data, policy=policy.default)
    assert mail["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in mail["References"]
    assert mail["Subject"] == f"Re: Commande 1234 non reçue [#{conversation.pk}]"
    assert mail["From"].addresses[0].addr_spec == "support@example.com"
    assert mail["Message-ID"] == sent.provider_message_id
    assert "L'équipe Relais" in mail.get_body(("plain",)).get_content()
    assert mail.get_body(("html",)) is not None

    conversation.status = Status.RESOLVED
    conversation.save()
    answer = answer_as_a_mail_client_would(mail, "Merci, je l'ai bien reçu !")
    imap.deliver("support", answer.as_bytes())

    assert fetch_mailbox(inbox).imported == 1
    assert Conversation.objects.count() == 1
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert conversation.messages.filter(direction="in").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_customer_reply_sent_to_relais_smtpd_threads_on_our_message_id(outgoing):
    config = EmailConfig.model_validate(
        {"address": "support@example.com", "smtp": outgoing.settings().model_dump()}
    )
    inbox = Inbox.objects.create(kind="email", name="Support", config=config.model_dump())
    agent = make_agent(teams=[make_team(inboxes=[inbox])])
    port = free_port()
    handler = RelaisSmtpHandler()
    controller = RelaisController(handler, hostname="127.0.0.1", port=port, **smtp_server_options())
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.send_message(customer_writes("Facture", "Pouvez-vous m'envoyer la facture ?"))
        conversation = Conversation.objects.get()
        reply(conversation, agent, "La voici.")
        mail = message_from_bytes(outgoing.messages[0].data, policy=policy.default)
        answer = answer_as_a_mail_client_would(mail, "Merci !")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            # Sent to the plus-address of the Reply-To, as the mail client does.
            client.send_message(answer, to_addrs=[str(mail["Reply-To"].addresses[0].addr_spec)])
    finally:
        controller.stop()
        handler.close()
    assert Conversation.objects.count() == 1
    assert Message.objects.filter(direction="in").count() == 2
