"""A real SMTP server (aiosmtpd) in a thread, recording what it receives.

    with recording_smtp_server(tls="starttls", auth=("relais", "secret")) as server:
        send_mail(server.settings(), message, envelope_from=..., recipients=[...],
                  ssl_context=server.client_context())
        envelope_from, rcpt_tos, data = server.messages[0]
        server.messages[0].message()["Subject"]

Options: `tls` "none" (plain), "starttls" (offered, and required before AUTH)
or "implicit" (TLS from the first byte, as on port 465), with a certificate
for 127.0.0.1 from a throwaway trustme CA; `auth` (user, password) to offer
AUTH (required before MAIL with STARTTLS); `rcpt_reply` / `data_reply` to
answer every RCPT / DATA with that reply instead ("451 4.3.0 Try later");
`refuse` {address: reply} for some recipients only.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Literal, NamedTuple

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from relais.connectors.email.config import SmtpSettings

HOST = "127.0.0.1"


class ReceivedMail(NamedTuple):
    envelope_from: str
    rcpt_tos: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        """The mail as a client reads it (line ends as "\n" in its parts)."""
        return message_from_bytes(self.data.replace(b"\r\n", b"\n"), policy=policy.default)


@dataclass
class RecordingServer:
    port: int
    tls: str
    ca: trustme.CA | None
    messages: list[ReceivedMail] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)  # users who authenticated
    host: str = HOST

    def settings(self, **overrides) -> SmtpSettings:
        """SmtpSettings pointing at this server (security matching `tls`)."""
        security = {"none": "none", "starttls": "starttls", "implicit": "tls"}[self.tls]
        return SmtpSettings(
            **{
                "host": self.host,
                "port": self.port,
                "security": security,
                "timeout": 5,
                **overrides,
            }
        )

    def client_context(self) -> ssl.SSLContext:
        """A client context trusting this server's CA (and nothing else)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # checks certificate and host
        if self.ca is not None:
            self.ca.configure_trust(context)
        return context


class _Recorder:
    def __init__(self, server: RecordingServer, rcpt_reply, data_reply, refuse) -> None:
        self.server = server
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply
        self.refuse = {address.lower(): reply for address, reply in (refuse or {}).items()}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        reply = self.refuse.get(address.lower()) or self.rcpt_reply
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.data_reply:
            return self.data_reply
        self.server.messages.append(
            ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def recording_smtp_server(
    *,
    tls: Literal["none", "starttls", "implicit"] = "none",
    auth: tuple[str, str] | None = None,
    rcpt_reply: str | None = None,
    data_reply: str | None = None,
    refuse: dict[str, str] | None = None,
) -> Iterator[RecordingServer]:
    """Start the server on a free port of 127.0.0.1; stopped on exit."""
    ca = trustme.CA() if tls != "none" else None
    server_context = None
    if ca is not None:
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(HOST, "localhost").configure_cert(server_context)
    server = RecordingServer(port=0, tls=tls, ca=ca)
    options = {}
    if auth is not None:
        options = {
            "authenticator": _authenticator(server, *auth),
            # aiosmtpd only knows TLS it negotiated itself (STARTTLS).
            "auth_require_tls": tls == "starttls",
            "auth_required": tls == "starttls",
        }
    if tls == "starttls":
        options["tls_context"] = server_context
    controller = _start(
        _Recorder(server, rcpt_reply, data_reply, refuse),
        server,
        ssl_context=server_context if tls == "implicit" else None,
        **options,
    )
    try:
        yield server
    finally:
        controller.stop()


def _start(handler: _Recorder, server: RecordingServer, **options) -> Controller:
    for attempt in range(5):
        server.port = free_port()
        controller = Controller(
            handler, hostname=HOST, port=server.port, server_hostname="relais-test", **options
        )
        try:
            controller.start()
        except OSError:  # another process took the port meanwhile
            if attempt == 4:
                raise
            continue
        return controller
    raise AssertionError("unreachable")


def _authenticator(server: RecordingServer, user: str, password: str):
    def authenticate(smtp, session, envelope, mechanism, auth_data) -> AuthResult:
        valid = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        if valid:
            server.logins.append(user)
        return AuthResult(success=valid, handled=False)

    return authenticate
