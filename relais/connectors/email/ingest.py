"""A received mail, whatever brought it (`relais smtpd`, the IMAP fetcher, the
`importmail` command), into the pipeline: threading, auto-replies, bounces,
attachments, the acknowledgement.

Guarantees: idempotent on the Message-ID (a mail fetched twice or delivered
twice is stored once); the original bytes are kept with the message; a mail
that cannot be stored is written to the quarantine folder with its reason and
never raises out of here (but for database errors, which the caller retries),
so no mail is ever lost.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from relais.connectors.base import IdentityRef, InboundAttachment, InboundMessage
from relais.connectors.email import references
from relais.connectors.email.acknowledgement import acknowledgement
from relais.connectors.email.config import EmailConfig
from relais.connectors.email.parsing import MailLimits, ParsedMail, parse_mail
from relais.connectors.models import Inbox
from relais.conversations.actions import receive_message
from relais.conversations.automatic import send_automatic_message
from relais.conversations.models import Conversation, Direction, Message

log = logging.getLogger(__name__)

UNKNOWN_SENDER = "unknown-sender@relais.invalid"
# Largest sanitised HTML kept beside the text; the original is kept anyway.
MAX_STORED_HTML = 256 * 1024
# One acknowledgement per customer in this window, whatever they send: a
# misbehaving auto-responder that drops Auto-Submitted cannot start a loop.
ACKNOWLEDGEMENT_WINDOW = timedelta(hours=1)
# Mail written longer ago than this gets no acknowledgement.
STALE_MAIL = timedelta(days=1)
NO_REPLY_SENDERS = ("mailer-daemon@", "postmaster@", "noreply", "no-reply", "donotreply")


@dataclass(frozen=True)
class IngestResult:
    outcome: str  # stored | duplicate | bounce | quarantined
    message: Message | None = None
    conversation: Conversation | None = None
    reason: str = ""


def ingest_mail(
    inbox: Inbox, raw: bytes, *, recipients: list[str] | None = None, envelope_from: str = ""
) -> IngestResult:
    """Store one raw mail received for `inbox` (see the module docstring)."""
    try:
        parsed = parse_mail(raw, mail_limits())
        if parsed.bounce and parsed.bounce.original_message_id:
            bounced = _apply_bounce(inbox, parsed)
            if bounced is not None:
                return bounced
        inbound = to_inbound(inbox, parsed, raw, recipients or [], envelope_from)
        result = receive_message(inbound)
    except DatabaseError:
        # The database, not the mail: the caller retries later (SMTP 451, the
        # IMAP fetcher leaves the mail unmarked).
        raise
    except Exception as error:  # a bug or a mail we cannot store: keep it aside
        log.exception("mail for inbox %s quarantined", inbox.pk)
        return quarantine(raw, f"inbox {inbox.pk}: {type(error).__name__}: {error}")
    if not result.created:
        return IngestResult("duplicate", result.message, result.conversation)
    if result.new_conversation and _wants_acknowledgement(inbox, parsed, result.conversation):
        send_acknowledgement(
            inbox,
            result.conversation,
            language=inbox.config.get("language", "fr"),
            subject=parsed.subject,
            name=parsed.sender.name,
        )
    return IngestResult("stored", result.message, result.conversation)


def mail_limits() -> MailLimits:
    return MailLimits(
        max_attachment_bytes=settings.RELAIS_EMAIL_MAX_ATTACHMENT_BYTES,
        max_attachments_bytes=settings.RELAIS_EMAIL_MAX_BYTES,
        max_text_chars=settings.RELAIS_MAX_MESSAGE_LENGTH - 200,
    )


def to_inbound(
    inbox: Inbox, parsed: ParsedMail, raw: bytes, recipients: list[str], envelope_from: str
) -> InboundMessage:
    """The pipeline's view of a parsed mail: sender, thread pointer, metadata
    and files (the original included)."""
    sender = parsed.sender or (parsed.reply_to[0] if parsed.reply_to else None)
    address = sender.address if sender else (envelope_from.lower() or UNKNOWN_SENDER)
    attachments = [
        InboundAttachment(item.filename, item.content_type, item.data, item.kind, item.content_id)
        for item in parsed.attachments
    ]
    attachments.append(InboundAttachment("original.eml", "message/rfc822", raw, "original"))
    return InboundMessage(
        inbox_id=inbox.pk,
        body=parsed.text,
        identities=[IdentityRef("email", address)],
        provider_message_id=parsed.message_id or _fallback_message_id(raw),
        contact_name=sender.name if sender else "",
        contact_email=address if address != UNKNOWN_SENDER else "",
        subject=parsed.subject,
        conversation_id=thread_pointer(inbox, parsed, recipients),
        sent_at=parsed.date,
        metadata={"email": _email_metadata(parsed)},
        attachments=attachments,
        new_thread=True,
        automatic=bool(parsed.auto_reply),
    )


def thread_pointer(inbox: Inbox, parsed: ParsedMail, recipients: list[str]) -> int | None:
    """The conversation the mail answers: through its In-Reply-To/References
    (messages of this inbox), else the plus-address it was sent to, else the
    "[#123]" in its subject. The pipeline joins it only if it is the sender's."""
    ids = [*parsed.in_reply_to, *reversed(parsed.references)][:100]
    if ids:
        found = (
            Message.objects.filter(inbox=inbox, provider_message_id__in=ids)
            .order_by("-id")
            .values_list("conversation_id", flat=True)
            .first()
        )
        if found:
            return found
    own = {inbox.config.get("address", ""), *inbox.config.get("aliases", [])}
    addressed = [*recipients, *(item.address for item in [*parsed.to, *parsed.cc])]
    for recipient in addressed:
        base, conversation_id = references.split_plus_address(recipient)
        if conversation_id and base in own:
            return conversation_id
    return references.find_subject_reference(parsed.subject)


