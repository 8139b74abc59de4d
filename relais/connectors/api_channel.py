"""API channel: messages from a mobile app or a custom front-end, through the
integrator's own back-end.

Inbound, the integrator's server POSTs a JSON message to
`/api/v1/channels/api/<public_key>/messages`, signed with the inbox secret.
Outbound, an agent's reply is POSTed as JSON to the inbox's `webhook_url`,
signed the same way, so both sides check one scheme:

    X-Relais-Timestamp: <unix seconds>
    X-Relais-Signature: sha256=<hex HMAC-SHA256(inbox.secret, "<timestamp>.<raw body>")>

The timestamp is part of the signed string and must be within five minutes of
our clock, so a captured request cannot be replayed later; within the window a
replay is harmless because inbound is idempotent on `message_id`.

A customer is known by the integrator's own id, stored as the identity
("external_id", "<inbox id>:<external id>"): namespaced per inbox, because two
apps may both have a user "42", and because a holder of one inbox's secret must
not be able to write into the conversations of a customer known through
another inbox.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator
from pydantic import ValidationError as PydanticValidationError

from relais import __version__
from relais.bot.config import BotConfig
from relais.connectors.base import (
    Connector,
    ConnectorError,
    IdentityRef,
    InboundMessage,
    InboxConfig,
    PermanentSendError,
    SendResult,
    TemporarySendError,
)

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Message

API_KIND = "api"
SIGNATURE_HEADER = "X-Relais-Signature"
TIMESTAMP_HEADER = "X-Relais-Timestamp"
MAX_CLOCK_SKEW_SECONDS = 5 * 60
SEND_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
PayloadModel = TypeVar("PayloadModel", bound=BaseModel)
# Statuses a receiving server uses to say "later": retried like a 5xx.
RETRYABLE_CLIENT_STATUSES = {408, 425, 429}


class ApiChannelConfig(InboxConfig):
    # Where agent replies are POSTed; without it, replies cannot be delivered.
    webhook_url: HttpUrl | None = None
    bot: BotConfig = BotConfig()


class InvalidSignature(ConnectorError):
    """The request is not signed with the inbox secret, or too old."""


class InvalidPayload(ConnectorError):
    """The body is not the JSON message this channel expects. `fields` lists
    the offending fields ({"field", "message"}) when the JSON itself parsed."""

    def __init__(self, message: str, fields: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or []


class ContactDetails(BaseModel):
    """What an app may say of its customer: checked e-mail, E.164 phone."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)

    @field_validator("email")
    @classmethod
    def _email_is_valid(cls, value: str) -> str:
        return clean_email(value)

    @field_validator("phone")
    @classmethod
    def _phone_is_international(cls, value: str) -> str:
        return e164_phone(value)


class InboundContact(ContactDetails):
    external_id: str = Field(min_length=1, max_length=200)


def clean_email(value: str) -> str:
    """The address lower-cased ("" stays ""); raises ValueError if invalid."""
    value = value.strip().lower()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("not a valid e-mail address") from None
    return value


