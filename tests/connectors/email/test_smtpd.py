"""`relais smtpd`: the real aiosmtpd server with our handler, spoken to with
smtplib. The server's database thread sees committed data only, hence
transactional_db."""

from __future__ import annotations

import smtplib

import pytest

from relais.connectors.email.smtp_data import RelaisController
from relais.connectors.email.smtpd import RelaisSmtpHandler, smtp_server_options
from relais.conversations.models import Conversation, Message
from tests.connectors.email.mails import customer_mail
from tests.factories import make_email_inbox
from tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtpd(settings):
    settings.RELAIS_EMAIL_MAX_BYTES = 200_000
    port = free_port()
    handler = RelaisSmtpHandler()
    controller = RelaisController(handler, hostname="127.0.0.1", port=port, **smtp_server_options())
    controller.start()
    yield port
    controller.stop()
    handler.close()


def send(port: int, raw: bytes, recipients: list[str]) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        # On the wire, lines end with CRLF (smtplib leaves bytes as they are).
        client.sendmail("chloe@client.example", recipients, raw.replace(b"\n", b"\r\n"))


def test_a_mail_to_an_inbox_address_becomes_a_conversation(smtpd):
    make_email_inbox("support@example.com")
    send(smtpd, customer_mail(), ["Support@Example.com"])
    conversation = Conversation.objects.get()
    assert conversation.subject == "Ma commande 1234"
    assert conversation.contact.email == "chloe@client.example"


def test_unknown_recipients_are_refused_at_rcpt_time(smtpd):
    make_email_inbox("support@example.com")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(smtpd, customer_mail(to="nobody@example.com"), ["nobody@example.com"])
    assert refused.value.recipients["nobody@example.com"][0] == 550
    assert not Message.objects.exists()


def test_an_inbox_created_while_running_is_live_at_once(smtpd):
    make_email_inbox("support@example.com")
    send(smtpd, customer_mail(), ["support@example.com"])
    make_email_inbox("ventes@example.com")
    send(smtpd, customer_mail(to="ventes@example.com"), ["ventes@example.com"])
    assert Conversation.objects.count() == 2


def test_aliases_and_plus_addresses_are_accepted(smtpd):
    inbox = make_email_inbox("support@example.com", aliases=["contact@example.com"])
    send(smtpd, customer_mail(), ["contact@example.com", "support+42@example.com"])
    # One mail to two addresses of one inbox is stored once.
    assert Message.objects.filter(inbox=inbox).count() == 1


def test_a_mail_to_two_inboxes_is_a_request_in_each(smtpd):
    make_email_inbox("support@example.com")
    make_email_inbox("ventes@example.com")
    send(smtpd, customer_mail(), ["support@example.com", "ventes@example.com"])
    assert Conversation.objects.count() == 2


def test_a_deactivated_inbox_receives_nothing(smtpd):
    inbox = make_email_inbox("support@example.com")
    inbox.is_active = False
    inbox.save()
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(smtpd, customer_mail(), ["support@example.com"])


def test_an_oversized_mail_is_refused_and_nothing_is_stored(smtpd):
    make_email_inbox("support@example.com")
    raw = customer_mail(attachment=("big.bin", "application/octet-stream", b"x" * 300_000))
    with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) as refused:
        send(smtpd, raw, ["support@example.com"])
    assert refused.value.smtp_code == 552
    assert not Message.objects.exists()


def test_a_database_failure_defers_the_mail_for_the_sender_to_retry(smtpd, monkeypatch):
    from django.db import OperationalError

    from relais.connectors.email import smtpd as smtpd_module

    make_email_inbox("support@example.com")

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(smtpd_module, "ingest_mail", locked)
    with pytest.raises(smtplib.SMTPDataError) as deferred:
        send(smtpd, customer_mail(), ["support@example.com"])
    assert deferred.value.smtp_code == 451
    monkeypatch.undo()
    send(smtpd, customer_mail(), ["support@example.com"])
    assert Message.objects.count() == 1


def test_the_mail_is_stored_byte_for_byte_dots_and_long_lines_included(smtpd):
    from relais.conversations.models import Attachment

    make_email_inbox("support@example.com")
    text = ".une ligne qui commence par un point\n..deux points\n" + "x" * 3000
    raw = customer_mail(text=text).replace(b"\n", b"\r\n")
    with smtplib.SMTP("127.0.0.1", smtpd, timeout=10) as client:
        client.sendmail("chloe@client.example", ["support@example.com"], raw)
    original = Attachment.objects.get(kind="original").file.read()
    assert original == raw
    assert Message.objects.get().body.startswith(".une ligne")


def test_a_session_goes_on_after_a_refused_mail(smtpd):
    make_email_inbox("support@example.com")
    big = customer_mail(attachment=("big.bin", "application/octet-stream", b"x" * 300_000))
    with smtplib.SMTP("127.0.0.1", smtpd, timeout=10) as client:
        with pytest.raises(smtplib.SMTPException):
            client.sendmail(
                "c@client.example", ["support@example.com"], big.replace(b"\n", b"\r\n")
            )
        client.sendmail(
            "c@client.example", ["support@example.com"], customer_mail().replace(b"\n", b"\r\n")
        )
        client.sendmail(
            "c@client.example", ["support@example.com"], customer_mail().replace(b"\n", b"\r\n")
        )
    assert Message.objects.count() == 2


def test_a_client_that_ignores_size_is_refused_after_data(smtpd):
    make_email_inbox("support@example.com")
    big = customer_mail(attachment=("big.bin", "application/octet-stream", b"x" * 300_000))
    with smtplib.SMTP("127.0.0.1", smtpd, timeout=10) as client:
        client.ehlo()
        client.esmtp_features.pop("size")  # no SIZE= on MAIL FROM: the limit bites in DATA
        with pytest.raises(smtplib.SMTPDataError) as refused:
            client.sendmail(
                "c@client.example", ["support@example.com"], big.replace(b"\n", b"\r\n")
            )
        assert refused.value.smtp_code == 552
        client.sendmail(
            "c@client.example", ["support@example.com"], customer_mail().replace(b"\n", b"\r\n")
        )
    assert Message.objects.count() == 1


@pytest.mark.parametrize(
    "arg",
    [
        "<chloe@client.example> SIZE=1234",
        "<o'brien+tag@sub.example.org>",
        "<>",
        '<"quoted local"@example.com>',
        "bare@example.com",
        "<broken",
    ],
)
def test_the_quick_address_reader_agrees_with_aiosmtpd(arg):
    from aiosmtpd.smtp import SMTP

    from relais.connectors.email.smtp_data import FastDataSMTP

    server = FastDataSMTP.__new__(FastDataSMTP)
    server.local_part_limit = 0
    assert server._getaddr(arg) == SMTP._getaddr(server, arg)
