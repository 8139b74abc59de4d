"""Messenger and Instagram: what their connectors share.

Private messages arrive as `messaging` events from a PSID (Messenger) or an
IGSID (Instagram) and are answered through the Send API
(`POST /{version}/me/messages`, `messaging_type: RESPONSE` inside the 24-hour
window). Public comments on the account's posts become public conversations,
threaded per post and commenter; the agent answers them publicly (a reply
comment) or privately (Meta's private reply: one message to the commenter,
within seven days, addressed by `recipient.comment_id`), as chosen in the
reply's metadata (`reply_mode`: "public" or "private").
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import Field, HttpUrl

from relais.connectors.base import (
    Connector,
    IdentityRef,
    InboundAttachment,
    InboundMessage,
    InboxConfig,
    PermanentSendError,
    SendResult,
)
from relais.connectors.meta import graph, replies
from relais.connectors.meta.delivery import StatusReport, Translation
from relais.connectors.meta.events import (
    Comment,
    ParsedEvents,
    PrivateMessage,
    Receipt,
    parse_events,
)
from relais.connectors.meta.signature import check_handshake, verify_signature
from relais.connectors.meta.window import HUMAN_AGENT_WINDOW, window_is_open

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Message

log = logging.getLogger(__name__)
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
    max_media_bytes: int = Field(16 * 1024 * 1024, ge=1, le=100 * 1024 * 1024)


class SocialConnector(Connector):
    """Base of the Messenger and Instagram connectors; subclasses set the
    class attributes below. Raises TemporarySendError / PermanentSendError."""

    object_type: ClassVar[str]  # the webhook's "object": page | instagram
    account_field: ClassVar[str]  # the config field with the entry id
    message_identity: ClassVar[str]  # identity kind of a private sender
    comment_identity: ClassVar[str]  # identity kind of a commenter
    profile_fields: ClassVar[str]
    max_text_length: ClassVar[int]
    comment_reply_edge: ClassVar[str]  # POST /{comment-id}/<edge> answers publicly

    def public_config(self, inbox: Inbox) -> dict[str, Any]:
        return {key: value for key, value in inbox.config.items() if key not in SECRET_FIELDS}

    def conflicts(self, config: dict[str, Any], inbox_id: int | None) -> list[dict[str, str]]:
        from relais.connectors.models import Inbox

        lookup = {f"config__{self.account_field}": config[self.account_field]}
        if Inbox.objects.filter(kind=self.kind, **lookup).exclude(pk=inbox_id).exists():
            message = _("another inbox already uses this account")
            return [{"field": self.account_field, "message": message}]
        return []

    def challenge(self, inbox: Inbox, params: dict[str, str]) -> str:
        return check_handshake(params, inbox.config.get("verify_token", ""))

    def read_delivery(self, inbox: Inbox, body: bytes, signature: str | None) -> ParsedEvents:
        """Signature first, then parsing. Raises SignatureMismatch, MalformedEvents."""
        verify_signature(inbox.config.get("app_secret", ""), body, signature)
        account_id = str(inbox.config.get(self.account_field, ""))
        return parse_events(body, object_type=self.object_type, account_id=account_id)

    # --- inbound -----------------------------------------------------------

    def translate(self, inbox: Inbox, parsed: ParsedEvents) -> Translation:
        """Messages (files fetched, new senders' names asked), public comments
        and status reports of a parsed delivery."""
        messages = [self.message_to_inbound(inbox, item) for item in parsed.messages]
        messages += [self.comment_to_inbound(inbox, item) for item in parsed.comments]
        statuses = [
            report for receipt in parsed.receipts for report in self.receipt_reports(inbox, receipt)
        ]
        return Translation(messages=messages, statuses=statuses, ignored=list(parsed.ignored))

    def receipt_reports(self, inbox: Inbox, receipt: Receipt) -> list[StatusReport]:
        """A receipt naming messages reports those; a read watermark (Messenger)
        reports each of our messages to that person sent up to it."""
        if receipt.mids:
            return [StatusReport(mid, receipt.status) for mid in receipt.mids]
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
        return [StatusReport(mid, receipt.status) for mid in mids]

    def message_to_inbound(self, inbox: Inbox, message: PrivateMessage) -> InboundMessage:
        identity = IdentityRef(self.message_identity, message.sender_id)
        attachments, refusals = self._fetch_attachments(inbox.config, message)
        body = "\n".join(part for part in (message.body, *refusals) if part)
        facts = {"sender": message.sender_id, **message.metadata}
        return InboundMessage(
            inbox_id=inbox.pk,
            body=body,
            identities=[identity],
            provider_message_id=message.mid,
            contact_name=self._profile_name(inbox.config, identity),
            sent_at=message.sent_at,
            metadata={self.kind: facts},
            attachments=attachments,
        )

    def comment_to_inbound(self, inbox: Inbox, comment: Comment) -> InboundMessage:
        """A public message; the conversation is one per post and commenter."""
        facts = {
            "comment_id": comment.comment_id,
            "post_id": comment.post_id,
            "parent_id": comment.parent_id,
            **comment.metadata,
        }
        return InboundMessage(
            inbox_id=inbox.pk,
            body=comment.body or _("(A comment without text.)"),
            identities=[IdentityRef(self.comment_identity, comment.author_id)],
            provider_message_id=f"comment:{comment.comment_id}",
            contact_name=comment.author_name,
            sent_at=comment.sent_at,
            metadata={self.kind: facts, "public": True, "thread": f"post:{comment.post_id}"},
        )

    def _fetch_attachments(
        self, config: dict, message: PrivateMessage
    ) -> tuple[list[InboundAttachment], list[str]]:
        settings, limit = self.graph_settings(config), int(config.get("max_media_bytes") or 0)
        files, refusals = [], []
        for index, ref in enumerate(message.attachments, start=1):
            try:
                data, content_type = graph.download(settings, ref.url, limit, authenticated=False)
            except graph.MediaTooLarge as error:
                refusals.append(
                    _("(File not received: %(size)d bytes, more than the %(limit)d allowed.)")
                    % {"size": error.size, "limit": limit}
                )
                continue
            except graph.GraphCallFailed as error:
                refusals.append(_("(File not received: %(reason)s)") % {"reason": error})
                continue
            name = f"{ref.type}-{index}"
            files.append(InboundAttachment(name, content_type or "application/octet-stream", data))
        return files, refusals

    def _profile_name(self, config: dict, identity: IdentityRef) -> str:
        """The customer's name, asked once: only for a sender not known yet."""
        from relais.contacts.models import Identity

        if not config.get("fetch_profile"):
            return ""
        if Identity.objects.filter(kind=identity.kind, value=identity.value).exists():
            return ""
        try:
            profile = graph.get(
                self.graph_settings(config), identity.value, {"fields": self.profile_fields}
            )
        except graph.GraphCallFailed as error:
            log.info("profile look-up failed", extra={"reason": str(error)})
            return ""
        return profile_name(profile)

    # --- outbound ----------------------------------------------------------

    def graph_settings(self, config: dict) -> graph.GraphSettings:
        return graph.GraphSettings(
            api_base_url=str(config.get("api_base_url") or graph.DEFAULT_API_BASE_URL),
            api_version=str(config.get("api_version") or graph.DEFAULT_API_VERSION),
            access_token=str(config.get("access_token", "")),
        )

    def send(self, message: Message) -> SendResult:
        if len(message.body) > self.max_text_length:
            raise PermanentSendError(
                _("Messages here are at most %(max)d characters.") % {"max": self.max_text_length}
            )
        latest = replies.latest_customer_message(message.conversation_id)
        facts = replies.channel_facts(latest, self.kind)
        settings = self.graph_settings(message.inbox.config)
        if facts.get("comment_id"):
            return self._answer_comment(message, settings, str(facts["comment_id"]))
        if not facts.get("sender"):
            raise PermanentSendError(_("This conversation has no one to answer."))
        recipient = {"id": str(facts["sender"])}
        return self._send_private(message, settings, recipient, self._messaging(message, latest))

    def _answer_comment(
        self, message: Message, settings: graph.GraphSettings, comment_id: str
    ) -> SendResult:
        mode = replies.reply_choice(message, replies.REPLY_MODE, replies.PUBLIC)
        if mode == replies.PRIVATE:
            # Meta's private reply: allowed once per comment, within seven days.
            recipient = {"comment_id": comment_id}
            return self._send_private(message, settings, recipient, {"messaging_type": "RESPONSE"})
        if mode != replies.PUBLIC:
            raise PermanentSendError(_("Choose a public or a private answer."))
        if message.attachments.exists():
            raise PermanentSendError(_("A public answer cannot carry files."))
        answer = graph.post(
            settings, f"{comment_id}/{self.comment_reply_edge}", {"message": message.body}
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
        settings: graph.GraphSettings,
        recipient: dict[str, str],
        messaging: dict[str, str],
    ) -> SendResult:
        message_ids = []
        if message.body:
            payload = {"recipient": recipient, **messaging, "message": {"text": message.body}}
            message_ids.append(sent_message_id(graph.post(settings, "me/messages", payload)))
        for attachment in message.attachments.all():
            message_ids.append(self._send_file(settings, recipient, messaging, attachment))
        if not message_ids:
            raise PermanentSendError(_("The message is empty."))
        return SendResult(provider_message_id=message_ids[0], status="sent")

    def _send_file(self, settings, recipient, messaging, attachment) -> str:
        kind = ATTACHMENT_TYPES.get(attachment.content_type.split("/")[0], "file")
        with attachment.file.open("rb") as file:
            data = file.read()
        content = {"attachment": {"type": kind, "payload": {"is_reusable": False}}}
        form = {"recipient": json.dumps(recipient), **messaging, "message": json.dumps(content)}
        files = {"filedata": (attachment.filename, data, attachment.content_type)}
        return sent_message_id(graph.post(settings, "me/messages", files=files, data=form))


def sent_message_id(answer: dict[str, Any]) -> str:
    """The mid in the Send API's answer `{"recipient_id", "message_id"}`."""
    if not answer.get("message_id"):
        raise PermanentSendError(_("Meta accepted the message but returned no message id."))
    return str(answer["message_id"])


def profile_name(profile: dict[str, Any]) -> str:
    full = " ".join(str(profile.get(key) or "") for key in ("first_name", "last_name")).strip()
    return full or str(profile.get("name") or profile.get("username") or "")


def window_closed_message() -> str:
    return _(
        "More than 24 hours have passed since the customer's last message: Meta does "
        "not allow a free reply now. The customer has to write again first."
    )
