"""Walking a parsed mail: which parts are its body and which are attachments.

The walk is iterative and bounded (parts and depth), so hostile nesting costs
nothing. Body parts are inline text/plain and text/html without a file name;
inside a multipart/alternative only the first of each counts. Attached
messages (forwards) are leaves: they are not walked for the body. A multipart
that lost its boundary is re-parsed with the boundary its body shows, else
read as plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message

from . import mime
from .decoding import decode_bytes
from .text_body import normalise_newlines, unflow

REPORT_DATA = {
    "message/delivery-status",
    "message/global-delivery-status",
    "message/disposition-notification",
    "message/global-disposition-notification",
    "message/feedback-report",
    "text/rfc822-headers",
    "message/global-headers",
}
MAX_PROBLEMS = 50
_BOUNDARY_LINE = re.compile(rb"^--([0-9A-Za-z'()+_,\-./:=?]{1,70}?)(?:--)?[ \t]*\r?$", re.M)


@dataclass
class MailParts:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    leaves: list[Message] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_PROBLEMS and text not in self.problems:
            self.problems.append(text)


def collect_parts(message: Message, *, max_parts: int, max_depth: int) -> MailParts:
    """The body texts (decoded) and attachment parts of `message`, in order."""
    found = MailParts()
    alternatives_done: dict[int, set[str]] = {}
    stack: list[tuple[Message, int, int | None]] = [(message, 0, None)]
    seen = 0
    while stack:
        part, depth, alternative = stack.pop()
        seen += 1
        if seen > max_parts:
            found.problem(f"more than {max_parts} MIME parts: the rest was ignored")
            break
        if depth > max_depth:
            found.problem(f"MIME nesting deeper than {max_depth}: a part was ignored")
            continue
        for defect in mime.defects(part):
            found.problem(f"part {seen}: {defect}")
        children = _children(part, found)
        if children is not None:
            inner = seen if mime.content_type(part) == "multipart/alternative" else alternative
            stack.extend((child, depth + 1, inner) for child in reversed(children))
            continue
        _take_leaf(part, alternative, alternatives_done, found)
    return found


def _children(part: Message, found: MailParts) -> list[Message] | None:
    """The sub-parts to walk, or None for a leaf."""
    kind = mime.content_type(part)
    if kind.startswith("message/"):
        return None
    if part.is_multipart():
        payload = part.get_payload()
        return [child for child in payload if isinstance(child, Message)]
    if kind.startswith("multipart/"):
        reparsed = _reparse_with_guessed_boundary(part, kind)
        if reparsed is not None:
            found.problem(f"{kind} without a usable boundary: guessed it from the body")
            return [reparsed]
        found.problem(f"{kind} without a usable boundary: read as text")
    return None


def _take_leaf(
    part: Message, alternative: int | None, done: dict[int, set[str]], found: MailParts
) -> None:
    kind = mime.content_type(part)
    if kind in REPORT_DATA:
        return  # read by the bounce detection, not content
    if kind.startswith("multipart/"):
        kind = "text/plain"
    if kind not in ("text/plain", "text/html") or not _is_inline_text(part):
        found.leaves.append(part)
        return
    if alternative is not None:
        if kind in done.setdefault(alternative, set()):
            return
        done[alternative].add(kind)
    text = _decoded_text(part, found)
    (found.plain if kind == "text/plain" else found.html).append(text)


def _is_inline_text(part: Message) -> bool:
    return mime.disposition(part) != "attachment" and not mime.filename(part)


def _decoded_text(part: Message, found: MailParts) -> str:
    data, damaged = mime.payload_bytes(part)
    if damaged:
        found.problem("a body part had a damaged transfer encoding")
    text = normalise_newlines(decode_bytes(data, mime.charset(part)))
    if mime.content_param(part, "format").lower() == "flowed":
        text = unflow(text, delsp=mime.content_param(part, "delsp").lower() == "yes")
    return text


def _reparse_with_guessed_boundary(part: Message, kind: str) -> Message | None:
    body, _ = mime.payload_bytes(part)
    guess = _BOUNDARY_LINE.search(body)
    if guess is None or body.count(b"--" + guess.group(1)) < 2:
        return None
    head = b'Content-Type: %s; boundary="%s"\r\n\r\n' % (kind.encode(), guess.group(1))
    reparsed = mime.parse_bytes(head + body, [])
    return reparsed if reparsed.is_multipart() else None