def e164_phone(value: str) -> str:
    """Normalise to E.164, the form the phone channels store ("" stays "");
    raises ValueError for a number that is not international and valid."""
    value = value.strip()
    if not value:
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise ValueError("not an international phone number (+33…)") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class InboundPayload(BaseModel):
    """The JSON body of an inbound message."""

    model_config = ConfigDict(extra="forbid")

    message_id: str = Field(min_length=1, max_length=200)
    contact: InboundContact
    # receive_message enforces RELAIS_MAX_MESSAGE_LENGTH; this only bounds parsing.
    body: str = Field(max_length=100_000)
    subject: str = Field("", max_length=255)
    metadata: dict[str, Any] = Field(default_factory=dict)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Relais-Signature value for `body` sent at `timestamp`."""
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify_signature(
    secret: str, body: bytes, headers: Mapping[str, str], now: float | None = None
) -> None:
    """Raise InvalidSignature unless `headers` sign `body` with `secret`, recently."""
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    signature = headers.get(SIGNATURE_HEADER, "")
    if not timestamp or not signature:
        raise InvalidSignature(f"missing {SIGNATURE_HEADER} or {TIMESTAMP_HEADER} header")
    if not timestamp.isdigit():
        raise InvalidSignature(f"{TIMESTAMP_HEADER} must be a Unix time in seconds")
    now = now if now is not None else time.time()
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        raise InvalidSignature("the timestamp is more than five minutes away from our clock")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise InvalidSignature("the signature does not match the body and the inbox secret")


def external_identity(inbox_id: int, external_id: str) -> IdentityRef:
    """The integrator vouches for its own user ids (it signs them): verified."""
    return IdentityRef("external_id", f"{inbox_id}:{external_id}", verified=True)


def validated_body(model: type[PayloadModel], body: bytes, refusal: str) -> PayloadModel:
    """`body` parsed as JSON into `model`; raises InvalidPayload with `refusal`
    and the offending fields."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidPayload(f"malformed JSON: {error}") from None
    try:
        return model.model_validate(data)
    except PydanticValidationError as error:
        fields = [
            {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
            for item in error.errors(include_url=False)
        ]
        raise InvalidPayload(refusal, fields) from None


def parse_payload(inbox: Inbox, body: bytes) -> InboundMessage:
    """Translate a (signature-checked) JSON body into an InboundMessage."""
    payload = validated_body(InboundPayload, body, "the message does not have the expected fields")
    contact = payload.contact
    identities = [external_identity(inbox.pk, contact.external_id)]
    # E-mail and phone are the integrator's word, not proven: unverified, so a
    # verified identity wins if they point at different contacts.
    if contact.email:
        identities.append(IdentityRef("email", contact.email))
    if contact.phone:
        identities.append(IdentityRef("phone", contact.phone))
    return InboundMessage(
        inbox_id=inbox.pk,
        body=payload.body,
        identities=identities,
        provider_message_id=payload.message_id,
        contact_name=contact.name,
        contact_email=contact.email,
        subject=payload.subject,
        metadata=payload.metadata,
    )


def parse_signed_message(
    inbox: Inbox, body: bytes, headers: Mapping[str, str], now: float | None = None
) -> InboundMessage:
    """Check the signature first, then parse: unsigned input is never parsed."""
    verify_signature(inbox.secret, body, headers, now)
    return parse_payload(inbox, body)


class ApiChannelConnector(Connector):
    """Sends replies to the integrator's webhook. Raises TemporarySendError on
    timeouts, connection errors, 5xx and 408/425/429 (the outbox retries),
    PermanentSendError on other refusals and when no webhook is configured."""

    kind = API_KIND
    label = _("API (mobile and custom apps)")
    channel_class = "messaging"
    config_model = ApiChannelConfig
    supports_bot = True

    def public_urls(self, inbox: Inbox) -> dict[str, str]:
        # Not "webhook_url": that name is the config field for our outbound calls.
        key = {"public_key": inbox.public_key}
        return {
            "inbound_url": reverse("api:channel_api_inbound", kwargs=key),
            "callback_request_url": reverse("api:channel_api_callback_request", kwargs=key),
        }

    def send(self, message: Message) -> SendResult:
        url = message.inbox.config.get("webhook_url")
        if not url:
            raise PermanentSendError("this API inbox has no webhook_url to deliver replies to")
        body = json.dumps(outbound_payload(message), separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"Relais/{__version__}",
            **signed_headers(message.inbox.secret, body),
        }
        try:
            response = httpx.post(url, content=body, headers=headers, timeout=SEND_TIMEOUT)
        except httpx.TimeoutException:
            raise TemporarySendError("the webhook did not answer in time") from None
        except httpx.HTTPError as error:
            raise TemporarySendError(f"could not reach the webhook: {error}") from None
        return _result_of(message, response)


def _result_of(message: Message, response: httpx.Response) -> SendResult:
    status = response.status_code
    if 200 <= status < 300:
        return SendResult(provider_message_id=f"api-{message.pk}", status="sent")
    reason = response.text.strip()[:200]
    detail = f"the webhook answered HTTP {status}" + (f": {reason}" if reason else "")
    if status >= 500 or status in RETRYABLE_CLIENT_STATUSES:
        raise TemporarySendError(detail)
    if 300 <= status < 400:
        raise PermanentSendError(f"{detail} (a redirect: configure the final URL)")
    raise PermanentSendError(detail)


def outbound_payload(message: Message) -> dict[str, Any]:
    """What the integrator's webhook receives for an agent reply."""
    from relais.contacts.models import Identity

    conversation = message.conversation
    contact = conversation.contact
    prefix = f"{message.inbox_id}:"
    external_value = (
        Identity.objects.filter(contact=contact, kind="external_id", value__startswith=prefix)
        .values_list("value", flat=True)
        .first()
    )
    author = message.author
    return {
        "event": "message.created",
        "conversation_id": conversation.pk,
        "message": {
            "id": message.pk,
            "body": message.body,
            "author": (author.name or author.email.split("@")[0]) if author else "",
            "created_at": message.created_at.isoformat(),
        },
        "contact": {
            "id": contact.pk,
            "external_id": external_value.removeprefix(prefix) if external_value else None,
            "name": contact.name,
            "email": contact.email,
        },
    }
