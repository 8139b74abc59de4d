"""Composing outbound mail: structure, encodings, threading headers, and no
header injection. Each message is checked after a round trip through bytes,
as a mail client would read it."""

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from relais.connectors.email.compose import (
    OutgoingAttachment,
    OutgoingMail,
    bounded_references,
    build_message,
    text_to_html,
)


def mail(**fields) -> OutgoingMail:
    return OutgoingMail(
        **{
            "sender": ("Support Boutique", "support@example.com"),
            "to": [("Chloé Dubois", "chloe@example.org")],
            "subject": "Re: Où est ma commande ? [#12]",
            "text": "Bonjour Chloé,\n\nVotre colis part demain.\n-- \nL'équipe",
            "message_id": "<relais.7.abc@example.com>",
            **fields,
        }
    )


def sent(outgoing: OutgoingMail):
    """The message as the recipient parses it."""
    raw = build_message(outgoing).as_bytes()
    return raw, message_from_bytes(raw, policy=policy.default)


def test_text_and_html_alternatives_without_attachments():
    raw, received = sent(mail())
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Votre colis part demain." in text
    assert "<p>Bonjour Chloé,</p>" in html
    assert received["MIME-Version"] == "1.0"
    assert raw.count(b"MIME-Version") == 1
    assert received["Date"].datetime is not None
    assert "X-Mailer" not in received


def test_attachments_make_a_mixed_message_with_encoded_file_names():
    attachments = [
        OutgoingAttachment("facture n°12.pdf", "application/pdf", b"%PDF-1.4 data"),
        OutgoingAttachment("../../etc/passwd\r\nX: y", "text/plain", b"root"),
        OutgoingAttachment("mail.eml", "message/rfc822", b"From: a@b.c\r\n\r\nhi"),
    ]
    raw, received = sent(mail(attachments=attachments))
    assert received.get_content_type() == "multipart/mixed"
    first, *files = received.iter_parts()
    assert first.get_content_type() == "multipart/alternative"
    assert [part.get_filename() for part in files] == [
        "facture n°12.pdf",
        ".._.._etc_passwd X: y",
        "mail.eml",
    ]
    assert b"filename*=utf-8''facture%20n%C2%B012.pdf" in raw
    assert [part.get_content_type() for part in files] == [
        "application/pdf",
        "text/plain",
        "application/octet-stream",  # message/* may not be base64-encoded
    ]
    assert files[0].get_content() == b"%PDF-1.4 data"
    assert b"\nX: y" not in raw


def test_non_ascii_names_and_subject_are_encoded_words():
    raw, received = sent(mail(sender=("Équipe Zoé", "support@example.com")))
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii()
    assert b"=?utf-8?" in headers
    assert received["Subject"] == "Re: Où est ma commande ? [#12]"
    assert received["From"].addresses[0].display_name == "Équipe Zoé"
    assert received["To"].addresses[0].display_name == "Chloé Dubois"


def test_international_domain_is_sent_in_ascii():
    raw, received = sent(mail(to=[("", "client@bücher.example")]))
    assert received["To"].addresses[0].domain == "xn--bcher-kva.example"


def test_display_name_with_comma_and_quotes_stays_one_address():
    _, received = sent(mail(to=[('Dubois, "Chloé"', "chloe@example.org")]))
    [address] = received["To"].addresses
    assert (address.display_name, address.addr_spec) == ('Dubois, "Chloé"', "chloe@example.org")


def test_line_breaks_in_subject_and_names_cannot_add_headers():
    raw, received = sent(
        mail(
            subject="Hello\r\nBcc: victim@example.net",
            sender=("Support\nBcc: victim@example.net", "support@example.com"),
            to=[("Chloé\r\nX-Injected: 1", "chloe@example.org")],
        )
    )
    assert "Bcc" not in received
    assert "X-Injected" not in received
    assert received["Subject"] == "Hello Bcc: victim@example.net"


def test_an_address_with_a_line_break_is_refused():
    with pytest.raises(ValueError):
        build_message(mail(to=[("", "chloe@example.org\r\nBcc: victim@example.net")]))


def test_threading_headers_keep_long_ids_intact():
    long_id = "<" + "x" * 120 + "@mail.example.org>"
    _, received = sent(
        mail(in_reply_to=long_id, references=["<first@example.org>", long_id]),
    )
    assert received["In-Reply-To"] == long_id
    assert received["References"].split() == ["<first@example.org>", long_id]


def test_references_keep_the_first_and_the_latest_twenty():
    ids = [f"<m{i}@example.org>" for i in range(40)]
    raw, received = sent(mail(references=ids))
    kept = received["References"].split()
    assert kept == [ids[0], *ids[-20:]]
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n"))


def test_references_drop_repeats_and_junk():
    assert bounded_references(["<a@x> <b@x>", "<a@x>", "not an id", "<c@x>"]) == [
        "<a@x>",
        "<b@x>",
        "<c@x>",
    ]


def test_acknowledgement_is_marked_automatic():
    _, received = sent(mail(auto_submitted="auto-replied", language="fr"))
    assert received["Auto-Submitted"] == "auto-replied"
    assert received["X-Auto-Response-Suppress"] == "All"
    assert received["Content-Language"] == "fr"


def test_agent_answer_is_not_marked_automatic():
    _, received = sent(mail())
    assert "Auto-Submitted" not in received
    assert "X-Auto-Response-Suppress" not in received


def test_headers_as_given():
    _, received = sent(
        mail(
            cc=[("Marc", "marc@example.org")],
            reply_to="support+12@example.com",
            date=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
        )
    )
    assert received["Message-ID"] == "<relais.7.abc@example.com>"
    assert str(received["Cc"]) == "Marc <marc@example.org>"
    assert str(received["Reply-To"]) == "support+12@example.com"
    assert received["Date"].datetime == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert "In-Reply-To" not in received
    assert "References" not in received


def test_explicit_html_is_used_as_given():
    _, received = sent(mail(html="<p><a href='https://example.com'>link</a></p>"))
    assert "<a href='https://example.com'>" in received.get_body(("html",)).get_content()


def test_derived_html_escapes_and_makes_no_links():
    html = text_to_html("Tom & <Jerry>\r\nhttps://example.com\r\n\r\n\r\nBye", "en")
    assert '<html lang="en">' in html
    assert "<p>Tom &amp; &lt;Jerry&gt;<br>\nhttps://example.com</p>\n<p>Bye</p>" in html
    assert "<a" not in html