def _email_metadata(parsed: ParsedMail) -> dict:
    def addresses(items):
        return [{"name": item.name, "address": item.address} for item in items]

    return {
        "message_id": parsed.message_id,
        "from": addresses([parsed.sender] if parsed.sender else []),
        "to": addresses(parsed.to),
        "cc": addresses(parsed.cc),
        "reply_to": addresses(parsed.reply_to),
        "subject": parsed.subject,
        "in_reply_to": parsed.in_reply_to,
        "references": parsed.references[-20:],
        "html": parsed.html if len(parsed.html) <= MAX_STORED_HTML else "",
        "quoted": parsed.quoted[: settings.RELAIS_MAX_MESSAGE_LENGTH],
        "auto_reply": parsed.auto_reply,
        "refused_attachments": [
            {"filename": item.filename, "size": item.size, "reason": item.reason}
            for item in parsed.refused
        ],
        "problems": parsed.problems[:20],
    }


def _fallback_message_id(raw: bytes) -> str:
    """A stable id for a mail without Message-ID, so that it is stored once."""
    return f"<{hashlib.sha256(raw).hexdigest()}@relais.invalid>"


def _apply_bounce(inbox: Inbox, parsed: ParsedMail) -> IngestResult | None:
    """Mark the outbound message a delivery report is about failed (a delay is
    only logged); None when the report names no message of ours."""
    from relais.conversations.outbox import update_delivery_status

    bounce = parsed.bounce
    original = Message.objects.filter(
        inbox=inbox, direction=Direction.OUTBOUND, provider_message_id=bounce.original_message_id
    ).first()
    if original is None:
        return None
    if bounce.permanent:
        reason = f"{bounce.status} {bounce.reason}".strip() or "bounced"
        update_delivery_status(original, "failed", error=f"{bounce.recipient}: {reason}"[:2000])
    log.info(
        "delivery report for message %s (conversation %s): %s %s",
        original.pk,
        original.conversation_id,
        bounce.status,
        "failed" if bounce.permanent else "delayed",
    )
    return IngestResult("bounce", original, original.conversation, reason=bounce.status)


def _wants_acknowledgement(inbox: Inbox, parsed: ParsedMail, conversation) -> bool:
    """On when the inbox asks for it, never to robots, ourselves, old mail or a
    customer acknowledged within the hour."""
    if not inbox.config.get("acknowledgement") or parsed.auto_reply or parsed.sender is None:
        return False
    if parsed.date and parsed.date < timezone.now() - STALE_MAIL:
        return False  # old mail (a first IMAP import of a full folder): too late to say "received"
    sender = parsed.sender.address
    own = {inbox.config.get("address", ""), *inbox.config.get("aliases", [])}
    if sender in own or any(marker in sender for marker in NO_REPLY_SENDERS):
        return False
    return not Message.objects.filter(
        conversation__contact_id=conversation.contact_id,
        direction=Direction.OUTBOUND,
        metadata__automatic="acknowledgement",
        created_at__gte=timezone.now() - ACKNOWLEDGEMENT_WINDOW,
    ).exists()


def send_acknowledgement(
    inbox: Inbox, conversation: Conversation, *, language: str, subject: str, name: str
) -> None:
    """Queue the inbox's acknowledgement of a new conversation (its reference
    in the subject), in `language`; the web form's confirmation too."""
    acknowledgement_subject, body = acknowledgement(
        EmailConfig.model_validate(inbox.config),
        language=language,
        reference=references.subject_reference(conversation.pk),
        subject=subject,
        customer_name=name,
        inbox_name=inbox.name,
    )
    send_automatic_message(
        conversation,
        body,
        reason="acknowledgement",
        metadata={"email": {"subject": acknowledgement_subject, "language": language}},
    )


def quarantine(raw: bytes, reason: str) -> IngestResult:
    """Keep a mail we could not store, with why, for `relais importmail`."""
    folder = Path(settings.RELAIS_EMAIL_QUARANTINE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{timezone.now():%Y%m%dT%H%M%S}-{hashlib.sha256(raw).hexdigest()[:16]}"
    (folder / f"{stem}.eml").write_bytes(raw)
    (folder / f"{stem}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    log.error("mail quarantined as %s: %s", stem, reason)
    return IngestResult("quarantined", reason=reason)
