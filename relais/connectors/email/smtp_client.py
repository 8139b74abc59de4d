"""Sending a composed mail through an SMTP server, and the server-wide relay.

Errors come back as the connector's two kinds, with the server's own reply so
that the agent sees why: TemporarySendError when trying later may work
(network trouble, 4xx replies), PermanentSendError when it will not (5xx
replies, bad credentials, a server that cannot secure the connection).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pydantic import ValidationError

from relais.connectors.base import PermanentSendError, TemporarySendError
from relais.connectors.email.config import SmtpSettings

log = logging.getLogger(__name__)

RELAY_SCHEMES = {"smtp": ("starttls", 587), "smtps": ("tls", 465)}


def send_mail(
    server: SmtpSettings,
    message: EmailMessage,
    *,
    envelope_from: str,
    recipients: list[str],
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Hand `message` to `server` for `recipients` (the envelope; Bcc headers
    are never transmitted). Returns once the server accepted it for at least
    one recipient; raises TemporarySendError or PermanentSendError."""
    if not recipients:
        raise PermanentSendError("the message has no recipient")
    context = ssl_context or default_ssl_context()
    try:
        with _connect(server, context) as client:
            if server.username:
                client.login(server.username, server.password)
            refused = client.send_message(message, envelope_from, recipients)
    except smtplib.SMTPRecipientsRefused as error:
        raise _recipients_refused(error.recipients) from None
    except smtplib.SMTPResponseException as error:
        reason = _reply_text(error.smtp_code, error.smtp_error)
        if 400 <= error.smtp_code < 500:
            raise TemporarySendError(f"the mail server asks to try later: {reason}") from None
        raise PermanentSendError(f"the mail server refused the message: {reason}") from None
    except smtplib.SMTPNotSupportedError as error:
        raise PermanentSendError(f"the mail server cannot send this message: {error}") from None
    except smtplib.SMTPServerDisconnected as error:
        raise TemporarySendError(f"the mail server closed the connection: {error}") from None
    except ssl.SSLCertVerificationError as error:
        # A certificate we do not trust will not become trusted by retrying.
        raise PermanentSendError(
            f"the mail server's certificate is not trusted: {error.verify_message}"
        ) from None
    except smtplib.SMTPException as error:  # e.g. no AUTH mechanism in common
        raise PermanentSendError(f"the mail server refused the session: {error}") from None
    except OSError as error:  # refused, timed out, unreachable, TLS failure
        raise TemporarySendError(
            f"cannot reach the mail server {server.host}:{server.port}: {error}"
        ) from None
    if refused:
        log.warning(
            "mail accepted for some recipients only",
            extra={"refused": {address: _reply_text(*reply) for address, reply in refused.items()}},
        )


def _connect(server: SmtpSettings, context: ssl.SSLContext) -> smtplib.SMTP:
    if server.security == "tls":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
    client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    if server.security == "starttls":
        try:
            client.ehlo()
            if not client.has_extn("starttls"):
                raise PermanentSendError(
                    f"the mail server {server.host}:{server.port} offers no STARTTLS"
                )
            client.starttls(context=context)
            client.ehlo()
        except BaseException:
            client.close()
            raise
    return client


def _recipients_refused(recipients: dict[str, tuple[int, bytes]]) -> Exception:
    reasons = "; ".join(
        f"{address}: {_reply_text(code, text)}" for address, (code, text) in recipients.items()
    )
    if all(400 <= code < 500 for code, _ in recipients.values()):
        return TemporarySendError(f"the mail server asks to try later: {reasons}")
    return PermanentSendError(f"the mail server refused the recipients: {reasons}")


def _reply_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"


def default_ssl_context() -> ssl.SSLContext:
    """The system's trusted CAs, plus RELAIS_SMTP_CA_FILE's when set."""
    context = ssl.create_default_context()
    if settings.RELAIS_SMTP_CA_FILE:
        context.load_verify_locations(cafile=settings.RELAIS_SMTP_CA_FILE)
    return context


def relay_settings() -> SmtpSettings | None:
    """The server-wide relay of RELAIS_SMTP_URL, None when unset.

    smtp://user:password@host:587?security=starttls (the default for smtp://;
    security=none for a plain local relay), smtps://host:465 (implicit TLS),
    `timeout=<seconds>`. User and password are percent-decoded. Raises
    ImproperlyConfigured for a URL that does not parse."""
    return parse_smtp_url(settings.RELAIS_SMTP_URL) if settings.RELAIS_SMTP_URL else None


def parse_smtp_url(url: str) -> SmtpSettings:
    """SmtpSettings from an smtp:// or smtps:// URL; raises ImproperlyConfigured."""
    try:
        parts = urlsplit(url)
        security, default_port = RELAY_SCHEMES[parts.scheme]
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if unknown := set(query) - {"security", "timeout"}:
            raise ValueError(f"unknown parameters {sorted(unknown)}")
        return SmtpSettings(
            host=parts.hostname or "",
            port=parts.port or default_port,
            security=query.get("security", security),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            **({"timeout": float(query["timeout"])} if "timeout" in query else {}),
        )
    except (KeyError, ValueError, ValidationError) as error:
        # Never echo the URL: it holds the password.
        raise ImproperlyConfigured(f"RELAIS_SMTP_URL is not a valid SMTP URL ({error})") from None
