"""The files a customer attaches to the contact form: how many, how large, and
which are refused. The checks are the e-mail parser's (email.attachment_checks):
the type is read from the content, never taken from the browser, and programs
are refused by their bytes or their name. What the bytes cannot tell is stored
as text for a few plain-text extensions, else as a generic download.
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from relais.connectors.base import InboundAttachment
from relais.connectors.email.attachment_checks import detected_type, is_blocked, safe_filename

MAX_FILES = 5
MAX_TOTAL_BYTES = 25 * 1024 * 1024
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv", ".log": "text/plain"}
GENERIC_TYPE = "application/octet-stream"


class RefusedUpload(ValueError):
    """A file the form does not accept; the message is shown to the customer."""


def checked_attachments(files: list[UploadedFile]) -> list[InboundAttachment]:
    """The uploaded files as attachments, after the count, size (each at most
    RELAIS_EMAIL_MAX_ATTACHMENT_BYTES, MAX_TOTAL_BYTES together) and type
    checks; raises RefusedUpload naming the first file refused. Reads a
    file's content only once its size is known to be acceptable."""
    if len(files) > MAX_FILES:
        raise RefusedUpload(_("Attach at most %(count)d files.") % {"count": MAX_FILES})
    max_file_bytes = settings.RELAIS_EMAIL_MAX_ATTACHMENT_BYTES
    for upload in files:
        if upload.size > max_file_bytes:
            raise RefusedUpload(
                _("%(name)s is too large (at most %(size)s).")
                % {"name": upload.name, "size": _megabytes(max_file_bytes)}
            )
    if sum(upload.size for upload in files) > MAX_TOTAL_BYTES:
        raise RefusedUpload(
            _("The files are too large together (at most %(size)s).")
            % {"size": _megabytes(MAX_TOTAL_BYTES)}
        )
    return [_attachment(upload) for upload in files]


def _attachment(upload: UploadedFile) -> InboundAttachment:
    upload.seek(0)
    data = upload.read()
    name = upload.name or ""
    content_type = content_type_of(name, data)
    return InboundAttachment(safe_filename(name, content_type), content_type, data, "file")


def content_type_of(filename: str, data: bytes) -> str:
    """The MIME type to store for a file named `filename` holding `data`;
    raises RefusedUpload for a program or a script."""
    fallback = TEXT_TYPES.get(PurePath(filename).suffix.lower(), GENERIC_TYPE)
    content_type = detected_type(data, fallback)
    if is_blocked(filename, content_type, data):
        raise RefusedUpload(
            _("%(name)s cannot be sent: programs and scripts are not accepted.")
            % {"name": PurePath(filename).name}
        )
    return content_type


def _megabytes(size: int) -> str:
    return _("%(count)s MB") % {"count": f"{size / (1024 * 1024):g}"}
