"""parse_mail against the corpus of real-world-shaped mails in corpus/, each
checked against its expectation in corpus/expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relais.connectors.email.parsing import ParsedMail, parse_mail

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
NEVER_IN_HTML = ("<script", "javascript:", "onerror", "onload", "onclick", "<iframe", "<object")


def test_every_corpus_mail_has_an_expectation_and_every_expectation_a_mail():
    assert {path.name for path in CORPUS.glob("*.eml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_mail(name: str):
    expected = EXPECTED[name]
    mail = parse_mail((CORPUS / name).read_bytes())

    _check_headers(mail, expected)
    _check_body(mail, expected)
    _check_attachments(mail, expected)
    assert mail.auto_reply == expected.get("auto_reply", "")
    _check_bounce(mail, expected.get("bounce"))
    for problem in expected.get("problems_contain", []):
        assert any(problem in found for found in mail.problems), (problem, mail.problems)
    if expected.get("no_problems"):
        assert mail.problems == []


def _check_headers(mail: ParsedMail, expected: dict) -> None:
    for field in ("message_id", "subject", "in_reply_to", "references"):
        if field in expected:
            assert getattr(mail, field) == expected[field], field
    if "sender" in expected:
        assert (mail.sender.address if mail.sender else None) == expected["sender"]
    if "sender_name" in expected:
        assert mail.sender is not None and mail.sender.name == expected["sender_name"]
    for field in ("to", "cc", "reply_to"):
        if field in expected:
            assert [found.address for found in getattr(mail, field)] == expected[field], field
    if "to_names" in expected:
        assert [found.name for found in mail.to] == expected["to_names"]
    for name in expected.get("cc_names_contain", []):
        assert name in [found.name for found in mail.cc]
    if "date" in expected:
        assert (mail.date.isoformat() if mail.date else None) == expected["date"]


def _check_body(mail: ParsedMail, expected: dict) -> None:
    for piece in expected.get("text_contains", []):
        assert piece in mail.text, piece
    for piece in expected.get("text_not_contains", []):
        assert piece not in mail.text, piece
    for piece in expected.get("quoted_contains", []):
        assert piece in mail.quoted, piece
    if expected.get("quoted_empty"):
        assert mail.quoted == ""
    for piece in expected.get("html_contains", []):
        assert piece in mail.html, piece
    for piece in (*NEVER_IN_HTML, *expected.get("html_not_contains", [])):
        assert piece not in mail.html.lower() and piece not in mail.html, piece


def _check_attachments(mail: ParsedMail, expected: dict) -> None:
    wanted = expected.get("attachments", [])
    assert len(mail.attachments) == len(wanted), [a.filename for a in mail.attachments]
    for attachment, expectation in zip(mail.attachments, wanted, strict=True):
        assert attachment.content_id == expectation.get("content_id", "")
        for field in ("filename", "content_type", "kind"):
            if field in expectation:
                assert getattr(attachment, field) == expectation[field], field
        if "filename_length" in expectation:
            assert len(attachment.filename) == expectation["filename_length"]
            assert attachment.filename.endswith(expectation["filename_suffix"])
        assert attachment.data
    for filename, pieces in expected.get("attachment_data_contains", {}).items():
        data = next(a.data for a in mail.attachments if a.filename == filename)
        for piece in pieces:
            assert piece.encode() in data, piece
    refused = [(found.filename, found.reason) for found in mail.refused]
    assert refused == [(r["filename"], r["reason"]) for r in expected.get("refused", [])]


def _check_bounce(mail: ParsedMail, expected: dict | None) -> None:
    if expected is None:
        assert mail.bounce is None
        return
    assert mail.bounce is not None
    for field in ("original_message_id", "recipient", "status", "permanent"):
        assert getattr(mail.bounce, field) == expected[field], field
    assert expected["reason_contains"] in mail.bounce.reason
