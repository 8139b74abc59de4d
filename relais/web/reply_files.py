"""Files an agent attaches to a reply: how many, how large, and never a
program (a customer's mail client would offer to run it)."""

from __future__ import annotations

import mimetypes
import re
from pathlib import PurePosixPath

import filetype
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from relais.connectors.base import InboundAttachment
from relais.connectors.email.attachment_checks import is_blocked
from relais.connectors.registry import UnknownChannelKind, get_connector
from relais.conversations.models import Conversation

MAX_REPLY_FILES = 5
MIME_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def accepts_files(conversation: Conversation) -> bool:
    """Whether the conversation's channel can send files to the customer."""
    try:
        return get_connector(conversation.channel).supports_attachments
    except UnknownChannelKind:
        return False


def reply_constraints(conversation: Conversation) -> dict:
    """What the channel asks of a reply (Connector.reply_constraints), shown
    above the reply box; nothing for a kind whose connector is gone."""
    try:
        return get_connector(conversation.channel).reply_constraints(conversation)
    except UnknownChannelKind:
        return {}


def reply_attachments(files: list[UploadedFile]) -> list[InboundAttachment]:
    """Read and check the files; raises forms.ValidationError naming the first
    file refused (too many, too large, a program)."""
    if len(files) > MAX_REPLY_FILES:
        raise forms.ValidationError(
            _("At most %(count)d files per reply.") % {"count": MAX_REPLY_FILES}
        )
    limit = settings.RELAIS_EMAIL_MAX_ATTACHMENT_BYTES
    attachments = []
    for upload in files:
        name = PurePosixPath((upload.name or "").replace("\\", "/")).name or "attachment"
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise forms.ValidationError(
                _("%(name)s is larger than %(limit)s.")
                % {"name": name, "limit": filesizeformat(limit)}
            )
        if is_program(name, data):
            raise forms.ValidationError(
                _("%(name)s is a program: such files cannot be sent.") % {"name": name}
            )
        attachments.append(InboundAttachment(name, _content_type(name, data, upload), data))
    return attachments


def is_program(filename: str, data: bytes) -> bool:
    """True for an executable or script, by its name or its bytes (the same
    rule as for the files customers send)."""
    return is_blocked(filename, "", data)


def _content_type(name: str, data: bytes, upload: UploadedFile) -> str:
    """The type the bytes show, else the name's, else what the browser said."""
    detected = filetype.guess(data[:8192])
    if detected is not None:
        return detected.mime
    guessed, _encoding = mimetypes.guess_type(name)
    if guessed:
        return guessed
    announced = (upload.content_type or "").split(";")[0].strip().lower()
    return announced if MIME_TYPE.match(announced) else "application/octet-stream"
