"""The connector interface: what every channel implements.

A connector only translates between its provider and Relais: it parses the
provider's payloads into `InboundMessage`s, sends outbound messages through the
provider's API and validates its inbox settings. It never touches conversations
or routing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Message


@dataclass(frozen=True)
class IdentityRef:
    """A handle by which the channel knows the sender (kind, value)."""

    kind: str
    value: str
    verified: bool = False


@dataclass(frozen=True)
class InboundAttachment:
    """A file that came with a customer message (already size- and type-checked
    by the connector). `kind`: "file", "inline" (an image the HTML shows, by
    `content_id`) or "original" (the raw message as received, e.g. an .eml)."""

    filename: str
    content_type: str
    data: bytes
    kind: str = "file"
    content_id: str = ""


@dataclass
class InboundMessage:
    """A customer message, whatever the channel, as the pipeline receives it."""

    inbox_id: int
    body: str
    identities: list[IdentityRef]
    provider_message_id: str = ""
    contact_name: str = ""
    contact_email: str = ""
    subject: str = ""
    # A conversation the provider payload points at (e.g. an e-mail reference);
    # used only if it belongs to the same inbox and contact.
    conversation_id: int | None = None
    sent_at: datetime | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    attachments: list[InboundAttachment] = field(default_factory=list)
    # E-mail: a message that points at no conversation starts a new one (a new
    # subject is a new request) instead of joining the latest unresolved one.
    new_thread: bool = False
    # An automatic message (out-of-office, auto-reply): stored, but it neither
    # reopens a resolved conversation nor makes the customer wait for an answer.
    automatic: bool = False


@dataclass(frozen=True)
class SendResult:
    """What the provider said about an outbound message."""

    provider_message_id: str
    status: str = "sent"  # sent | delivered


class ConnectorError(Exception):
    """Base of connector errors; the message is shown to agents in plain words."""


class TemporarySendError(ConnectorError):
    """The provider may accept the message later: retry with backoff."""


class PermanentSendError(ConnectorError):
    """The provider refused the message for good: mark it failed."""


class InboxConfig(BaseModel):
    """Kind-specific inbox settings. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class Connector:
    """Base class: subclasses set the class attributes and override `send`."""

    kind: ClassVar[str]
    label: ClassVar[str]
    # Which capacity bucket a conversation of this channel takes from an agent.
    channel_class: ClassVar[str] = "messaging"
    config_model: ClassVar[type[InboxConfig]] = InboxConfig
    supports_attachments: ClassVar[bool] = False  # can send files with a reply
    # The self-care bot may hold this channel's conversations (its config has
    # a `bot` section); with buttons, its choices are quick replies, else
    # numbered lines in the text.
    supports_bot: ClassVar[bool] = False
    supports_quick_replies: ClassVar[bool] = False

    def validate_config(self, data: dict[str, Any]) -> dict[str, Any]:
        """Validate kind-specific fields; raises pydantic.ValidationError."""
        return self.config_model.model_validate(data).model_dump(mode="json")

    def conflicts(self, config: dict[str, Any], inbox_id: int | None) -> list[dict[str, str]]:
        """Settings another inbox already holds (e.g. an e-mail address), as
        {"field", "message"} items; `inbox_id` is the inbox being changed."""
        return []

    def public_config(self, inbox: Inbox) -> dict[str, Any]:
        """Settings safe to show through the API (no secrets)."""
        return dict(inbox.config)

    def public_urls(self, inbox: Inbox) -> dict[str, str]:
        """Paths an integrator needs to set the channel up (e.g. the webhook to
        give the provider), keyed by name; the API makes them absolute."""
        return {}

    def send(self, message: Message) -> SendResult:
        raise NotImplementedError
