"""parse_mail and its pieces on generated mail: limits, hostile structure,
quoting, charsets, attachments, auto-replies; plus property tests that no
input makes it raise or return unsafe strings."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.connectors.email import attachment_checks, decoding, html_body, text_body
from relais.connectors.email.parsing import MailLimits, ParsedMail, parse_mail

CORPUS = Path(__file__).parent / "corpus"
PNG = (CORPUS / "06_alternative_related_cid.eml").read_bytes()  # any valid mail will do below


def mail(headers: str = "", body: str | bytes = "Bonjour.", *, content_type: str = "") -> bytes:
    head = "From: Client <client@example.com>\r\nTo: support@example.com\r\n"
    head += "Subject: Test\r\nMessage-ID: <t@example.com>\r\n"
    head += "Date: Mon, 23 Nov 2026 10:12:00 +0100\r\n" + headers
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    data = body.encode() if isinstance(body, str) else body
    return head.encode() + b"\r\n" + data


def multipart(*parts: tuple[str, bytes], boundary: str = "b") -> bytes:
    body = b"".join(
        f"--{boundary}\r\n{headers}\r\n\r\n".encode() + data + b"\r\n" for headers, data in parts
    )
    content_type = f"multipart/mixed; boundary={boundary}"
    return mail(body=body + f"--{boundary}--\r\n".encode(), content_type=content_type)


def attachment(name: str, data: bytes, content_type: str = "application/pdf") -> tuple[str, bytes]:
    headers = f"Content-Type: {content_type}\r\nContent-Disposition: attachment; filename={name}"
    return headers, data


# Limits and hostile structure -------------------------------------------------


def test_a_huge_header_is_dropped_and_the_rest_of_the_mail_kept():
    raw = mail("X-Huge: " + "y" * 5_000_000 + "\r\n", "Le corps.")
    parsed = parse_mail(raw)
    assert parsed.sender is not None and parsed.sender.address == "client@example.com"
    assert parsed.subject == "Test"
    assert parsed.text == "Le corps."
    assert any("header block over" in problem for problem in parsed.problems)


def nested(levels: int, leaf: bytes) -> bytes:
    """A mail whose text part sits `levels` multiparts deep."""
    body = b"Content-Type: text/plain\r\n\r\n" + leaf
    for level in range(levels):
        body = (
            b"Content-Type: multipart/mixed; boundary=n%d\r\n\r\n--n%d\r\n" % (level, level)
            + body
            + b"\r\n--n%d--\r\n" % level
        )
    outer = f"multipart/mixed; boundary=n{levels - 1}"
    return mail(body=body.split(b"\r\n\r\n", 1)[1], content_type=outer)


def test_a_thousand_levels_of_nesting_leave_the_headers_readable():
    parsed = parse_mail(nested(1000, b"coeur"))
    assert parsed.subject == "Test"
    assert parsed.sender is not None
    assert "MIME structure could not be parsed (RecursionError)" in parsed.problems


def test_parts_deeper_than_the_limit_are_skipped_with_a_problem():
    assert parse_mail(nested(3, b"deep text")).text == "deep text"
    parsed = parse_mail(nested(5, b"deep text"), MailLimits(max_depth=3))
    assert "deep text" not in parsed.text
    assert any("nesting deeper than 3" in problem for problem in parsed.problems)


def test_walking_stops_after_max_parts():
    parts = [
        attachment(f"f{number}.bin", b"xx", "application/octet-stream") for number in range(60)
    ]
    raw = multipart(("Content-Type: text/plain", b"Voici."), *parts)
    parsed = parse_mail(raw, MailLimits(max_parts=20))
    assert parsed.text == "Voici."
    assert len(parsed.attachments) < 20
    assert any("more than 20 MIME parts" in problem for problem in parsed.problems)


def test_a_content_type_with_thousands_of_parameters_is_read():
    params = "; ".join(f"p{number}=v" for number in range(20_000))
    parsed = parse_mail(mail(body="corps", content_type=f"text/plain; {params}"))
    assert parsed.text == "corps"


def test_nested_comments_in_an_address_header_do_not_raise():
    parsed = parse_mail(mail("Cc: " + "(" * 5000 + "\r\n"))
    assert parsed.cc == []
    assert "an address header could not be parsed" in parsed.problems


def test_an_attachment_over_the_file_limit_is_refused():
    limits = MailLimits(max_attachment_bytes=1000, max_attachments_bytes=5000)
    parsed = parse_mail(multipart(attachment("big.pdf", b"%PDF-1.4\n" + b"x" * 2000)), limits)
    assert parsed.attachments == []
    assert [(r.filename, r.reason, r.size) for r in parsed.refused] == [
        ("big.pdf", "too_large", 2009)
    ]


def test_attachments_past_the_total_limit_are_refused_in_order():
    limits = MailLimits(max_attachment_bytes=1000, max_attachments_bytes=1500)
    parts = [attachment(f"{name}.txt", b"y" * 600, "text/plain") for name in "abc"]
    parsed = parse_mail(multipart(*parts), limits)
    assert [a.filename for a in parsed.attachments] == ["a.txt", "b.txt"]
    assert [(r.filename, r.reason) for r in parsed.refused] == [("c.txt", "total_too_large")]


def test_long_text_is_cut_with_a_visible_marker():
    parsed = parse_mail(mail(body="mot " * 10_000), MailLimits(max_text_chars=100))
    assert len(parsed.text) < 120
    assert parsed.text.endswith(text_body.TRUNCATION_MARKER)
    assert "text cut to 100 characters" in parsed.problems


def test_empty_and_junk_input():
    assert parse_mail(b"").problems[0] == "empty message"
    junk = parse_mail(b"\x00\xff" * 5000)
    assert junk.sender is None and junk.message_id == ""
    assert parse_mail(bytearray(mail())).text == "Bonjour."


# Headers ---------------------------------------------------------------------


def test_message_id_without_brackets_is_wrapped_and_garbage_is_dropped():
    assert parse_mail(mail().replace(b"<t@example.com>", b"t@example.com")).message_id == (
        "<t@example.com>"
    )
    assert parse_mail(mail().replace(b"<t@example.com>", b"not an id")).message_id == ""


def test_dates_are_aware_and_garbage_dates_are_none():
    naive = mail().replace(b"+0100", b"-0000")
    assert parse_mail(naive).date == datetime(2026, 11, 23, 10, 12, tzinfo=UTC)
    garbage = mail().replace(b"Mon, 23 Nov 2026 10:12:00 +0100", b"the day after tomorrow")
    assert parse_mail(garbage).date is None


def test_a_long_references_chain_keeps_the_root_and_the_latest():
    ids = " ".join(f"<m{number}@example.com>" for number in range(300))
    references = parse_mail(mail(f"References: {ids}\r\n")).references
    assert len(references) == 100
    assert references[0] == "<m0@example.com>" and references[-1] == "<m299@example.com>"


def test_encoded_words_split_inside_a_character_are_joined():
    assert decoding.decode_words("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=") == "café"
    assert decoding.decode_words("=?utf-8?b?broken?!?= ok") == "=?utf-8?b?broken?!?= ok"
    assert decoding.header_text("=?x-unknown?q?M=FCller?=") == "Müller"


def test_charset_labels_seen_in_the_wild():
    assert decoding.decode_bytes("שלום".encode("iso-8859-8"), "iso-8859-8-i") == "שלום"
    assert decoding.decode_bytes("안녕".encode("cp949"), "ks_c_5601-1987") == "안녕"
    assert decoding.decode_bytes("été".encode(), "utf-7") == "été"
    assert decoding.decode_bytes("été".encode("latin-1"), "unknown-8bit") == "été"
    assert decoding.decode_bytes(b"\x80 et \x93", "iso-8859-1") == "€ et “"
    assert decoding.decode_bytes(b"x", "unicode-escape") == "x"


# Body ------------------------------------------------------------------------


def test_outlook_english_separator_folds_the_history():
    new, quoted = text_body.fold_quoted(
        "Sounds good.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nOld text"
    )
    assert new == "Sounds good."
    assert quoted.startswith("-----Original Message-----")


def test_a_forwarded_message_is_never_folded():
    text = "FYI\n\n---------- Forwarded message ---------\nFrom: A <a@x.example>\nDate: Mon\n"
    text += "Subject: Colis\nTo: b@x.example\n\nLe colis est perdu.\n\nOn Sun, B wrote:\n> old"
    new, quoted = text_body.fold_quoted(text)
    assert "Le colis est perdu." in new and quoted == ""


def test_nothing_is_folded_when_no_new_text_would_remain():
    text = "On Mon, Support wrote:\n> Bonjour\n> Au revoir"
    assert text_body.fold_quoted(text) == (text, "")


def test_format_flowed_soft_breaks_are_joined_and_quotes_kept():
    flowed = "Une phrase \ncoupée en deux.\n> citation \n> longue\n-- \nSignature"
    assert text_body.unflow(flowed, delsp=False) == (
        "Une phrase coupée en deux.\n> citation longue\n-- \nSignature"
    )
    assert text_body.unflow("mot\u00e9 \ncollé", delsp=True) == "mot\u00e9collé"


def test_html_to_text_keeps_structure_and_drops_invisible_content():
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body><p>Un</p><p>Deux<br>Trois"
        "</p><ul><li>a</li><li>b</li></ul><blockquote>cité<blockquote>encore</blockquote>"
        "</blockquote><script>alert(1)</script><pre>  code\n  bloc</pre></body></html>"
    )
    assert html_body.html_to_text(html, 10_000) == (
        "Un\n\nDeux\nTrois\n\n- a\n- b\n\n> cité\n>\n> > encore\n\n  code\n  bloc"
    )


def test_an_unclosed_head_does_not_hide_the_body():
    assert html_body.html_to_text("<head><title>x<body>Visible", 100) == "Visible"


def test_sanitised_html_keeps_cid_images_and_safe_styles_only():
    html = (
        '<img src="cid:logo@x" onerror="x()"><a href="vbscript:x">v</a><img src="/logout">'
        '<p style="color:blue;position:absolute;background:url(http://t.example/p)">t</p>'
        "<object data=x></object><math><mtext><script>x</script></mtext></math>"
    )
    clean = html_body.sanitise_html(html)
    assert '<img src="cid:logo@x">' in clean
    assert 'style="color:blue"' in clean
    for banned in ("onerror", "vbscript", "position", "url(", "<object", "<script", "/logout"):
        assert banned not in clean


# Attachments -----------------------------------------------------------------


def test_file_names_are_made_safe():
    assert attachment_checks.safe_filename("..\\..\\boot.ini", "text/plain") == "boot.ini"
    assert attachment_checks.safe_filename("a\u202egpj.exe", "image/jpeg") == "agpj.exe"
    assert attachment_checks.safe_filename(' ."<con>?". ', "text/plain") == "__con___"
    assert attachment_checks.safe_filename("", "image/png") == "attachment.png"
    assert attachment_checks.safe_filename("", "x-unknown/thing") == "attachment.bin"
    long_name = attachment_checks.safe_filename("n" * 500 + ".tar.gz", "application/gzip")
    assert len(long_name) == 200 and long_name.endswith(".gz")


def test_executables_are_recognised_by_their_bytes():
    for magic in (b"\x7fELF\x02\x01", b"\xcf\xfa\xed\xfe\x07", b"\xca\xfe\xba\xbe\x00"):
        assert attachment_checks.is_executable(magic + b"\x00" * 100)
    assert not attachment_checks.is_executable(b"MZ is a text file that starts like a PE" * 3)


def test_zip_based_office_files_keep_their_declared_type():
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    zipped = b"PK\x03\x04" + b"\x00" * 60
    assert attachment_checks.detected_type(zipped, docx) == docx
    assert attachment_checks.detected_type(zipped, "application/octet-stream") == "application/zip"


def test_a_jar_is_refused_even_when_it_is_a_zip():
    parsed = parse_mail(multipart(attachment("outil.jar", b"PK\x03\x04" + b"\x00" * 60)))
    assert [(r.filename, r.reason) for r in parsed.refused] == [("outil.jar", "blocked_type")]


def test_an_image_referenced_by_the_html_is_inline_and_an_unreferenced_one_a_file():
    parsed = parse_mail(PNG)
    assert [(a.kind, a.content_id) for a in parsed.attachments] == [("inline", "ii_lq1x2y3z0")]
    unreferenced = PNG.replace(b"cid:ii_lq1x2y3z0", b"cid:other")
    assert [a.kind for a in parse_mail(unreferenced).attachments] == ["file"]


# Automatic mail --------------------------------------------------------------


def test_outlook_suppress_header_alone_is_not_an_auto_reply():
    assert parse_mail(mail("X-Auto-Response-Suppress: All\r\n")).auto_reply == ""
    assert parse_mail(mail("Auto-Submitted: no\r\n")).auto_reply == ""
    assert parse_mail(mail("Precedence: junk\r\n")).auto_reply == "precedence-bulk"


def test_out_of_office_subjects_are_anchored():
    def reason(subject: str) -> str:
        return parse_mail(mail().replace(b"Subject: Test", subject.encode())).auto_reply

    assert reason("Subject: Out of Office: Bob") == "out-of-office"
    assert reason("Subject: AUTO: Bob est absent") == "out-of-office"
    assert reason("Subject: RE: Out of office") == ""
    assert reason("Subject: Absence de facture") == ""


def test_a_normal_mail_from_postmaster_is_not_a_bounce():
    raw = mail().replace(b"client@example.com", b"postmaster@client.example")
    parsed = parse_mail(raw)
    assert parsed.bounce is None and parsed.auto_reply == ""


def test_a_success_report_is_not_a_bounce():
    status = (
        "Content-Type: message/delivery-status",
        b"Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; a@b.example\r\n"
        b"Action: delivered\r\nStatus: 2.0.0\r\n",
    )
    raw = multipart(("Content-Type: text/plain", b"Delivered."), status)
    parsed = parse_mail(raw.replace(b"multipart/mixed", b"multipart/report"))
    assert parsed.bounce is None
    assert parsed.auto_reply == "report"


# Properties ------------------------------------------------------------------

CORPUS_MAILS = [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]
MIME_TOKENS = [
    b"\r\n\r\n",
    b"\r\n--",
    b"--\r\n",
    b"=?utf-8?b?",
    b"?=",
    b"boundary=",
    b"Content-Type: multipart/mixed; boundary=x\r\n",
    b"Content-Type: message/rfc822\r\n\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"charset=utf-7",
    b"<blockquote>",
    b"\x00",
    b"\xff\xfe",
]


def assert_safe(parsed: ParsedMail) -> None:
    """Every string that parse_mail returns can be stored in PostgreSQL."""
    for value in _strings(parsed):
        assert isinstance(value, str)
        value.encode("utf-8")
        assert "\x00" not in value


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_raise(raw: bytes):
    assert_safe(parse_mail(raw))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(CORPUS_MAILS),
    st.lists(
        st.tuples(
            st.floats(0, 1),
            st.one_of(st.binary(max_size=8), st.sampled_from(MIME_TOKENS)),
            st.integers(0, 8),
        ),
        max_size=6,
    ),
)
def test_mutated_corpus_mails_never_raise(raw: bytes, mutations: list):
    data = bytearray(raw)
    for where, inserted, removed in mutations:
        position = int(where * len(data))
        data[position : position + removed] = inserted
    assert_safe(parse_mail(bytes(data), MailLimits(max_text_chars=500)))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_header_text_is_always_storable(value: str):
    decoded = decoding.header_text(value)
    decoded.encode("utf-8")
    assert "\x00" not in decoded and "\n" not in decoded
