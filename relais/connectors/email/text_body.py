"""The plain text of a mail: format=flowed undone, quoted history folded away
from the new text, and a length cap.

Folding is conservative: it only cuts where what follows is clearly history
(an attribution line followed only by quoted lines, an "Original Message"
separator, an Outlook "From/Sent/Subject" header block, or a trailing block of
"> " lines), never when nothing new would remain, and never past a forwarded
message, whose content is the point of the mail. Signatures stay in the text.
"""

from __future__ import annotations

import re

TRUNCATION_MARKER = "\n\n[…]"
_ATTRIBUTION = re.compile(
    r"^.{0,400}\b(wrote|a écrit|schrieb|escribió|ha scritto|schreef|skrev|napisał)\s*:?\s*$",
    re.IGNORECASE,
)
# How attributions that clients wrap over several lines begin.
_STARTER = re.compile(r"^\s*(on|le|am|el|il|op|den|em|w dniu)\b", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|message d'origine|mail original|message original|"
    r"ursprüngliche nachricht|mensaje original|messaggio originale|oorspronkelijk bericht)"
    r"\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|message transféré|mail transféré|weitergeleitete nachricht|"
    r"mensaje reenviado|messaggio inoltrato)\s*-{2,}|begin forwarded message:|"
    r"début du message réexpédié\s*:)\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\W{0,2}(from|de|von|da|van|från)\W{0,2}\s*:", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\W{0,2}(sent|envoyé|date|gesendet|datum|enviado|inviato|verzonden)\W{0,2}\s*:", re.IGNORECASE
)
_HEADER_SUBJECT = re.compile(
    r"^\W{0,2}(subject|objet|betreff|asunto|oggetto|onderwerp)\W{0,2}\s*:", re.IGNORECASE
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
# Every cut starts at a line that begins (maybe after blanks) with ">", dashes,
# a "From:"-like header or a forward marker. One scan for such a line start
# (in C, jumping from newline to newline) tells whether the line-by-line search
# is worth it: most mails hold no history. A superset of the rules above.
_MAY_HOLD_HISTORY = re.compile(
    r"\n[^\S\n]*(?:>|-{2,}|begin forwarded|début du message"
    r"|\W{0,2}(?:from|de|von|da|van|från)\W{0,2}\s*:)",
    re.IGNORECASE,
)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def unflow(text: str, delsp: bool) -> str:
    """Undo RFC 3676 format=flowed: soft line breaks (a trailing space) are
    joined, space-stuffing removed, quote depth kept as "> " prefixes."""
    out: list[str] = []
    paragraph: str | None = None
    paragraph_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        content = content[1:] if content.startswith(" ") else content
        if paragraph is not None and (depth != paragraph_depth or content == "-- "):
            out.append(_quoted(paragraph_depth, paragraph))
            paragraph = None
        soft = content.endswith(" ") and content != "-- "
        paragraph = (paragraph or "") + (content[:-1] if soft and delsp else content)
        paragraph_depth = depth
        if not soft:
            out.append(_quoted(depth, paragraph))
            paragraph = None
    if paragraph is not None:
        out.append(_quoted(paragraph_depth, paragraph))
    return "\n".join(out)


def _quoted(depth: int, text: str) -> str:
    return (">" * depth + (" " + text if text else "")) if depth else text


def fold_quoted(text: str) -> tuple[str, str]:
    """(new text, quoted history); the history is "" when none is found or
    when folding would leave no new text."""
    lines = text.split("\n")
    cut = _history_start(lines) if _MAY_HOLD_HISTORY.search("\n" + text) else None
    if cut is None:
        return text.strip("\n"), ""
    new = "\n".join(lines[:cut]).rstrip()
    if not new.strip():
        return text.strip("\n"), ""
    return new.strip("\n"), "\n".join(lines[cut:]).strip("\n")


def _history_start(lines: list[str]) -> int | None:
    quoted_to_end = _quoted_to_end(lines)
    for index, line in enumerate(lines):
        if _FORWARD.match(line):
            return None
        if _SEPARATOR.match(line):
            return _include_underscores(lines, index)
        if _HEADER_FROM.match(line) and _is_header_block(lines[index + 1 : index + 8]):
            return _include_underscores(lines, index)
        if _is_attribution(lines, index, quoted_to_end):
            return index
        if line.startswith(">") and quoted_to_end[index]:
            return index
    return None


def _quoted_to_end(lines: list[str]) -> list[bool]:
    """For each index: do only quoted (or blank) lines, at least one quoted,
    follow from there to the end?"""
    result = [False] * (len(lines) + 1)
    seen_quote = False
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].lstrip()
        if line:
            if not line.startswith(">"):
                break  # new text here: no earlier line is followed by quotes only
            seen_quote = True
        result[index] = seen_quote
    return result


def _is_header_block(following: list[str]) -> bool:
    return any(_HEADER_SENT.match(line) for line in following) and any(
        _HEADER_SUBJECT.match(line) for line in following
    )


def _include_underscores(lines: list[str], index: int) -> int:
    """Outlook draws a line of underscores above the quoted header block."""
    before = index - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    return before if before >= 0 and _UNDERSCORES.match(lines[before]) else index


def _is_attribution(lines: list[str], index: int, quoted_to_end: list[bool]) -> bool:
    """An "On … wrote:" line (clients wrap it over up to three lines) that only
    quoted lines follow."""
    line = lines[index]
    if line.startswith(">") or not line.strip() or len(line) > 500:
        return False
    ends = [quoted_to_end[min(index + extra + 1, len(lines))] for extra in range(3)]
    if not any(ends):  # the cheap test first: most lines are followed by new text
        return False
    for extra in range(3):
        wrapped = lines[index + 1 : index + extra + 1]
        if extra and (len(wrapped) < extra or not wrapped[-1].strip() or not _STARTER.match(line)):
            return False
        joined = " ".join(part.strip() for part in [line, *wrapped])
        if len(joined) > 500:
            return False
        if _ATTRIBUTION.match(joined):
            return ends[extra]
    return False


def truncate(text: str, max_chars: int) -> tuple[str, bool]:
    """`text` cut to `max_chars` with a visible marker, and whether it was cut."""
    if len(text) <= max_chars:
        return text, False
    return text[:max_chars].rstrip() + TRUNCATION_MARKER, True
