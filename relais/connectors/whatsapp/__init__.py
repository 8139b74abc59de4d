"""WhatsApp Business through Meta's Cloud API.

Inbound: Meta POSTs signed webhooks (meta.signature) that `parsing` reads and
`inbound` turns into InboundMessages (files fetched from the Graph API) and
status changes. Outbound: `send` posts to `/{version}/{phone_number_id}/messages`
a text, media, reply-button or template message (`sending`), refusing
free-form text once the 24-hour customer-service window has closed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relais.connectors.base import (
    Connector,
    InboundAttachment,
    PendingMedia,
    PermanentSendError,
    SendResult,
    customer_handle,
)
from relais.connectors.meta import graph, replies
from relais.connectors.meta.webhook import answer_handshake, check_signature
from relais.connectors.webhooks import (
    ReceivesWebhooks,
    StatusUpdate,
    WebhookRequest,
    WebhookResponse,
    WebhookResult,
)
from relais.connectors.whatsapp import sending
from relais.connectors.whatsapp.config import SECRET_FIELDS, WhatsAppConfig, find_template
from relais.connectors.whatsapp.inbound import fetch_media, to_inbound
from relais.connectors.whatsapp.parsing import parse_webhook

if TYPE_CHECKING:
    from relais.connectors.models import Inbox
    from relais.conversations.models import Conversation, Message

WHATSAPP_KIND = "whatsapp"


class WhatsAppConnector(ReceivesWebhooks, Connector):
    """Sends through the Cloud API. Raises TemporarySendError for throttling and
    outages (the outbox retries), PermanentSendError for refusals, including a
    free-form reply outside the 24-hour window or an unknown template."""

    kind = WHATSAPP_KIND
    label = gettext_lazy("WhatsApp Business")
    channel_class = "messaging"
    config_model = WhatsAppConfig
    supports_bot = True  # one-to-one: the bot answers with numbered choices
    supports_attachments = True

    def public_config(self, inbox: Inbox) -> dict[str, Any]:
        return {key: value for key, value in inbox.config.items() if key not in SECRET_FIELDS}

    def conflicts(self, config: dict[str, Any], inbox_id: int | None) -> list[dict[str, str]]:
        from relais.connectors.models import Inbox

        others = Inbox.objects.filter(
            kind=WHATSAPP_KIND, config__phone_number_id=config["phone_number_id"]
        ).exclude(pk=inbox_id)
        if others.exists():
            message = _("another inbox already uses this phone number id")
            return [{"field": "phone_number_id", "message": message}]
        return []

    def fetch_media(self, inbox: Inbox, media: PendingMedia) -> InboundAttachment:
        return fetch_media(inbox.pk, inbox.config, media)

    def handshake(self, inbox: Inbox, request: WebhookRequest) -> WebhookResponse:
        """Echo hub.challenge for our verify token; 403 otherwise."""
        return answer_handshake(request, inbox.config.get("verify_token", ""))

    def handle_webhook(self, inbox: Inbox, request: WebhookRequest) -> WebhookResult:
        """Signature first (unsigned input is never parsed), then the messages
        (files fetched later, in a task) and status changes about this inbox's number."""
        check_signature(request, inbox.config.get("app_secret", ""))
        parsed = parse_webhook(request.json_object(), inbox.config.get("phone_number_id", ""))
        return WebhookResult(
            messages=[to_inbound(inbox.pk, inbox.config, item) for item in parsed.messages],
            statuses=[
                StatusUpdate(
                    change.wamid, change.status, change.error.plain_words() if change.error else ""
                )
                for change in parsed.statuses
            ],
            ignored=list(parsed.ignored),
        )

    def reply_constraints(self, conversation: Conversation) -> dict[str, Any]:
        """Besides the base keys: "templates" (their names), "template_options"
        (name, language, parameters, preview of each configured template),
        "buttons" (how many reply buttons a message may carry),
        "button_title_max"; once the window has closed, "text_disabled" says
        that only a template can be sent."""
        closes_at = replies.window_end(conversation.pk)
        notes = [_("Outside the 24-hour window, only approved templates can be sent.")]
        configured = conversation.inbox.config.get("templates") or ()
        constraints = {
            **super().reply_constraints(conversation),
            "max_length": sending.MAX_TEXT_LENGTH,
            "window_closes_at": closes_at,
            "templates": [t["name"] for t in configured],
            "template_options": [template_option(t) for t in configured],
            "buttons": sending.MAX_BUTTONS,
            "button_title_max": sending.MAX_BUTTON_TITLE,
            "notes": notes,
        }
        if closes_at is None or closes_at <= timezone.now():
            constraints["text_disabled"] = window_closed_message()
        return constraints

    def send(self, message: Message) -> SendResult:
        config = message.inbox.config
        latest = replies.latest_customer_message(message.conversation_id)
        to = replies.channel_facts(latest, WHATSAPP_KIND).get("from") or _phone_of(message)
        if not to:
            raise PermanentSendError(_("This conversation has no WhatsApp number to answer."))
        settings = graph.settings_for(message.inbox_id, config)
        path = f"{config['phone_number_id']}/messages"
        payloads = outbound_payloads(message, to, latest)
        wamids = [sending.sent_message_id(graph.post(settings, path, p)) for p in payloads]
        for attachment in message.attachments.all():
            media_id = _upload(settings, config, attachment)
            kind = sending.media_kind(attachment.content_type)
            name = attachment.filename
            payload = sending.media_payload(to, kind, media_id=media_id, filename=name)
            wamids.append(sending.sent_message_id(graph.post(settings, path, payload)))
        return SendResult(provider_message_id=wamids[0], status="sent")


