"""Turning the bytes and raw header values of real-world mail into clean text.

Mail lies about its charsets, splits RFC 2047 words in the middle of a
character and carries raw 8-bit or NUL bytes in headers. Everything here is
total: every function returns a str that encodes to UTF-8 and holds no NUL
(PostgreSQL rejects both), and none of them raises for any input.
"""

from __future__ import annotations

import binascii
import codecs
import re

# Labels seen in the wild that Python does not know, or knows under a narrower
# meaning than mail clients use. None means "no usable label": guess instead.
CHARSET_ALIASES: dict[str, str | None] = {
    "iso-8859-8-i": "iso8859-8",
    "iso-8859-6-i": "iso8859-6",
    "iso-8859-8-e": "iso8859-8",
    "iso-8859-6-e": "iso8859-6",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "utf8mb4": "utf-8",
    "cp-850": "cp850",
    "unknown-8bit": None,
    "x-unknown": None,
    "unknown": None,
    "x-user-defined": None,
    "default": None,
    "8bit": None,
    "binary": None,
}
# Declared ASCII is routinely 8-bit in practice; Latin-1 labels mean Windows-1252
# (as in browsers), which only differs in the otherwise unused C1 range.
_GUESS_INSTEAD = {"ascii"}
_AS_CP1252 = {"iso8859-1", "latin-1"}
# Text codecs that are not charsets; decoding mail with them would be nonsense.
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"}
# Charsets that cannot hold 8-bit bytes: when they fail, the label is a lie.
_SEVEN_BIT = {"utf-7", "ascii", "iso2022_jp", "iso2022_kr"}

_REAL_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_FOLD = re.compile(r"\r?\n(?=[ \t])|\r(?=[ \t])")
ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([bBqQ])\?([^?]*)\?=")


def codec_for(label: str | None) -> str | None:
    """The Python codec for a charset label, or None when it is missing,
    unknown, a catch-all label or not a charset at all."""
    name = (label or "").strip().strip("\"'").split("*", 1)[0].lower()
    if not name or len(name) > 40:
        return None
    if name in CHARSET_ALIASES:
        return CHARSET_ALIASES[name]
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):
        return None
    if codec in _GUESS_INSTEAD or codec in _NOT_CHARSETS:
        return None
    return "cp1252" if codec in _AS_CP1252 else codec


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode with the declared charset, else UTF-8, else Windows-1252, with
    replacement characters as a last resort. Never raises; the result is
    clean()ed."""
    codec = codec_for(charset)
    for name in dict.fromkeys(name for name in (codec, "utf-8") if name):
        try:
            return clean(data.decode(name))
        except (UnicodeError, LookupError):
            continue
    if codec and codec not in _SEVEN_BIT and codec not in ("utf-8", "cp1252"):
        try:
            return clean(data.decode(codec, "replace"))
        except (UnicodeError, LookupError):
            pass
    return clean(_damaged_utf8_or_cp1252(data))


def _damaged_utf8_or_cp1252(data: bytes) -> str:
    """UTF-8 with a few bad bytes still shows real multi-byte characters;
    Latin text mislabelled as UTF-8 shows none."""
    text = data.decode("utf-8", "replace")
    if _REAL_NON_ASCII.search(text):
        return text
    return data.decode("cp1252", "replace")


def clean(text: str) -> str:
    """`text` without NUL bytes and with any lone surrogate (from
    surrogateescape'd bytes) turned back into real characters or U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            data = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            data = text.encode("utf-8", "surrogatepass")
        text = data.decode("utf-8", "replace")
    return text.replace("\x00", "")


def raw_header_text(raw: str) -> str:
    """A raw header value as parsed from bytes (8-bit bytes kept as
    surrogates) decoded as UTF-8 (SMTPUTF8), else Windows-1252."""
    try:
        raw.encode("ascii")
        return raw.replace("\x00", "")
    except UnicodeEncodeError:
        pass
    try:
        data = raw.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return clean(raw)
    return decode_bytes(data, None)


def header_text(raw: str | None, max_chars: int = 1000) -> str:
    """A header value for display: 8-bit bytes and RFC 2047 words decoded,
    unfolded, control characters removed, spaces collapsed, at most
    `max_chars` characters."""
    text = _FOLD.sub("", raw_header_text((raw or "")[: max_chars * 8]))
    text = decode_words(text)
    text = _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
    return text[:max_chars]


def decode_words(text: str) -> str:
    """Decode the RFC 2047 encoded words in `text`. Adjacent words are joined
    before decoding (senders split multi-byte characters across them); a word
    that cannot be decoded is kept as it is."""
    out: list[str] = []
    pending: tuple[str, bytearray] | None = None
    position = 0
    for match in ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        charset, encoding, payload = match.groups()
        data = _b_decode(payload) if encoding in "bB" else _q_decode(payload)
        if data is None:
            continue
        if pending is None or between.strip() or pending[0] != charset.lower():
            out.append(_flush(pending))
            if pending is None or between.strip():
                out.append(between)
            pending = (charset.lower(), bytearray())
        pending[1].extend(data)
        position = match.end()
    out.append(_flush(pending))
    out.append(text[position:])
    return "".join(out)


def _flush(pending: tuple[str, bytearray] | None) -> str:
    return decode_bytes(bytes(pending[1]), pending[0]) if pending else ""


def _b_decode(payload: str) -> bytes | None:
    letters = re.sub(r"[^A-Za-z0-9+/]", "", payload)
    letters = letters[: len(letters) - len(letters) % 4 if len(letters) % 4 == 1 else None]
    try:
        return binascii.a2b_base64(letters + "=" * (-len(letters) % 4))
    except (binascii.Error, ValueError):
        return None


def _q_decode(payload: str) -> bytes:
    data = payload.replace("_", " ").encode("utf-8", "replace")
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), data)
