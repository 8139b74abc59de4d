"""The settings of an e-mail inbox, validated when the inbox is created or
changed (see connectors.actions). Passwords are stored in the inbox config
and never shown back (see EmailConnector.public_config)."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from pydantic import BaseModel, ConfigDict, Field, field_validator

from relais.connectors.base import InboxConfig


def clean_address(value: str) -> str:
    """An e-mail address, trimmed and lower-cased; raises ValueError."""
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError(f"not an e-mail address: {value!r}") from None
    return value


class SmtpSettings(BaseModel):
    """An SMTP server to send through (STARTTLS on 587, TLS on 465)."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1, max_length=255)
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str = ""
    password: str = ""
    timeout: float = Field(30.0, gt=0, le=300)


class ImapSettings(BaseModel):
    """A mailbox to fetch from instead of (or besides) receiving by SMTP."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1, max_length=255)
    port: int = Field(993, ge=1, le=65535)
    security: Literal["tls", "starttls", "none"] = "tls"
    username: str = Field(min_length=1)
    password: str = ""
    folder: str = "INBOX"
    # What to do with a message once imported: flag it \Seen, move it to
    # `move_to`, or delete it. Imported messages are never imported again.
    after_import: Literal["seen", "move", "delete"] = "seen"
    move_to: str = "Relais"
    # Seconds between polls when the server has no IDLE.
    poll_seconds: int = Field(60, ge=5, le=3600)
    timeout: float = Field(60.0, gt=0, le=600)


class AcknowledgementTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field("", max_length=255)
    body: str = Field("", max_length=10_000)


class EmailConfig(InboxConfig):
    address: str
    # Further addresses that land in this inbox (e.g. contact@ beside support@).
    aliases: list[str] = []
    # The sender name on replies; the inbox name when empty.
    display_name: str = Field("", max_length=120)
    signature: str = Field("", max_length=5_000)
    # The language of acknowledgements and of the web form's e-mails when the
    # customer's is unknown.
    language: Literal["fr", "en"] = "fr"
    # None: send through the server-wide relay (RELAIS_SMTP_URL).
    smtp: SmtpSettings | None = None
    imap: ImapSettings | None = None
    # Reply to plus-addresses (support+123@…) as a threading fallback; turn off
    # when the mail server does not deliver plus-addresses.
    plus_addressing: bool = True
    acknowledgement: bool = False
    # Per language ("fr", "en"); empty fields take the built-in text.
    acknowledgement_templates: dict[Literal["fr", "en"], AcknowledgementTemplate] = {}
    # The public contact form (/contact/<public_key>/) and its reasons for contact.
    form_enabled: bool = True
    form_reasons: list[str] = []

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        return clean_address(value)

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, values: list[str]) -> list[str]:
        return sorted({clean_address(value) for value in values})

    @field_validator("form_reasons")
    @classmethod
    def _reasons(cls, values: list[str]) -> list[str]:
        cleaned = [value.strip()[:80] for value in values if value.strip()]
        return list(dict.fromkeys(cleaned))[:30]
