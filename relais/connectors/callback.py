"""Callback requests: the "connected button" of a mobile app or a website.

The integrator's server POSTs a signed request (the API channel's scheme,
connectors/api_channel.py) to `/api/v1/channels/api/<public_key>/callback-requests`
when a customer asks to be called back. It becomes a conversation of the
"callback" channel on the API inbox: routed and timed as a call, because an
agent owes the customer a phone call, with the customer's order history and
device references shown beside the timeline (`request_context`).

Idempotent on `request_id` (stored as the provider message id
"callback:<request_id>", apart from the inbox's message ids). An agent does
not answer it in writing: `send` refuses text replies in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict, Field, field_validator

from relais.connectors.api_channel import (
    ContactDetails,
    e164_phone,
    external_identity,
    validated_body,
    verify_signature,
)
from relais.connectors.base import (
    Connector,
    IdentityRef,
    InboundMessage,
    PermanentSendError,
    SendResult,
)

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Conversation, Message

CALLBACK_KIND = "callback"
PROVIDER_ID_PREFIX = "callback:"
MAX_ORDERS = 50
MAX_ITEMS = 100


class CallbackCustomer(ContactDetails):
    id: str = Field(min_length=1, max_length=200)


class OrderItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    quantity: int = Field(1, ge=1, le=100_000)
    sku: str = Field("", max_length=100)


class Order(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order_id: str = Field(min_length=1, max_length=100)
    date: datetime | date | None = None
    # An amount as the shop shows it ("59.90 EUR") or a number.
    total: str | float | None = Field(None, union_mode="left_to_right")
    status: str = Field("", max_length=100)
    # A line is a name, or {"name", "quantity", "sku"}.
    items: list[OrderItem | str] = Field(default_factory=list, max_length=MAX_ITEMS)

    @field_validator("items")
    @classmethod
    def _names_are_short(cls, items: list[OrderItem | str]) -> list[OrderItem | str]:
        if any(isinstance(item, str) and not 0 < len(item) <= 200 for item in items):
            raise ValueError("an item name is 1 to 200 characters")
        return items


class Device(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: str = Field("", max_length=50)
    os_version: str = Field("", max_length=50)
    app_version: str = Field("", max_length=50)
    model: str = Field("", max_length=100)
    push_token: str = Field("", max_length=4096)


class CallbackRequestPayload(BaseModel):
    """The JSON body of a callback request (docs/channels/api.md)."""

    model_config = ConfigDict(extra="forbid")

    request_id: str = Field(min_length=1, max_length=200)
    customer: CallbackCustomer
    phone: str = Field(min_length=1, max_length=32)  # the number to call
    preferred_time: datetime | None = None
    reason: str = Field("", max_length=2000)
    order_history: list[Order] = Field(default_factory=list, max_length=MAX_ORDERS)
    device: Device | None = None
    locale: str = Field("", max_length=35)

    @field_validator("phone")
    @classmethod
    def _phone_is_international(cls, value: str) -> str:
        return e164_phone(value)

    @field_validator("preferred_time")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        # A time without an offset is read in the service's time zone.
        if value is not None and timezone.is_naive(value):
            return timezone.make_aware(value)
        return value


def parse_callback_request(
    inbox: Inbox, body: bytes, headers: Mapping[str, str], now: float | None = None
) -> InboundMessage:
    """Check the signature first (raises api_channel.InvalidSignature), then
    parse (raises api_channel.InvalidPayload with the offending fields)."""
    verify_signature(inbox.secret, body, headers, now)
    payload = validated_body(
        CallbackRequestPayload, body, "the callback request does not have the expected fields"
    )
    customer = payload.customer
    identities = [external_identity(inbox.pk, customer.id)]
    # The integrator's word, not proven: unverified (see api_channel.parse_payload).
    phones = dict.fromkeys(phone for phone in (payload.phone, customer.phone) if phone)
    identities += [IdentityRef("phone", phone) for phone in phones]
    if customer.email:
        identities.append(IdentityRef("email", customer.email))
    return InboundMessage(
        inbox_id=inbox.pk,
        body=payload.reason.strip() or _("Callback requested."),
        identities=identities,
        provider_message_id=PROVIDER_ID_PREFIX + payload.request_id,
        contact_name=customer.name,
        contact_email=customer.email,
        subject=_("Callback to %(phone)s") % {"phone": payload.phone},
        metadata={CALLBACK_KIND: callback_metadata(payload)},
        # A request is a call to make: never folded into a written conversation.
        new_thread=True,
        channel=CALLBACK_KIND,
    )


def callback_metadata(payload: CallbackRequestPayload) -> dict[str, Any]:
    """What the message keeps of the request for the agent (JSON)."""
    data = payload.model_dump(mode="json", exclude={"customer", "reason"})
    data["customer_id"] = payload.customer.id
    device = data.get("device")
    if device and device.get("push_token"):
        # A credential to reach the phone: the agent only needs to know it exists.
        device["push_token"] = "…" + device["push_token"][-6:]
    return data


class CallbackConnector(Connector):
    """The "callback" channel: conversations opened by callback requests on an
    API inbox. Nothing is sent to the customer: `send` raises PermanentSendError."""

    kind = CALLBACK_KIND
    label = gettext_lazy("Callback request")
    channel_class = "call"
    has_inboxes = False

    def send(self, message: Message) -> SendResult:
        raise PermanentSendError(text_refusal())

    def reply_constraints(self, conversation: Conversation) -> dict[str, Any]:
        return {**super().reply_constraints(conversation), "text_disabled": text_refusal()}

    def request_context(self, conversation: Conversation) -> dict[str, Any] | None:
        """The latest callback request of the conversation, for the agent."""
        from relais.conversations.models import Direction, Message

        metadata = (
            Message.objects.filter(conversation=conversation, direction=Direction.INBOUND)
            .filter(metadata__has_key=CALLBACK_KIND)
            .order_by("-id")
            .values_list("metadata", flat=True)
            .first()
        )
        if not metadata or not isinstance(metadata.get(CALLBACK_KIND), dict):
            return None
        return display_context(metadata[CALLBACK_KIND])


def display_context(data: dict[str, Any]) -> dict[str, Any]:
    """The stored request with its times as datetimes, for the template."""
    preferred = _parse_time(data.get("preferred_time"))
    orders = [
        {**order, "date": _parse_time(order.get("date")) or order.get("date")}
        for order in data.get("order_history") or ()
    ]
    return {**data, "preferred_time": preferred, "order_history": orders}


def _parse_time(value: Any) -> datetime | date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) == 10:  # a date alone
        return parsed.date()
    return parsed


def text_refusal() -> str:
    return _(
        "A callback request is answered by phone: call the customer, then write "
        "the outcome as a note. Nothing written here reaches them."
    )
