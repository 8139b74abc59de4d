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
    from relais.connectors.webhooks import WebhookRequest, WebhookResponse, WebhookResult
    from relais.conversations.models import Conversation, Message


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


@dataclass(frozen=True)
class PendingMedia:
    """A file the customer sent, fetched after the message is stored (never
    while the provider's webhook request is open): `ref` is what the provider
    gave, a URL or a file id, that the connector's `fetch_media` reads; the
    rest is what the provider announced ("" or 0: unknown). `attempts`
    counts the temporary failures so far."""

    ref: str
    filename: str = ""
    content_type: str = ""
    size: int = 0
    attempts: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "attempts": self.attempts,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PendingMedia:
        return cls(
            ref=str(data.get("ref", "")),
            filename=str(data.get("filename") or ""),
            content_type=str(data.get("content_type") or ""),
            size=int(data.get("size") or 0),
            attempts=int(data.get("attempts") or 0),
        )


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
    # Files to fetch once the message is stored (conversations.media_fetch):
    # the message lands at once with its text, its files follow.
    pending_media: list[PendingMedia] = field(default_factory=list)
    # E-mail: a message that points at no conversation starts a new one (a new
    # subject is a new request) instead of joining the latest unresolved one.
    new_thread: bool = False
    # An automatic message (out-of-office, auto-reply): stored, but it neither
    # reopens a resolved conversation nor makes the customer wait for an answer.
    automatic: bool = False
    # A public post (a mention, a comment under a post): it belongs to a public
    # conversation, one-to-many, never to the contact's private one. A public
    # message that answers no known message starts a new public conversation.
    public: bool = False
    # The provider id of the message this one answers (a tweet it replies to):
    # it joins that message's conversation if it is the same contact's.
    in_reply_to: str = ""
    # The conversation's channel when it differs from the inbox's kind (a
    # callback request sent through the API channel is a "callback").
    channel: str = ""
    # A sender whose name the connector will ask its provider for once the
    # message is stored (contacts.profile_lookup): never during the webhook
    # request, where a slow provider would hold up intake.
    lookup_profile: IdentityRef | None = None


@dataclass(frozen=True)
class SendResult:
    """What the provider said about an outbound message."""

    provider_message_id: str
    status: str = "sent"  # sent | delivered


class ConnectorError(Exception):
    """Base of connector errors; the message is shown to agents in plain words."""


class TemporarySendError(ConnectorError):
    """The provider may accept the message later: retry with backoff, or after
    `retry_after` seconds when the provider said when (HTTP Retry-After)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentSendError(ConnectorError):
    """The provider refused the message for good: mark it failed."""


class ProfileUnavailable(ConnectorError):
    """The provider did not say who the sender is (down, slow, refused)."""


# The reply's metadata key for "answer this public post privately" (the
# console's checkbox, `conversations.actions.reply(metadata=...)`).
REPLY_PRIVATELY = "reply_privately"


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
    # When the bot hands over with no agent available, it asks for an e-mail
    # address (the web chat visitor leaves; other channels reach the customer
    # again on the same channel).
    asks_email_when_away: ClassVar[bool] = False
    # False for a channel that lives on another kind's inboxes (callback
    # requests arrive on API inboxes): no inbox of its own can be created.
    has_inboxes: ClassVar[bool] = True

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
        """Deliver an outbound message. The agent's choices (e.g. "reply
        privately" on a public conversation) are in `message.metadata`."""
        raise NotImplementedError

    def fetch_media(self, inbox: Inbox, media: PendingMedia) -> InboundAttachment:
        """Download one file a webhook announced (in a task, not in the
        request). Raises media.MediaRefused for a file that will never be
        kept (too large, a program, gone), media.MediaUnavailable for a
        failure worth retrying (timeout, 5xx, throttling)."""
        from relais.connectors.media import MediaRefused

        raise MediaRefused("this channel does not fetch files")

    def fetch_profile_name(self, inbox: Inbox, identity: IdentityRef) -> str:
        """The sender's display name as the provider knows it ("" if none), for
        an `InboundMessage.lookup_profile` (in a task, not in the request).
        Raises ProfileUnavailable."""
        raise ProfileUnavailable("this channel has no profile look-up")

    def handle_webhook(self, inbox: Inbox, request: WebhookRequest) -> WebhookResult:
        """Verify the provider's signature first, then parse its events.

        Raises webhooks.InvalidSignature (nothing is stored) or
        webhooks.MalformedPayload (400 with the reason); events of unknown
        types are acknowledged and logged, never an error."""
        from relais.connectors.webhooks import InvalidSignature

        raise InvalidSignature("this channel does not receive webhooks")

    def handshake(self, inbox: Inbox, request: WebhookRequest) -> WebhookResponse:
        """Answer a provider's GET verification (Meta's hub.challenge, X's CRC).
        Raises InvalidSignature when the request does not prove the secret."""
        from relais.connectors.webhooks import InvalidSignature

        raise InvalidSignature("this channel has no webhook verification handshake")

    def reply_constraints(self, conversation: Conversation) -> dict[str, Any]:
        """What the console shows above the reply box: "max_length" (None: the
        project's limit), "public" (the reply is seen by everyone),
        "private_reply" (the agent may answer a public post privately),
        "window_closes_at" (a datetime after which replies are refused, or None)
        and "notes" (short plain-words remarks, e.g. SMS segments). Optional
        keys: "text_disabled" (why no free text can be sent now: the console
        disables the box and says so)."""
        return {
            "max_length": None,
            "public": bool(getattr(conversation, "is_public", False)),
            "private_reply": False,
            "window_closes_at": None,
            "notes": [],
        }

    def request_context(self, conversation: Conversation) -> dict[str, Any] | None:
        """What the customer's request told us beyond its text (a callback
        request's orders and device), shown beside the timeline; None: nothing."""
        return None


def customer_handle(message: Message, kind: str) -> str | None:
    """The address on this channel (`kind`: "phone", "telegram", "x"…) of the
    customer `message` answers, the verified one first; None if they have none."""
    from relais.contacts.models import Identity

    return (
        Identity.objects.filter(contact_id=message.conversation.contact_id, kind=kind)
        .order_by("-verified", "id")
        .values_list("value", flat=True)
        .first()
    )
