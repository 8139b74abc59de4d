"""Sending through real SMTP servers: plain, STARTTLS, implicit TLS, AUTH, and
the server's refusals mapped to temporary or permanent failures."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from relais.connectors.base import PermanentSendError, TemporarySendError
from relais.connectors.email.compose import OutgoingMail, build_message
from relais.connectors.email.config import SmtpSettings
from relais.connectors.email.smtp_client import (
    default_ssl_context,
    parse_smtp_url,
    relay_settings,
    send_mail,
)
from tests.connectors.email.smtp_server import free_port, recording_smtp_server

SENDER = "support@example.com"
CUSTOMER = "chloe@example.org"


def make_message(**fields):
    mail = OutgoingMail(
        sender=("Support", SENDER),
        to=[("Chloé", CUSTOMER)],
        subject="Votre commande [#12]",
        text="Bonjour Chloé,\n\nVotre colis part demain.",
        message_id="<relais.1.abc@example.com>",
        **fields,
    )
    return build_message(mail)


def send(server, message=None, *, recipients=(CUSTOMER,), **settings):
    send_mail(
        server.settings(**settings),
        message or make_message(),
        envelope_from=SENDER,
        recipients=list(recipients),
        ssl_context=server.client_context(),
    )


def test_plain_server_receives_the_mail_with_its_envelope():
    with recording_smtp_server() as server:
        send(server)
    [(envelope_from, rcpt_tos, data)] = server.messages
    assert envelope_from == SENDER
    assert rcpt_tos == [CUSTOMER]
    assert server.messages[0].message()["Subject"] == "Votre commande [#12]"
    assert b"\r\n" in data


def test_bcc_header_is_never_transmitted_but_the_envelope_reaches_its_address():
    message = make_message()
    message["Bcc"] = "secret@example.net"
    with recording_smtp_server() as server:
        send(server, message, recipients=[CUSTOMER, "secret@example.net"])
    [received] = server.messages
    assert received.rcpt_tos == [CUSTOMER, "secret@example.net"]
    assert b"secret@example.net" not in received.data


def test_starttls_with_login_sends_after_securing_the_connection():
    with recording_smtp_server(tls="starttls", auth=("relais", "s3cret")) as server:
        send(server, username="relais", password="s3cret")
    assert server.logins == ["relais"]
    assert len(server.messages) == 1


def test_implicit_tls_with_login_sends():
    with recording_smtp_server(tls="implicit", auth=("relais", "s3cret")) as server:
        send(server, username="relais", password="s3cret")
    assert server.logins == ["relais"]
    assert len(server.messages) == 1


def test_wrong_password_is_permanent_with_the_server_reply():
    with (
        recording_smtp_server(tls="starttls", auth=("relais", "s3cret")) as server,
        pytest.raises(PermanentSendError, match="535"),
    ):
        send(server, username="relais", password="wrong")
    assert server.messages == []


def test_server_without_starttls_is_refused_before_anything_is_sent():
    with (
        recording_smtp_server(tls="none", auth=("relais", "s3cret")) as server,
        pytest.raises(PermanentSendError, match="offers no STARTTLS"),
    ):
        send(server, security="starttls", username="relais", password="s3cret")
    assert server.logins == []
    assert server.messages == []


def test_untrusted_certificate_is_permanent():
    with (
        recording_smtp_server(tls="implicit") as server,
        pytest.raises(PermanentSendError, match="certificate"),
    ):
        send_mail(
            server.settings(),
            make_message(),
            envelope_from=SENDER,
            recipients=[CUSTOMER],
            ssl_context=default_ssl_context(),  # the system CAs know no trustme CA
        )
    assert server.messages == []


def test_server_down_is_temporary():
    server = SmtpSettings(host="127.0.0.1", port=free_port(), security="none", timeout=5)
    with pytest.raises(TemporarySendError, match="cannot reach"):
        send_mail(server, make_message(), envelope_from=SENDER, recipients=[CUSTOMER])


def test_451_on_recipient_is_temporary():
    with (
        recording_smtp_server(rcpt_reply="451 4.3.0 Greylisted, try later") as server,
        pytest.raises(TemporarySendError, match="Greylisted"),
    ):
        send(server)
    assert server.messages == []


def test_550_on_recipient_is_permanent_and_names_the_address():
    with (
        recording_smtp_server(rcpt_reply="550 5.1.1 No such user") as server,
        pytest.raises(PermanentSendError, match=f"{CUSTOMER}: 550 5.1.1 No such user"),
    ):
        send(server)


def test_all_recipients_refused_with_a_mix_of_4xx_and_5xx_is_permanent():
    refuse = {CUSTOMER: "451 4.3.0 Later", "boss@example.org": "550 5.1.1 Unknown"}
    with recording_smtp_server(refuse=refuse) as server, pytest.raises(PermanentSendError):
        send(server, recipients=[CUSTOMER, "boss@example.org"])


def test_one_refused_recipient_does_not_stop_the_others():
    with recording_smtp_server(refuse={"gone@example.org": "550 5.1.1 Unknown"}) as server:
        send(server, recipients=[CUSTOMER, "gone@example.org"])
    assert [mail.rcpt_tos for mail in server.messages] == [[CUSTOMER]]


def test_4xx_after_data_is_temporary_and_5xx_permanent():
    with (
        recording_smtp_server(data_reply="452 4.3.1 Insufficient storage") as server,
        pytest.raises(TemporarySendError, match="452 4.3.1 Insufficient storage"),
    ):
        send(server)
    with (
        recording_smtp_server(data_reply="554 5.7.1 Message rejected as spam") as server,
        pytest.raises(PermanentSendError, match="rejected as spam"),
    ):
        send(server)


def test_no_recipient_is_permanent():
    with recording_smtp_server() as server, pytest.raises(PermanentSendError, match="no recipient"):
        send(server, recipients=[])


# --- the server-wide relay ------------------------------------------------------


def test_relay_is_off_by_default(settings):
    settings.RELAIS_SMTP_URL = ""
    assert relay_settings() is None


def test_relay_url_with_percent_encoded_credentials(settings):
    settings.RELAIS_SMTP_URL = "smtp://relais%40example.com:p%3Ass@mail.example.com:2525"
    assert relay_settings() == SmtpSettings(
        host="mail.example.com",
        port=2525,
        security="starttls",
        username="relais@example.com",
        password="p:ss",
    )


@pytest.mark.parametrize(
    ("url", "security", "port"),
    [
        ("smtps://mail.example.com", "tls", 465),
        ("smtp://mail.example.com", "starttls", 587),
        ("smtp://localhost:25?security=none&timeout=5", "none", 25),
    ],
)
def test_relay_url_schemes_and_defaults(url, security, port):
    server = parse_smtp_url(url)
    assert (server.security, server.port) == (security, port)


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example.com",
        "smtp://",
        "smtp://mail.example.com?security=ssl",
        "smtp://mail.example.com:99999",
        "smtp://mail.example.com?tls=1",
    ],
)
def test_invalid_relay_url_is_refused_without_echoing_it(url):
    with pytest.raises(ImproperlyConfigured) as raised:
        parse_smtp_url(url.replace("mail.", "user:hunter2@mail."))
    assert "hunter2" not in str(raised.value)


def test_relay_ca_file_is_trusted_besides_the_system_cas(settings, tmp_path):
    with recording_smtp_server(tls="implicit") as server:
        ca_file = tmp_path / "ca.pem"
        server.ca.cert_pem.write_to_path(str(ca_file))
        settings.RELAIS_SMTP_CA_FILE = str(ca_file)
        send_mail(server.settings(), make_message(), envelope_from=SENDER, recipients=[CUSTOMER])
    assert len(server.messages) == 1
