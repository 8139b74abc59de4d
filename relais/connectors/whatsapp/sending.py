"""Outbound WhatsApp messages: request bodies for
`POST {api_base_url}/{version}/{phone_number_id}/messages` (pure), and the
choice between them for an agent's reply.

What the agent chose travels in the reply's metadata:
`{"template": {"name", "language", "parameters": [...]}}` for a template,
`{"buttons": [{"id", "title"}, ...]}` for reply buttons; otherwise the body is
sent as text and each attachment as a media message (uploaded first).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from relais.connectors.base import PermanentSendError

MAX_TEXT_LENGTH = 4096
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_INTERACTIVE_BODY = 1024
# What WhatsApp calls each kind of file we may send.
MEDIA_KINDS = {"image": "image", "video": "video", "audio": "audio"}


def _envelope(to: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        # The Cloud API takes the number without its "+".
        "to": to.lstrip("+"),
        "type": kind,
        kind: content,
    }


def text_payload(to: str, body: str) -> dict[str, Any]:
    if len(body) > MAX_TEXT_LENGTH:
        raise PermanentSendError(
            _("WhatsApp messages are at most %(max)d characters.") % {"max": MAX_TEXT_LENGTH}
        )
    return _envelope(to, "text", {"preview_url": False, "body": body})


def media_kind(content_type: str) -> str:
    """image, video, audio, or document for anything else (PDF, spreadsheets…)."""
    return MEDIA_KINDS.get(content_type.split("/")[0], "document")


def media_payload(
    to: str, kind: str, *, media_id: str = "", link: str = "", caption: str = "", filename: str = ""
) -> dict[str, Any]:
    """A media message by uploaded id or by public link."""
    content: dict[str, Any] = {"id": media_id} if media_id else {"link": link}
    if caption and kind != "audio":  # audio takes no caption
        content["caption"] = caption
    if filename and kind == "document":
        content["filename"] = filename
    return _envelope(to, kind, content)


def buttons_payload(to: str, body: str, buttons: list[dict[str, str]]) -> dict[str, Any]:
    if not 1 <= len(buttons) <= MAX_BUTTONS:
        raise PermanentSendError(
            _("WhatsApp shows one to %(max)d reply buttons.") % {"max": MAX_BUTTONS}
        )
    if len(body) > MAX_INTERACTIVE_BODY:
        raise PermanentSendError(
            _("A message with buttons is at most %(max)d characters.")
            % {"max": MAX_INTERACTIVE_BODY}
        )
    replies = []
    for index, button in enumerate(buttons, start=1):
        title = str(button.get("title", "")).strip()
        if not title or len(title) > MAX_BUTTON_TITLE:
            raise PermanentSendError(
                _("A button title is 1 to %(max)d characters.") % {"max": MAX_BUTTON_TITLE}
            )
        reply_id = str(button.get("id") or f"button-{index}")[:256]
        replies.append({"type": "reply", "reply": {"id": reply_id, "title": title}})
    interactive = {"type": "button", "body": {"text": body}, "action": {"buttons": replies}}
    return _envelope(to, "interactive", interactive)


def template_payload(to: str, template: dict[str, Any], values: list[str]) -> dict[str, Any]:
    """A configured template filled with `values` for its body parameters."""
    expected = len(template.get("parameters") or ())
    if len(values) != expected:
        raise PermanentSendError(
            _("The template %(name)s needs %(expected)d values, not %(given)d.")
            % {"name": template["name"], "expected": expected, "given": len(values)}
        )
    content: dict[str, Any] = {"name": template["name"], "language": {"code": template["language"]}}
    if values:
        parameters = [{"type": "text", "text": str(value)} for value in values]
        content["components"] = [{"type": "body", "parameters": parameters}]
    return _envelope(to, "template", content)


def with_context(payload: dict[str, Any], reply_to: str) -> dict[str, Any]:
    """Quote the customer's message `reply_to` (a wamid) above ours."""
    return {**payload, "context": {"message_id": reply_to}} if reply_to else payload


def sent_message_id(answer: dict[str, Any]) -> str:
    """The wamid in the Cloud API's answer
    `{"messaging_product", "contacts": [...], "messages": [{"id": "wamid…"}]}`."""
    messages = answer.get("messages") if isinstance(answer, dict) else None
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        wamid = messages[0].get("id")
        if wamid:
            return str(wamid)
    raise PermanentSendError(_("WhatsApp accepted the message but returned no message id."))
