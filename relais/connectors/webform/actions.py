"""A contact form submission into the pipeline: a new e-mail conversation,
then a confirmation e-mail carrying its reference."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass

from django.db import transaction

from relais.connectors.base import IdentityRef, InboundAttachment, InboundMessage
from relais.connectors.email.ingest import send_acknowledgement
from relais.connectors.models import Inbox
from relais.contacts.models import Contact
from relais.conversations.actions import receive_message
from relais.conversations.models import Conversation

log = logging.getLogger(__name__)

SOURCE = "web_form"


@dataclass(frozen=True)
class ContactSubmission:
    """What the customer filled in, already checked (see forms.ContactForm).
    `phone` is E.164 or ""; `language` is the page's ("fr" or "en")."""

    name: str
    email: str
    subject: str
    message: str
    phone: str = ""
    reason: str = ""
    language: str = ""


def submit_contact_form(
    inbox: Inbox,
    submission: ContactSubmission,
    files: list[InboundAttachment],
    *,
    form_token: str = "",
) -> Conversation:
    """Open a new conversation on the e-mail inbox `inbox` with the customer's
    message and files, and queue the confirmation e-mail (reference "[#id]",
    in the submission's language), in one transaction.

    Idempotent on `form_token` (the form's signed token): the same page sent
    twice (a double click) returns the first conversation and confirms once.
    The e-mail address is an unverified identity, as a mail's From is; the
    phone is never used to match a contact (anyone can type anyone's number),
    it is kept in the message metadata and fills a contact's empty phone.
    Raises conversations.errors.InvalidInput for an empty or oversized message.
    """
    subject = f"{submission.reason} — {submission.subject}" if submission.reason else ""
    subject = subject or submission.subject
    inbound = InboundMessage(
        inbox_id=inbox.pk,
        body=submission.message,
        identities=[IdentityRef("email", submission.email)],
        provider_message_id=_provider_message_id(form_token),
        contact_name=submission.name,
        contact_email=submission.email,
        subject=subject,
        metadata=_metadata(submission, subject),
        attachments=files,
        new_thread=True,
    )
    with transaction.atomic():
        result = receive_message(inbound)
        if not result.created:
            return result.conversation
        if submission.phone:
            Contact.objects.filter(pk=result.conversation.contact_id, phone="").update(
                phone=submission.phone
            )
        send_acknowledgement(
            inbox,
            result.conversation,
            language=submission.language,
            subject=subject,
            name=submission.name,
        )
    log.info(
        "web form: conversation %s opened on inbox %s",
        result.conversation.pk,
        inbox.pk,
        extra={"conversation_id": result.conversation.pk, "message_id": result.message.pk},
    )
    return result.conversation


def _provider_message_id(form_token: str) -> str:
    """Derived from the form's token when there is one, so that a repeat is
    stored once; a Message-ID-like value no mail will ever carry."""
    if form_token:
        unique = hashlib.sha256(form_token.encode()).hexdigest()[:32]
    else:
        unique = uuid.uuid4().hex
    return f"<form-{unique}@relais.invalid>"


def _metadata(submission: ContactSubmission, subject: str) -> dict:
    # metadata["email"] has the shape of a received mail's, so that answers
    # (connectors.email.sending) find the customer's address in "from".
    return {
        "source": SOURCE,
        "reason": submission.reason,
        "phone": submission.phone,
        "language": submission.language,
        "email": {
            "from": [{"name": submission.name, "address": submission.email}],
            "reply_to": [],
            "cc": [],
            "to": [],
            "subject": subject,
            "message_id": "",
            "in_reply_to": [],
            "references": [],
        },
    }
