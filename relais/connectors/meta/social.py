"""Messenger and Instagram: what their connectors share.

Private messages arrive as `messaging` events from a PSID (Messenger) or an
IGSID (Instagram) and are answered through the Send API
(`POST /{version}/me/messages`, `messaging_type: RESPONSE` inside the 24-hour
window). Public comments on the account's posts become public conversations,
threaded per post and commenter; the agent answers them publicly (a reply
comment) or privately (Meta's private reply: one message to the commenter,
within seven days, addressed by `recipient.comment_id`), as chosen in the
reply's metadata (`reply_privately`, the console's choice, as for X).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import Field, HttpUrl

from relais.bot.config import BotConfig
from relais.connectors.base import (
    REPLY_PRIVATELY,
    Connector,
    IdentityRef,
    InboundAttachment,
    InboundMessage,
    InboxConfig,
    PendingMedia,
    PermanentSendError,
    ProfileUnavailable,
    SendResult,
)
from relais.connectors.media import download_media
from relais.connectors.meta import graph, replies
from relais.connectors.meta.events import (
    Comment,
    PrivateMessage,
    Receipt,
    parse_events,
)
from relais.connectors.meta.quick_replies import bot_choices, message_with_choices
from relais.connectors.meta.webhook import answer_handshake, check_signature
from relais.connectors.meta.window import HUMAN_AGENT_WINDOW, window_is_open
from relais.connectors.webhooks import (
    ReceivesWebhooks,
    StatusUpdate,
    WebhookRequest,
    WebhookResponse,
    WebhookResult,
)

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Conversation, Message

SECRET_FIELDS = ("access_token", "app_secret", "verify_token")
ATTACHMENT_TYPES = {"image": "image", "video": "video", "audio": "audio"}


class SocialConfig(InboxConfig):
    access_token: str = Field(min_length=1, max_length=1024)
    app_secret: str = Field(min_length=1, max_length=256)
    verify_token: str = Field(min_length=8, max_length=256)
    api_base_url: HttpUrl = HttpUrl(graph.DEFAULT_API_BASE_URL)
    api_version: str = Field(graph.DEFAULT_API_VERSION, pattern=r"^v\d{1,3}\.\d{1,2}$")
    # Ask the Graph API once for a new customer's name.
    fetch_profile: bool = True
    # Answer up to seven days with the HUMAN_AGENT tag (needs Meta's approval).
    human_agent_tag: bool = False
    # The self-care bot on private messages, off unless enabled.
    bot: BotConfig = BotConfig()


class SocialConnector(ReceivesWebhooks, Connector):
    """Base of the Messenger and Instagram connectors; subclasses set the
    class attributes below. Raises TemporarySendError / PermanentSendError."""

    object_type: ClassVar[str]  # the webhook's "object": page | instagram
    account_field: ClassVar[str]  # the config field with the entry id
    message_identity: ClassVar[str]  # identity kind of a private sender
    comment_identity: ClassVar[str]  # identity kind of a commenter
    profile_fields: ClassVar[str]
    max_text_length: ClassVar[int]
    comment_reply_edge: ClassVar[str]  # POST /{comment-id}/<edge> answers publicly
    # The bot answers private messages with quick replies (meta/quick_replies.py);
    # public comments never get it (conversations.inbound_store).
    supports_bot = True
    supports_quick_replies = True

    def public_config(self, inbox: Inbox) -> dict[str, Any]:
        return {key: value for key, value in inbox.config.items() if key not in SECRET_FIELDS}

    def conflicts(self, config: dict[str, Any], inbox_id: int | None) -> list[dict[str, str]]:
        from relais.connectors.models import Inbox

        lookup = {f"config__{self.account_field}": config[self.account_field]}
        if Inbox.objects.filter(kind=self.kind, **lookup).exclude(pk=inbox_id).exists():
            message = _("another inbox already uses this account")
            return [{"field": self.account_field, "message": message}]
        return []

    def handshake(self, inbox: Inbox, request: WebhookRequest) -> WebhookResponse:
        """Echo hub.challenge for our verify token; 403 otherwise."""
        return answer_handshake(request, inbox.config.get("verify_token", ""))

    def handle_webhook(self, inbox: Inbox, request: WebhookRequest) -> WebhookResult:
        """Signature first, then private messages (their files and new senders'
        names fetched after the commit), public comments and receipts."""
        check_signature(request, inbox.config.get("app_secret", ""))
        account_id = str(inbox.config.get(self.account_field, ""))
        parsed = parse_events(
            request.json_object(), object_type=self.object_type, account_id=account_id
        )
        unknown = self._senders_to_look_up(inbox, parsed.messages)
        messages = [self.message_to_inbound(inbox, item, unknown) for item in parsed.messages]
        messages += [self.comment_to_inbound(inbox, item) for item in parsed.comments]
        statuses = [
            update for receipt in parsed.receipts for update in self.receipt_updates(inbox, receipt)
        ]
        return WebhookResult(messages=messages, statuses=statuses, ignored=list(parsed.ignored))

    def reply_constraints(self, conversation: Conversation) -> dict[str, Any]:
        base = super().reply_constraints(conversation)
        if base["public"]:
            notes = [_("A public answer is seen by everyone; a private one can be sent once.")]
            return {
                **base,
                "max_length": self.max_text_length,
                "private_reply": True,
                "notes": notes,
            }
        return {
            **base,
            "max_length": self.max_text_length,
            "window_closes_at": replies.window_end(conversation.pk),
        }

    def receipt_updates(self, inbox: Inbox, receipt: Receipt) -> list[StatusUpdate]:
        """A receipt naming messages reports those; a read watermark (Messenger)
        reports each of our messages to that person sent up to it."""
        if receipt.mids:
            return [StatusUpdate(mid, receipt.status) for mid in receipt.mids]
        if receipt.watermark is None:
            return []
        from relais.conversations.models import DeliveryStatus, Direction, Message

        unread = Message.objects.filter(
            inbox_id=inbox.pk,
            direction=Direction.OUTBOUND,
            status__in=[DeliveryStatus.SENT, DeliveryStatus.DELIVERED],
            created_at__lte=receipt.watermark,
            conversation__contact__identities__kind=self.message_identity,
            conversation__contact__identities__value=receipt.sender_id,
        ).exclude(provider_message_id="")
        mids = unread.values_list("provider_message_id", flat=True)
        return [StatusUpdate(mid, receipt.status) for mid in mids]

    def message_to_inbound(
        self, inbox: Inbox, message: PrivateMessage, look_up: set[str] | None = None
    ) -> InboundMessage:
        """`look_up`: the senders whose name to ask for after the commit; each
        is taken out of the set by its first message (one look-up each)."""
        identity = IdentityRef(self.message_identity, message.sender_id)
        lookup_profile = None
        if look_up is not None and message.sender_id in look_up:
            look_up.discard(message.sender_id)
            lookup_profile = identity
        pending = [
            PendingMedia(ref.url, f"{ref.type}-{index}")
            for index, ref in enumerate(message.attachments, start=1)
        ]
        facts = {"sender": message.sender_id, **message.metadata}
        metadata: dict[str, Any] = {self.kind: facts}
        picked = message.metadata.get("quick_reply") or message.metadata.get("postback")
        if picked:
            # The tapped button's payload, where the bot reads it (as on the web chat).
            metadata["payload"] = str(picked)[:64]
        return InboundMessage(
            inbox_id=inbox.pk,
            body=message.body,
            identities=[identity],
            provider_message_id=message.mid,
            sent_at=message.sent_at,
            metadata=metadata,
            pending_media=pending,
            lookup_profile=lookup_profile,
        )

    def comment_to_inbound(self, inbox: Inbox, comment: Comment) -> InboundMessage:
        """A public message; the conversation is one per post and commenter."""
        facts = {
            "comment_id": comment.comment_id,
            "post_id": comment.post_id,
            "parent_id": comment.parent_id,
            **comment.metadata,
        }
        identity = IdentityRef(self.comment_identity, comment.author_id)
        return InboundMessage(
            inbox_id=inbox.pk,
            body=comment.body or _("(A comment without text.)"),
            identities=[identity],
            provider_message_id=f"comment:{comment.comment_id}",
            contact_name=comment.author_name,
            sent_at=comment.sent_at,
            metadata={self.kind: facts},
            public=True,
            conversation_id=self._post_thread(inbox, comment.post_id, identity),
        )

    def _post_thread(self, inbox: Inbox, post_id: str, identity: IdentityRef) -> int | None:
        """The open public conversation of this commenter under this post, if
        any: their next comment there joins it (the pipeline checks that it is
        the same inbox and contact)."""
        from relais.conversations.models import Direction, Message, Status

        return (
            Message.objects.filter(
                inbox_id=inbox.pk,
                direction=Direction.INBOUND,
                conversation__is_public=True,
                conversation__contact__identities__kind=identity.kind,
                conversation__contact__identities__value=identity.value,
                **{f"metadata__{self.kind}__post_id": post_id},
            )
            .exclude(conversation__status=Status.RESOLVED)
            .order_by("-id")
            .values_list("conversation_id", flat=True)
            .first()
        )

    def fetch_media(self, inbox: Inbox, media: PendingMedia) -> InboundAttachment:
        """Meta's CDN links are signed URLs: fetched without the token, which
        must not travel to a CDN."""
        return download_media(
            media.ref, max_bytes=settings.RELAIS_MEDIA_MAX_BYTES, filename=media.filename
        )

    def _senders_to_look_up(self, inbox: Inbox, messages: list[PrivateMessage]) -> set[str]:
        """The private senders not known yet (one query), when the inbox asks
        for names: their name is looked up once, after the commit."""
        from relais.contacts.models import Identity

        senders = {message.sender_id for message in messages}
        if not inbox.config.get("fetch_profile") or not senders:
            return set()
        known = Identity.objects.filter(kind=self.message_identity, value__in=senders)
        return senders - set(known.values_list("value", flat=True))

    def fetch_profile_name(self, inbox: Inbox, identity: IdentityRef) -> str:
        """The name on the sender's profile (GET /{psid-or-igsid}), in a task.
        Raises ProfileUnavailable (Graph error, timeout, network)."""
        api = graph.settings_for(inbox.pk, inbox.config)
        try:
            profile = graph.get(api, identity.value, {"fields": self.profile_fields})
        except graph.GraphCallFailed as error:
            raise ProfileUnavailable(str(error)) from None
        return profile_name(profile)

    # --- outbound ----------------------------------------------------------

    def send(self, message: Message) -> SendResult:
        if len(message.body) > self.max_text_length:
            raise PermanentSendError(
                _("Messages here are at most %(max)d characters.") % {"max": self.max_text_length}
            )
        latest = replies.latest_customer_message(message.conversation_id)
        facts = replies.channel_facts(latest, self.kind)
        api = graph.settings_for(message.inbox_id, message.inbox.config)
        if facts.get("comment_id"):
            return self._answer_comment(message, api, str(facts["comment_id"]))
        if not facts.get("sender"):
            raise PermanentSendError(_("This conversation has no one to answer."))
        recipient = {"id": str(facts["sender"])}
        return self._send_private(message, api, recipient, self._messaging(message, latest))

    def _answer_comment(
        self, message: Message, api: graph.GraphSettings, comment_id: str
    ) -> SendResult:
        if replies.reply_choice(message, REPLY_PRIVATELY):
            # Meta's private reply: allowed once per comment, within seven days.
            recipient = {"comment_id": comment_id}
            return self._send_private(message, api, recipient, {"messaging_type": "RESPONSE"})
        if message.attachments.exists():
            raise PermanentSendError(_("A public answer cannot carry files."))
        answer = graph.post(
            api, f"{comment_id}/{self.comment_reply_edge}", {"message": message.body}
        )
        if not answer.get("id"):
            raise PermanentSendError(_("Meta accepted the comment but returned no id."))
        return SendResult(provider_message_id=f"comment:{answer['id']}", status="sent")

    def _messaging(self, message: Message, latest: Message | None) -> dict[str, str]:
        last_at, now = (latest.created_at if latest else None), timezone.now()
        if window_is_open(last_at, now):
            return {"messaging_type": "RESPONSE"}
        if message.inbox.config.get("human_agent_tag") and window_is_open(
            last_at, now, HUMAN_AGENT_WINDOW
        ):
            return {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
        raise PermanentSendError(window_closed_message())

    def _send_private(
        self,
        message: Message,
        api: graph.GraphSettings,
        recipient: dict[str, str],
        messaging: dict[str, str],
    ) -> SendResult:
        message_ids = []
        if message.body:
            content = message_with_choices(message.body, bot_choices(message), self.max_text_length)
            payload = {"recipient": recipient, **messaging, "message": content}
            message_ids.append(sent_message_id(graph.post(api, "me/messages", payload)))
        for attachment in message.attachments.all():
            message_ids.append(self._send_file(api, recipient, messaging, attachment))
        if not message_ids:
            raise PermanentSendError(_("The message is empty."))
        return SendResult(provider_message_id=message_ids[0], status="sent")

    def _send_file(self, api, recipient, messaging, attachment) -> str:
        kind = ATTACHMENT_TYPES.get(attachment.content_type.split("/")[0], "file")
        with attachment.file.open("rb") as file:
            data = file.read()
        content = {"attachment": {"type": kind, "payload": {"is_reusable": False}}}
        form = {"recipient": json.dumps(recipient), **messaging, "message": json.dumps(content)}
        files = {"filedata": (attachment.filename, data, attachment.content_type)}
        return sent_message_id(graph.post(api, "me/messages", files=files, data=form))


def sent_message_id(answer: dict[str, Any]) -> str:
    """The mid in the Send API's answer `{"recipient_id", "message_id"}`."""
    if not answer.get("message_id"):
        raise PermanentSendError(_("Meta accepted the message but returned no message id."))
    return str(answer["message_id"])


def profile_name(profile: Any) -> str:
    if not isinstance(profile, dict):
        return ""
    full = " ".join(str(profile.get(key) or "") for key in ("first_name", "last_name")).strip()
    return full or str(profile.get("name") or profile.get("username") or "")


def window_closed_message() -> str:
    return _(
        "More than 24 hours have passed since the customer's last message: Meta does "
        "not allow a free reply now. The customer has to write again first."
    )
