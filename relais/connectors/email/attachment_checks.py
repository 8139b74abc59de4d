"""What an attachment really is, what it may be called, and whether it is let in.

The declared content type is a claim by the sender: the bytes decide (with the
`filetype` magic-number library). Executables are refused whatever they claim
to be, as are files whose name would make a Windows desktop run them. Sizes are
capped per file and per mail. File names are made safe to store and serve.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

import filetype

from .decoding import clean

TOO_LARGE = "too_large"
TOTAL_TOO_LARGE = "total_too_large"
BLOCKED_TYPE = "blocked_type"

# Names Windows, macOS, Android and mail clients treat as programs or scripts.
BLOCKED_EXTENSIONS = {
    ".exe", ".bat", ".cmd", ".com", ".scr", ".js", ".jse", ".vbs", ".vbe", ".jar", ".msi",
    ".ps1", ".dll", ".lnk", ".hta", ".pif", ".cpl", ".wsf", ".wsh", ".msc", ".scf", ".reg",
    ".app", ".appx", ".gadget", ".inf", ".ins", ".isp", ".msix", ".msp", ".ps2", ".psc1",
    ".sct", ".sh", ".shb", ".sys", ".vb", ".ws", ".wsc", ".xll", ".apk", ".dmg", ".pkg",
    ".run", ".command",
}  # fmt: skip
# What filetype recognises as a program, whatever the file is called.
BLOCKED_DETECTED = {"exe", "elf", "swf", "crx", "wasm", "dex", "dey"}
BLOCKED_CONTENT_TYPES = {
    "application/x-msdownload",
    "application/x-msdos-program",
    "application/x-dosexec",
    "application/x-executable",
    "application/x-mach-binary",
    "application/x-ms-shortcut",
    "application/x-msi",
    "application/hta",
    "application/java-archive",
    "application/x-java-archive",
}
# Declared types the bytes cannot confirm or deny; the detected type wins.
GENERIC_TYPES = {
    "application/octet-stream",
    "application/x-download",
    "application/force-download",
    "application/unknown",
    "binary/octet-stream",
}
# Detected types that are containers for more specific declared types
# (docx, odt, epub and the like are zip files).
CONTAINER_TYPES = {"application/zip"}
EXTENSIONS = {
    "application/octet-stream": ".bin",
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/csv": ".csv",
    "text/calendar": ".ics",
    "application/ics": ".ics",
    "message/rfc822": ".eml",
    "message/global": ".eml",
    "text/rfc822-headers": ".txt",
    "application/ms-tnef": ".dat",
    "application/vnd.ms-tnef": ".dat",
    "application/zip": ".zip",
}
MAX_FILENAME_CHARS = 200
_MACH_O = {b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"}
_UNSAFE_CHARS = re.compile(r'[<>:"|?*]')


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    kind: str  # "file" | "inline" (shown by the HTML body through its cid:)
    content_id: str  # "" or without <>


@dataclass(frozen=True)
class RefusedAttachment:
    filename: str
    content_type: str
    size: int
    reason: str  # TOO_LARGE | TOTAL_TOO_LARGE | BLOCKED_TYPE


def safe_filename(name: str, content_type: str) -> str:
    """A file name without directories, control or format characters (such as
    right-to-left overrides) or characters Windows refuses, at most 200
    characters with its extension kept; "attachment.<ext>" when none is left."""
    name = re.sub(r"\s+", " ", clean(name).replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = _UNSAFE_CHARS.sub("_", name).strip(" .")
    if not name:
        return "attachment" + extension_for(content_type)
    if len(name) > MAX_FILENAME_CHARS:
        stem, extension = os.path.splitext(name)
        extension = extension[:20]
        name = stem[: MAX_FILENAME_CHARS - len(extension)] + extension
    return name


def extension_for(content_type: str) -> str:
    if content_type in EXTENSIONS:
        return EXTENSIONS[content_type]
    kind = filetype.get_type(mime=content_type)
    if kind is not None:
        return "." + kind.extension
    return ".txt" if content_type.startswith("text/") else ".bin"


def detected_type(data: bytes, declared: str) -> str:
    """The content type to trust: what the bytes are, unless they cannot tell
    or they are a container the declared type is a kind of."""
    try:
        kind = filetype.guess(data[:8192]) if data else None
    except Exception:
        kind = None
    if kind is None or kind.mime == declared:
        return declared
    if kind.mime in CONTAINER_TYPES and declared not in GENERIC_TYPES:
        return declared
    return kind.mime


def is_executable(data: bytes) -> bool:
    """Windows PE, ELF, Mach-O (thin or fat) or Java class bytes."""
    if data[:4] == b"\x7fELF" or data[:4] in _MACH_O or data[:4] == b"\xca\xfe\xba\xbe":
        return True
    if data[:2] == b"MZ" and len(data) >= 64:
        offset = int.from_bytes(data[60:64], "little")
        return data[offset : offset + 4] == b"PE\x00\x00"
    return False


def is_blocked(filename: str, content_type: str, data: bytes) -> bool:
    """A program or script, by its name (trailing dots and spaces, which
    Windows drops, ignored), its type or its bytes."""
    extension = os.path.splitext(filename.lower().rstrip(". "))[1]
    return (
        extension in BLOCKED_EXTENSIONS
        or content_type in BLOCKED_CONTENT_TYPES
        or is_executable(data)
        or _detected_extension(data) in BLOCKED_DETECTED
    )


def _detected_extension(data: bytes) -> str:
    try:
        kind = filetype.guess(data[:8192]) if data else None
    except Exception:
        return ""
    return kind.extension if kind else ""


class AttachmentGate:
    """Admits the attachments of one mail in order, within the per-file and
    per-mail byte limits; refusals are returned, never raised."""

    def __init__(self, max_file_bytes: int, max_total_bytes: int) -> None:
        self.max_file_bytes = max_file_bytes
        self.max_total_bytes = max_total_bytes
        self.total = 0

    def admit(
        self, *, filename: str, declared_type: str, data: bytes, kind: str, content_id: str
    ) -> ParsedAttachment | RefusedAttachment:
        content_type = detected_type(data, declared_type)
        filename = safe_filename(filename, content_type)
        size = len(data)
        reason = ""
        if is_blocked(filename, content_type, data) or declared_type in BLOCKED_CONTENT_TYPES:
            reason = BLOCKED_TYPE
        elif size > self.max_file_bytes:
            reason = TOO_LARGE
        elif self.total + size > self.max_total_bytes:
            reason = TOTAL_TOO_LARGE
        if reason:
            return RefusedAttachment(filename, content_type, size, reason)
        self.total += size
        return ParsedAttachment(filename, content_type, data, kind, content_id)
