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

    def validate_config(self, data: dict[str, Any]) -> dict[str, Any]:
        """Validate kind-specific fields; raises pydantic.ValidationError."""
        return self.config_model.model_validate(data).model_dump(mode="json")

    def public_config(self, inbox: Inbox) -> dict[str, Any]:
        """Settings safe to show through the API (no secrets)."""
        return dict(inbox.config)

    def public_urls(self, inbox: Inbox) -> dict[str, str]:
        """Paths an integrator needs to set the channel up (e.g. the webhook to
        give the provider), keyed by name; the API makes them absolute."""
        return {}

    def send(self, message: Message) -> SendResult:
        raise NotImplementedError
