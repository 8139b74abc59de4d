"""quick_parse builds the same message tree as the standard library's feed
parser, or declines and leaves the mail to it."""

from __future__ import annotations

from email.parser import BytesParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relais.connectors.email.mime import POLICY, parse_bytes
from relais.connectors.email.quick_parse import quick_parse

CORPUS = Path(__file__).parent / "corpus"


def _tree(message) -> list:
    """Everything the feed parser decides, part by part: raw headers, leaf
    payloads, preamble, epilogue, defects and default type."""
    return [
        (
            list(part.raw_items()),
            None if part.is_multipart() else part._payload,  # raw: no charset decoding
            part.preamble,
            part.epilogue,
            [type(defect) for defect in part.defects],
            part.get_default_type(),
        )
        for part in message.walk()
    ]


def _full(raw: bytes):
    return BytesParser(policy=POLICY).parsebytes(raw)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda path: path.name)
def test_corpus_mail_parses_the_same_with_the_shortcut(path: Path):
    raw = path.read_bytes()
    assert _tree(parse_bytes(raw, [])) == _tree(_full(raw))


def test_most_of_the_corpus_takes_the_shortcut():
    taken = [path.name for path in CORPUS.glob("*.eml") if quick_parse(path.read_bytes(), POLICY)]
    assert len(taken) >= 20, taken


MULTIPART = (
    b'Content-Type: multipart/mixed; boundary="=_b1"\r\n\r\n'
    b"preamble\r\n"
    b"--=_b1\r\n"
    b"Content-Type: text/plain\r\n\r\nBonjour\r\n\r\n"
    b"--=_b1\r\n"
    b'Content-Type: multipart/alternative; boundary="b2"\r\n\r\n'
    b"--b2\r\nContent-Type: text/plain\r\n\r\nA\r\n--b2\r\n"
    b"Content-Type: text/html\r\n\r\n<p>A</p>\r\n--b2--\r\n\r\n"
    b"--=_b1\r\n"
    b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    b"JVBERi0xLjQK\r\nAAAA\r\n"
    b"--=_b1--  \r\nepilogue\r\n"
)


def test_a_nested_multipart_is_cut_like_the_feed_parser_does():
    quick = quick_parse(MULTIPART, POLICY)
    assert quick is not None
    assert _tree(quick) == _tree(_full(MULTIPART))
    assert [part.get_content_type() for part in quick.walk()] == [
        "multipart/mixed",
        "text/plain",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]


@pytest.mark.parametrize(
    "raw",
    [
        MULTIPART.replace(b"--=_b1--  \r\n", b""),  # no close delimiter
        MULTIPART.replace(b"--=_b1\r\nContent-Type: text/plain", b"--=_b1\r\n--=_b1\r\nX: y"),
        MULTIPART.replace(b"Bonjour\r\n", b"Bon\rjour\r\n"),  # a bare CR
        b'Content-Type: multipart/digest; boundary="d"\r\n\r\n--d\r\n\r\nx\r\n--d--\r\n',
        b"Content-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\ny",
        b"Subject: x\r\nnot a header\r\n\r\nbody",
        b"Subject: no body at all",
        b'Content-Type: multipart/mixed; boundary="b"\r\nContent-Transfer-Encoding: base64\r\n'
        b"\r\n--b\r\n\r\nx\r\n--b--\r\n",
    ],
)
def test_irregular_mail_is_left_to_the_feed_parser(raw):
    assert quick_parse(raw, POLICY) is None
    assert _tree(parse_bytes(raw, [])) == _tree(_full(raw))


def test_a_plain_mail_takes_the_shortcut():
    assert quick_parse(b"Subject: hi\r\n\r\nBonjour\r\n", POLICY).get_payload() == "Bonjour\r\n"


_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20)
_line_end = st.sampled_from([b"\r\n", b"\n"])


@st.composite
def mails(draw, depth: int = 0) -> bytes:
    """Mail of random shape: headers, text or multipart (nested), odd spacing."""
    newline = draw(_line_end)
    headers = [
        f"{name}: {value}".encode()
        for name, value in draw(
            st.lists(st.tuples(st.sampled_from(["Subject", "From", "X-Note"]), _text), max_size=3)
        )
    ]
    if depth < 2 and draw(st.booleans()):
        boundary = draw(st.sampled_from(["b", "=_x", "a b"]))
        headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"'.encode())
        parts = draw(st.lists(mails(depth=depth + 1), min_size=0, max_size=3))
        body = draw(st.binary(max_size=20)).replace(b"-", b"")  # preamble
        for part in parts:
            body += newline + b"--" + boundary.encode() + newline + part
        body += newline + b"--" + boundary.encode() + draw(st.sampled_from([b"--", b""]))
        body += draw(st.sampled_from([b"", b"  ", newline])) + draw(st.binary(max_size=20))
    else:
        body = draw(st.binary(max_size=200))
    return newline.join(headers) + newline + newline + body


@given(mails())
def test_any_mail_parses_the_same_as_the_full_parser(raw):
    assert _tree(parse_bytes(raw, [])) == _tree(_full(raw))
