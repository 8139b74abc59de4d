"""Safe access to a parsed MIME message.

The standard library's modern parser (``policy.default``) builds the MIME tree,
but its structured-header parser is slow on pathological values (seconds for a
Content-Type with a thousand parameters, quadratic for huge address lists) and
some accessors raise on malformed input. So: the header block is bounded before
parsing, the policy bounds every header value it parses, and each accessor here
catches failures and falls back to the raw value. Nothing here raises.
"""

from __future__ import annotations

import binascii
import functools
import io
import re
from email.generator import BytesGenerator
from email.headerregistry import HeaderRegistry
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.policy import EmailPolicy

from .decoding import decode_words, header_text, raw_header_text
from .quick_parse import body_offset, quick_parse

MAX_PARSED_HEADER_CHARS = 4096
MAX_PARSED_PARAMETERS = 64  # RFC 2231 splits long file names into many
_CONTENT_TYPE = re.compile(r"^[a-z0-9!#$&^_.+-]{1,64}/[a-z0-9!#$&^_.+-]{1,128}$")
_HEADER_LINE = re.compile(rb"^(From |[\x21-\x39\x3b-\x7e]+:|[ \t])")
_RAW_FILENAME = re.compile(r"""\b(?:file)?name\*?\s*=\s*(?:"([^"]*)"|([^;\s]+))""", re.IGNORECASE)


class BoundedPolicy(EmailPolicy):
    """policy.default, except that structured values are cut to a few KiB and a
    few dozen parameters before the (slow) modern header parser sees them."""

    def header_fetch_parse(self, name, value):  # type: ignore[no-untyped-def]
        if not hasattr(value, "name"):
            value = value[:MAX_PARSED_HEADER_CHARS]
            if name.lower() in ("content-type", "content-disposition"):
                value = ";".join(value.split(";", MAX_PARSED_PARAMETERS)[:MAX_PARSED_PARAMETERS])
        return super().header_fetch_parse(name, value)


# Header objects are immutable; caching them makes repeated accessor calls on
# the same part (content type, charset, boundary, filename) parse once.
POLICY = BoundedPolicy(header_factory=functools.lru_cache(maxsize=512)(HeaderRegistry()))
_GENERATOR_POLICY = POLICY.clone(refold_source="none", max_line_length=None, linesep="\r\n")


def parse_bytes(raw: bytes, problems: list[str]) -> Message:
    """The message tree; on a parser failure (nesting too deep for the
    recursive parser) the headers only, with a problem recorded."""
    try:
        return quick_parse(raw, POLICY) or BytesParser(policy=POLICY).parsebytes(raw)
    except Exception as error:
        problems.append(f"MIME structure could not be parsed ({type(error).__name__})")
    try:
        message = BytesHeaderParser(policy=POLICY).parsebytes(raw)
        message.set_payload("")
        return message
    except Exception:
        return Message(policy=POLICY)


def bound_header_block(raw: bytes, limit: int) -> tuple[bytes, list[str]]:
    """`raw` with its header block cut to at most `limit` bytes: whole fields
    are kept in order while they fit, the others dropped."""
    body_start = body_offset(raw)
    if (body_start if body_start >= 0 else len(raw)) <= limit:
        return raw, []
    fields, body_start = _header_fields(raw)
    kept: list[bytes] = []
    size = 0
    for header_field in fields:
        if size + len(header_field) <= limit:
            kept.append(header_field)
            size += len(header_field)
    dropped = len(fields) - len(kept)
    if not dropped:
        return raw, []
    problem = f"header block over {limit} bytes: {dropped} header field(s) dropped"
    return b"".join(kept) + b"\r\n" + raw[body_start:], [problem]


def _header_fields(raw: bytes) -> tuple[list[bytes], int]:
    """The header fields (with their continuation lines) and the offset where
    the body starts: after the blank line, or at the first non-header line."""
    fields: list[bytes] = []
    position = field_start = 0
    while position < len(raw):
        line_end = raw.find(b"\n", position)
        line_end = len(raw) if line_end < 0 else line_end + 1
        line = raw[position : min(line_end, position + 80)]
        blank = line.strip(b"\r\n") == b""
        if blank or not _HEADER_LINE.match(line):
            if position > field_start:
                fields.append(raw[field_start:position])
            return fields, line_end if blank else position
        if line[:1] not in (b" ", b"\t") and position > field_start:
            fields.append(raw[field_start:position])
            field_start = position
        position = line_end
    if position > field_start:
        fields.append(raw[field_start:position])
    return fields, position


