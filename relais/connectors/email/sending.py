"""An outbound e-mail message: who it goes to, how it threads, and sending it.

Called by EmailConnector.send from the outbox (conversations.outbox), which
holds the message's lease while this runs.
"""

from __future__ import annotations

import logging
from email.utils import getaddresses
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from relais.connectors.base import PermanentSendError, SendResult
from relais.connectors.email.compose import (
    MAX_RECENT_REFERENCES,
    OutgoingAttachment,
    OutgoingMail,
    ascii_address,
    build_message,
)
from relais.connectors.email.config import EmailConfig
from relais.connectors.email.references import (
    find_subject_reference,
    message_ids,
    new_message_id,
    plus_address,
    reply_subject,
    split_plus_address,
    subject_reference,
)
from relais.connectors.email.smtp_client import relay_settings, send_mail
from relais.connectors.models import Inbox
from relais.conversations.models import Direction, Message, MessageKind

log = logging.getLogger(__name__)

# A customer's mail may copy many people; an answer copies at most this many,
# so that a crafted mail cannot turn the helpdesk into a mass mailer.
MAX_CC = 20
# The latest inbound mails looked at to find the one to answer (skipping
# out-of-office replies).
RECENT_INBOUND = 10


def send_message(message: Message) -> SendResult:
    """Send an outbound message of an e-mail conversation as a reply to the
    customer's latest mail (To: its Reply-To or From, else the contact's
    address; Cc: its other people, never our own inboxes).

    The Message-ID is saved in message.metadata["email"]["message_id"] before
    the mail leaves, so a retry sends the same id (at-least-once delivery
    shows as one mail in the customer's client). Raises PermanentSendError
    (no recipient, no SMTP server, unusable address or attachment, refusal)
    or TemporarySendError (see smtp_client.send_mail)."""
    conversation = message.conversation
    config = EmailConfig.model_validate(message.inbox.config)
    server = config.smtp or _relay()
    if server is None:
        raise PermanentSendError("no SMTP server configured for this inbox")
    latest = _latest_inbound_mail(message)
    to = _customer_addresses(latest, conversation.contact)
    if not to:
        raise PermanentSendError("the customer has no e-mail address")
    cc = _colleagues(latest, exclude={address for _, address in to})
    message_id = _message_id(message, config.address)
    thread = _thread_ids(message, latest)
    email_metadata = message.metadata.get("email") or {}
    subject = email_metadata.get("subject") or reply_subject(conversation.subject, conversation.pk)
    if find_subject_reference(subject) != conversation.pk:
        subject = f"{subject} {subject_reference(conversation.pk)}"
    mail = OutgoingMail(
        sender=(config.display_name or message.inbox.name, config.address),
        to=to,
        cc=cc,
        reply_to=(
            plus_address(config.address, conversation.pk)
            if config.plus_addressing
            else config.address
        ),
        subject=subject,
        text=_text(message.body, config.signature),
        message_id=message_id,
        in_reply_to=thread[-1] if thread else "",
        references=thread,
        auto_submitted=(
            "auto-replied" if message.metadata.get("automatic") == "acknowledgement" else ""
        ),
        language=email_metadata.get("language", ""),
        attachments=_attachments(message),
    )
    try:
        mime = build_message(mail)
        recipients = [ascii_address(address) for _, address in [*to, *cc]]
    except ValueError as error:
        raise PermanentSendError(f"cannot compose the mail: {error}") from None
    send_mail(server, mime, envelope_from=config.address, recipients=recipients)
    log.info(
        "mail sent",
        extra={
            "message_id": message.pk,
            "conversation_id": conversation.pk,
            "recipients": len(recipients),
        },
    )
    return SendResult(provider_message_id=message_id, status="sent")


def _relay():
    try:
        return relay_settings()
    except ImproperlyConfigured as error:
        raise PermanentSendError(str(error)) from None


