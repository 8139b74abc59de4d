"""The SMS connector (Twilio-compatible Messages API).

Inbound: Twilio POSTs a form to the inbox's webhook for each SMS/MMS and for
each delivery status of our messages (the StatusCallback we give it), signed
with X-Twilio-Signature. Outbound: POST /2010-04-01/Accounts/{sid}/Messages.json
with basic auth. Customers are known by their number in E.164, the identity
WhatsApp uses too: the same number is the same contact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import Field, HttpUrl, field_validator, model_validator

from relais.bot.config import BotConfig
from relais.connectors.base import (
    Connector,
    IdentityRef,
    InboundAttachment,
    InboundMessage,
    InboxConfig,
    PendingMedia,
    PermanentSendError,
    SendResult,
    customer_handle,
)
from relais.connectors.consent import ConsentChange, is_opted_out
from relais.connectors.http_api import RateLimit, call_provider
from relais.connectors.media import download_media
from relais.connectors.sms.keywords import consent_change
from relais.connectors.sms.segments import count_segments
from relais.connectors.sms.signature import SIGNATURE_HEADER, is_valid_signature
from relais.connectors.webhooks import (
    InvalidSignature,
    MalformedPayload,
    ReceivesWebhooks,
    StatusUpdate,
    WebhookRequest,
    WebhookResponse,
    WebhookResult,
    webhook_path,
)

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Conversation, Message

SECRET_MASK = "********"  # noqa: S105 (what the API shows instead of a token)
EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# Twilio queues above its per-number rate; staying under it keeps replies in order.
RATE = RateLimit(per_second=10, burst=10)
MAX_TEXT = 1600  # Twilio's limit for one message body
MAX_MEDIA = 10
STATUSES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
}


def e164(raw: str) -> str:
    """A phone number in E.164; raises ValueError."""
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        raise ValueError(f"not an international phone number: {raw!r}") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"not a possible phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_identity(raw: str) -> IdentityRef:
    """The operator network's word for the sender's number: verified."""
    return IdentityRef("phone", e164(raw), verified=True)


class SmsConfig(InboxConfig):
    account_sid: str = Field(pattern=r"^AC[0-9a-fA-F]{32}$")
    auth_token: str = Field(min_length=8, max_length=128)
    # Our number (E.164), or a Messaging Service to send from.
    from_number: str = ""
    messaging_service_sid: str = Field("", pattern=r"^(MG[0-9a-fA-F]{32})?$")
    api_base_url: HttpUrl = HttpUrl("https://api.twilio.com")
    bot: BotConfig = BotConfig()  # the self-care bot, off unless enabled

    @field_validator("from_number")
    @classmethod
    def _from_is_e164(cls, value: str) -> str:
        return e164(value) if value else value

    @model_validator(mode="after")
    def _has_a_sender(self) -> SmsConfig:
        if not self.from_number and not self.messaging_service_sid:
            raise ValueError("set from_number or messaging_service_sid")
        return self


class SmsConnector(ReceivesWebhooks, Connector):
    """SMS/MMS. Inbound idempotent on MessageSid; STOP-type keywords opt the
    number out of this inbox (sends are refused, PermanentSendError, until
    START). Send errors as for every provider (connectors.http_api)."""

    kind = "sms"
    label = _("SMS")
    channel_class = "messaging"
    config_model = SmsConfig
    supports_bot = True  # one-to-one: the bot answers with numbered choices

    def public_config(self, inbox: Inbox) -> dict[str, Any]:
        return {**inbox.config, "auth_token": SECRET_MASK}

    def fetch_media(self, inbox: Inbox, media: PendingMedia) -> InboundAttachment:
        """Twilio serves MMS media behind the account's credentials."""
        auth = (inbox.config.get("account_sid", ""), inbox.config.get("auth_token", ""))
        return download_media(
            media.ref,
            max_bytes=settings.RELAIS_MEDIA_MAX_BYTES,
            auth=auth,
            filename=media.filename,
            declared_type=media.content_type,
        )

    def handle_webhook(self, inbox: Inbox, request: WebhookRequest) -> WebhookResult:
        params = request.form()
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not is_valid_signature(
            inbox.config.get("auth_token", ""), request.url, params, signature
        ):
            raise InvalidSignature(f"missing or wrong {SIGNATURE_HEADER} header")
        fields = dict(params)
        result = WebhookResult(response=WebhookResponse(200, "text/xml", EMPTY_TWIML))
        sid = fields.get("MessageSid") or fields.get("SmsSid")
        if not sid:
            raise MalformedPayload("the form has no MessageSid")
        if "MessageStatus" in fields and "Body" not in fields:
            _status(result, sid, fields)
        elif "From" in fields:
            _inbound(inbox, result, sid, fields)
        else:
            result.ignored.append(f"{sid}: neither a message nor a status")
        return result

    def reply_constraints(self, conversation: Conversation) -> dict[str, Any]:
        notes = [
            gettext(
                "SMS: 160 characters a segment (70 with emoji or some accented letters); "
                "longer replies are sent in several segments."
            )
        ]
        return {**super().reply_constraints(conversation), "max_length": MAX_TEXT, "notes": notes}

    def send(self, message: Message) -> SendResult:
        inbox = message.inbox
        config = inbox.config
        to = _customer_number(message)
        if is_opted_out(inbox.pk, IdentityRef("phone", to)):
            raise PermanentSendError(
                "the customer texted STOP: no SMS may be sent to them until they text START"
            )
        if len(message.body) > MAX_TEXT:
            raise PermanentSendError(f"an SMS reply is at most {MAX_TEXT} characters")
        form = {"To": to, "Body": message.body}
        if config.get("messaging_service_sid"):
            form["MessagingServiceSid"] = config["messaging_service_sid"]
        else:
            form["From"] = config["from_number"]
        if settings.RELAIS_PUBLIC_URL:
            form["StatusCallback"] = settings.RELAIS_PUBLIC_URL.rstrip("/") + webhook_path(
                self.kind, inbox.public_key
            )
        base = str(config.get("api_base_url") or "https://api.twilio.com").rstrip("/")
        response = call_provider(
            "POST",
            f"{base}/2010-04-01/Accounts/{config['account_sid']}/Messages.json",
            provider="Twilio",
            rate_key=f"inbox:{inbox.pk}",
            rate=RATE,
            data=form,
            auth=(config["account_sid"], config["auth_token"]),
        )
        segments = count_segments(message.body)
        message.metadata = {**message.metadata, "sms_segments": segments.count}
        message.save(update_fields=["metadata"])
        return SendResult(provider_message_id=response.json()["sid"], status="sent")


