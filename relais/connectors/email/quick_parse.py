"""The message tree of everyday mail, built without the feed parser's walk.

The standard library's feed parser reads every line of a mail through
several Python calls, base64 attachments included (a 300 KB file is 4,000
lines), only to join the lines again. The mail that arrives every day is
regular: a text part, or a multipart whose parts are separated by boundary
lines. Such a mail is cut here with `bytes.find` and regular expressions (in
C), each header block parsed by the standard parser, and the same tree built
as the feed parser builds: the same parts, headers, payloads, preamble and
epilogue. Anything irregular (a header block without its blank line, a
missing or doubled boundary, a message/* part, a bare CR line end, a defect)
returns None, and the caller uses the feed parser.
"""

from __future__ import annotations

import re
from email.message import Message
from email.parser import BytesParser
from email.policy import Policy

MAX_DEPTH = 4  # deeper nesting is rare: the feed parser takes it


def quick_parse(raw: bytes, policy: Policy, depth: int = 0) -> Message | None:
    """The parsed message, or None when the feed parser must be used."""
    body_start = body_offset(raw)
    if body_start < 0:
        return None
    message = BytesParser(policy=policy).parsebytes(raw[:body_start], headersonly=True)
    if message.get_payload() or message.defects:
        return None
    maintype = message.get_content_maintype()
    if maintype == "message":
        return None
    if maintype != "multipart":
        message.set_payload(raw[body_start:].decode("ascii", "surrogateescape"))
        return message
    if depth >= MAX_DEPTH or message.get_content_subtype() == "digest":
        return None
    if str(message.get("content-transfer-encoding", "8bit")).lower() not in (
        "7bit",
        "8bit",
        "binary",
    ):
        return None  # the feed parser records a defect
    boundary = message.get_boundary()
    if not boundary:
        return None
    return _split_parts(message, raw[body_start:], boundary, policy, depth)


def body_offset(raw: bytes) -> int:
    """Where the body starts (after the first blank line), or -1 when none.
    The CRLF separator is looked for first: a bare-LF one is then only
    searched before it, so a large mail is not scanned twice to the end."""
    if raw.startswith(b"\r\n"):
        return 2
    if raw.startswith(b"\n"):
        return 1
    crlf = raw.find(b"\r\n\r\n")
    bare = raw.find(b"\n\n", 0, crlf + 2 if crlf >= 0 else len(raw))
    if bare >= 0:
        return bare + 2
    return crlf + 4 if crlf >= 0 else -1


def _split_parts(
    message: Message, body: bytes, boundary: str, policy: Policy, depth: int
) -> Message | None:
    if body.count(b"\r") != body.count(b"\r\n"):
        return None  # a bare CR ends a line for the feed parser, not here
    separator = re.escape(boundary.encode("ascii", "surrogateescape"))
    delimiter = re.compile(rb"^--" + separator + rb"(--)?[ \t]*(\r?\n|\Z)", re.MULTILINE)
    found = list(delimiter.finditer(body))
    close = next((index for index, match in enumerate(found) if match.group(1)), None)
    if close is None or close < 1:
        return None  # no close delimiter, or no part before it
    found = found[: close + 1]
    message.set_payload(None)  # the header parse left "", parts are attached below
    first = found[0].start()
    if first:
        message.preamble = _strip_eol(body[:first].decode("ascii", "surrogateescape"))
    for opening, following in zip(found, found[1:], strict=False):
        text = body[opening.end() : following.start()]
        if not text:
            return None  # doubled delimiters: the feed parser skips them
        part = quick_parse(text, policy, depth + 1)
        if part is None:
            return None
        if part.is_multipart():
            epilogue = part.epilogue
            part.epilogue = None if epilogue == "" else _strip_eol(epilogue)
        else:
            # The raw payload, as the feed parser trims it: get_payload() would
            # decode undecodable bytes with the part's charset on the way.
            part._payload = _strip_eol(part._payload)
        message.attach(part)
    message.epilogue = body[found[-1].end() :].decode("ascii", "surrogateescape")
    return message


def _strip_eol(text: str | None) -> str | None:
    """`text` without its last line end (the one before a boundary belongs to
    the boundary). Not a regular expression anchored at the end: that one
    scans the whole text."""
    if not text:
        return text
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith(("\n", "\r")) else text