def raw_header(part: Message, name: str) -> str | None:
    """The first raw value of header `name` (8-bit bytes as surrogates)."""
    wanted = name.lower()
    for key, value in part.raw_items():
        if key.lower() == wanted:
            return str(value)
    return None


def raw_headers(part: Message, name: str) -> list[str]:
    wanted = name.lower()
    return [str(value) for key, value in part.raw_items() if key.lower() == wanted]


def content_type(part: Message) -> str:
    """The lower-cased "type/subtype": text/plain when missing, application/octet-stream
    when unreadable."""
    try:
        value = part.get_content_type()
    except Exception:
        return "application/octet-stream"
    return value if _CONTENT_TYPE.match(value) else "application/octet-stream"


def content_param(part: Message, name: str) -> str:
    try:
        value = part.get_param(name)
    except Exception:
        return ""
    if isinstance(value, tuple):  # RFC 2231: (charset, language, value)
        value = value[2]
    return header_text(str(value), 200) if value else ""


def charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:
        return content_param(part, "charset") or None


def disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        raw = raw_header(part, "Content-Disposition") or ""
        return raw.split(";", 1)[0].strip().lower()


def filename(part: Message) -> str:
    """The declared file name (Content-Disposition filename, else Content-Type
    name), decoded; "" when none."""
    try:
        name = part.get_filename() or part.get_param("name") or ""
    except Exception:
        name = ""
    if isinstance(name, tuple):
        name = name[2]
    name = str(name)
    if "\ufffd" in name or not name:
        name = _raw_filename(part) or name
    return header_text(decode_words(name), 1000)


def _raw_filename(part: Message) -> str:
    for header in ("Content-Disposition", "Content-Type"):
        found = _RAW_FILENAME.search(raw_header_text(raw_header(part, header) or "")[:8192])
        if found:
            return found.group(1) or found.group(2) or ""
    return ""


def content_id(part: Message) -> str:
    """The Content-ID without its angle brackets, "" when none."""
    return header_text(raw_header(part, "Content-ID"), 500).strip().strip("<>").strip()


def defects(part: Message) -> list[str]:
    try:
        return [type(defect).__name__ for defect in part.defects]
    except Exception:
        return []


def payload_bytes(part: Message) -> tuple[bytes, bool]:
    """The decoded content of a leaf part and whether its transfer encoding
    was damaged (broken base64 is repaired as far as it goes)."""
    try:
        payload = part.get_payload()
    except Exception:
        return b"", True
    if isinstance(payload, list):
        return b"", False
    encoding = (raw_header(part, "Content-Transfer-Encoding") or "").strip().lower()
    if encoding == "base64":
        return _tolerant_base64(str(payload))
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data, False
    return str(payload).encode("utf-8", "surrogateescape"), True


def _tolerant_base64(text: str) -> tuple[bytes, bool]:
    compact = "".join(text.split())
    try:  # the common case, well-formed: decoded in C at once
        return binascii.a2b_base64(compact, strict_mode=True), False
    except (binascii.Error, ValueError):
        pass
    letters = re.sub(r"[^A-Za-z0-9+/=]", "", text)
    damaged = len(letters) != len(re.sub(r"\s", "", text))
    chunks: list[bytes] = []
    for chunk in re.split(r"=+", letters):  # senders concatenate padded blocks
        if len(chunk) % 4 == 1:
            chunk, damaged = chunk[:-1], True
        try:
            chunks.append(binascii.a2b_base64(chunk + "=" * (-len(chunk) % 4)))
        except (binascii.Error, ValueError):
            damaged = True
    return b"".join(chunks), damaged


def message_bytes(part: Message) -> bytes:
    """The bytes of an attached message (message/rfc822), as near to the
    original as the parsed tree allows."""
    try:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if inner is None:
            return payload_bytes(part)[0]
        buffer = io.BytesIO()
        BytesGenerator(buffer, mangle_from_=False, policy=_GENERATOR_POLICY).flatten(inner)
        return buffer.getvalue()
    except Exception:
        return b""