def _latest_inbound_mail(message: Message) -> dict[str, Any]:
    """The e-mail metadata of the customer's latest mail in the conversation,
    preferring one that is not an automatic reply; {} when there is none."""
    recent = list(
        Message.objects.filter(
            conversation_id=message.conversation_id,
            direction=Direction.INBOUND,
            metadata__has_key="email",
        )
        .order_by("-id")
        .values_list("metadata", flat=True)[:RECENT_INBOUND]
    )
    mails = [metadata["email"] for metadata in recent if isinstance(metadata["email"], dict)]
    for mail in mails:
        if not mail.get("auto_reply"):
            return mail
    return mails[0] if mails else {}


def _customer_addresses(latest: dict[str, Any], contact) -> list[tuple[str, str]]:
    for header in ("reply_to", "from"):
        if found := _addresses(latest.get(header)):
            return [
                (name or (contact.name if address == contact.email else ""), address)
                for name, address in found[:MAX_CC]
            ]
    if contact.email:
        return [(contact.name, contact.email)]
    return []


def _colleagues(latest: dict[str, Any], *, exclude: set[str]) -> list[tuple[str, str]]:
    ours = _relais_addresses()
    seen = {address.lower() for address in exclude}
    colleagues = []
    for name, address in _addresses(latest.get("cc")):
        key = address.lower()
        if key in seen or split_plus_address(key)[0] in ours:
            continue
        seen.add(key)
        colleagues.append((name, address))
    return colleagues[:MAX_CC]


def _relais_addresses() -> set[str]:
    """Every address of every e-mail inbox: copying one would loop the mail
    back in as a new customer message."""
    addresses = set()
    for config in Inbox.objects.filter(kind="email").values_list("config", flat=True):
        addresses.add(str(config.get("address", "")).lower())
        addresses.update(str(alias).lower() for alias in config.get("aliases", []))
    return addresses


def _addresses(value: Any) -> list[tuple[str, str]]:
    """(name, address) pairs from stored metadata: a list of {"name",
    "address"} (what ingest stores), or header text ("Name <a@b>, c@d")."""
    if not value:
        return []
    pairs = []
    for item in [value] if isinstance(value, str | dict) else value:
        if isinstance(item, dict):
            pairs.append((str(item.get("name") or ""), str(item.get("address") or "")))
        else:
            pairs.extend(getaddresses([str(item)]))
    return [(name, address) for name, address in pairs if "@" in address]


def _message_id(message: Message, inbox_address: str) -> str:
    email_metadata = message.metadata.get("email") or {}
    if existing := email_metadata.get("message_id"):
        return existing
    message_id = new_message_id(message.pk, inbox_address.rpartition("@")[2])
    message.metadata = {**message.metadata, "email": {**email_metadata, "message_id": message_id}}
    message.save(update_fields=["metadata"])
    return message_id


def _thread_ids(message: Message, latest: dict[str, Any]) -> list[str]:
    """The References of the answer, parent last: the customer's mail's own
    references, our earlier answers, then the customer's mail."""
    earlier = Message.objects.filter(
        conversation_id=message.conversation_id,
        direction=Direction.OUTBOUND,
        kind=MessageKind.MESSAGE,
        id__lt=message.pk,
    ).exclude(provider_message_id="")
    ours = list(
        earlier.order_by("-id").values_list("provider_message_id", flat=True)[
            :MAX_RECENT_REFERENCES
        ]
    )[::-1]
    inbound_references = latest.get("references") or []
    if isinstance(inbound_references, str):
        inbound_references = [inbound_references]
    parent = latest.get("message_id") or ""
    ids = [*inbound_references, *ours, parent]
    return list(dict.fromkeys(i for value in ids for i in message_ids(str(value))))


def _text(body: str, signature: str) -> str:
    return f"{body}\n\n-- \n{signature}" if signature.strip() else body


def _attachments(message: Message) -> list[OutgoingAttachment]:
    attachments = []
    for attachment in message.attachments.filter(kind="file"):
        try:
            with attachment.file.open("rb") as handle:
                data = handle.read()
        except OSError:
            raise PermanentSendError(f"the attachment {attachment.filename} is missing") from None
        attachments.append(OutgoingAttachment(attachment.filename, attachment.content_type, data))
    return attachments