def _status(result: WebhookResult, sid: str, fields: dict[str, str]) -> None:
    status = STATUSES.get(fields["MessageStatus"])
    if status is None:  # queued, sending, accepted…: nothing new to show
        result.ignored.append(f"{sid}: status {fields['MessageStatus']}")
        return
    error = ""
    if status == "failed":
        code = fields.get("ErrorCode", "")
        error = f"the operator did not deliver the SMS (Twilio error {code or 'unknown'})"
    result.statuses.append(StatusUpdate(sid, status, error))


def _inbound(inbox: Inbox, result: WebhookResult, sid: str, fields: dict[str, str]) -> None:
    try:
        identity = phone_identity(fields["From"])
    except ValueError as error:
        raise MalformedPayload(str(error)) from None
    body = fields.get("Body", "")
    pending, refused = _media(fields)
    metadata: dict[str, Any] = {"sms_to": fields.get("To", "")}
    if refused:
        metadata["media_refused"] = refused
    if not body.strip() and not pending:
        body = gettext("(a message without text: %(what)s)") % {"what": "; ".join(refused) or "MMS"}
    change = consent_change(body)
    if change is not None:
        result.consent.append(ConsentChange(identity, change))
        metadata["sms_opted_out"] = change
    result.messages.append(
        InboundMessage(
            inbox_id=inbox.pk,
            body=body,
            identities=[identity],
            provider_message_id=sid,
            metadata=metadata,
            pending_media=pending,
        )
    )


def _media(fields: dict[str, str]) -> tuple[list[PendingMedia], list[str]]:
    """The MMS files, named for later fetching (SmsConnector.fetch_media)."""
    try:
        count = min(int(fields.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        raise MalformedPayload("NumMedia is not a number") from None
    pending, refused = [], []
    for index in range(count):
        url = fields.get(f"MediaUrl{index}", "")
        if not url.startswith(("https://", "http://")):
            refused.append(f"media {index} has no URL")
            continue
        declared = fields.get(f"MediaContentType{index}", "")
        pending.append(PendingMedia(url, f"mms-{index}", declared))
    return pending, refused


def _customer_number(message: Message) -> str:
    value = customer_handle(message, "phone")
    if value is None:
        raise PermanentSendError("this contact has no phone number to text")
    return value
