"""The single-part shortcut of mime.parse_bytes builds the same message as the
standard library's full parse."""

from __future__ import annotations

from email.parser import BytesParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relais.connectors.email.mime import POLICY, _parse_single_part, parse_bytes

CORPUS = Path(__file__).parent / "corpus"


def _tree(message) -> list:
    """Headers and leaf payloads of every part, in order."""
    return [
        (list(part.raw_items()), None if part.is_multipart() else part.get_payload())
        for part in message.walk()
    ]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda path: path.name)
def test_corpus_mail_parses_the_same_with_the_shortcut(path: Path):
    raw = path.read_bytes()
    full = BytesParser(policy=POLICY).parsebytes(raw)
    quick = parse_bytes(raw, [])
    assert _tree(quick) == _tree(full)


def test_a_plain_mail_takes_the_shortcut_and_a_multipart_one_does_not():
    plain = b"From: a@example.com\r\nSubject: hi\r\n\r\nBonjour\r\n"
    multipart = b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n'
    assert _parse_single_part(plain).get_payload() == "Bonjour\r\n"
    assert _parse_single_part(multipart) is None
    assert _parse_single_part(b"Content-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\ny") is None


def test_an_irregular_header_block_goes_to_the_full_parser():
    # A line that is not a header ends the header block for the feed parser.
    assert _parse_single_part(b"Subject: x\r\nnot a header\r\n\r\nbody") is None
    assert _parse_single_part(b"Subject: no body at all") is None


@given(
    headers=st.lists(
        st.tuples(
            st.sampled_from(
                ["Subject", "From", "Content-Type", "X-Note", "Content-Transfer-Encoding"]
            ),
            st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
        ),
        max_size=5,
    ),
    body=st.binary(max_size=300),
    newline=st.sampled_from([b"\r\n", b"\n"]),
)
def test_any_mail_parses_the_same_as_the_full_parser(headers, body, newline):
    head = newline.join(f"{name}: {value}".encode() for name, value in headers)
    raw = head + newline + newline + body
    full = BytesParser(policy=POLICY).parsebytes(raw)
    quick = parse_bytes(raw, [])
    assert _tree(quick) == _tree(full)