def outbound_payloads(message: Message, to: str, latest: Message | None) -> list[dict[str, Any]]:
    """The request bodies for the reply's text part: a template, reply buttons,
    or plain text (none when a file goes alone)."""
    template_choice = replies.reply_choice(message, "template")
    if template_choice:
        template = find_template(
            message.inbox.config,
            str(template_choice.get("name", "")),
            str(template_choice.get("language", "")),
        )
        if template is None:
            raise PermanentSendError(_("This template is not configured on the inbox."))
        values = [str(value) for value in template_choice.get("parameters") or ()]
        return [sending.template_payload(to, template, values)]
    if latest is None or not replies.window_open(message.conversation_id):
        raise PermanentSendError(window_closed_message())
    buttons = replies.reply_choice(message, "buttons")
    if buttons:
        return [sending.buttons_payload(to, message.body, list(buttons))]
    if not message.body:
        return []
    return [sending.text_payload(to, message.body)]


def template_option(template: dict[str, Any]) -> dict[str, Any]:
    """A configured template as the console offers it; `key` names it in the form."""
    return {
        "key": f"{template['name']}:{template['language']}",
        "name": template["name"],
        "language": template["language"],
        "parameters": list(template.get("parameters") or ()),
        "preview": template.get("preview") or "",
    }


def window_closed_message() -> str:
    return _(
        "More than 24 hours have passed since the customer's last message: WhatsApp "
        "only accepts an approved template message now. Choose a template to write again."
    )


def _phone_of(message: Message) -> str:
    return customer_handle(message, "phone") or ""


def _upload(settings: graph.GraphSettings, config: dict, attachment) -> str:
    """Upload a reply's file to `/{phone_number_id}/media`; returns its media id."""
    with attachment.file.open("rb") as file:
        data = file.read()
    answer = graph.post(
        settings,
        f"{config['phone_number_id']}/media",
        files={"file": (attachment.filename, data, attachment.content_type)},
        data={"messaging_product": "whatsapp", "type": attachment.content_type},
    )
    if not answer.get("id"):
        raise PermanentSendError(_("WhatsApp did not return an id for the uploaded file."))
    return str(answer["id"])
