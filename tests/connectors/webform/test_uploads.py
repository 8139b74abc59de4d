"""What the form accepts as attachments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from relais.connectors.webform.uploads import (
    MAX_FILES,
    RefusedUpload,
    checked_attachments,
    content_type_of,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _english():
    # The messages are checked in English; the site's default language is French.
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("filename", "head", "expected"),
    [
        ("photo.jpeg", PNG, "image/png"),  # the content decides, not the name
        ("facture.pdf", PDF, "application/pdf"),
        ("notes.txt", b"hello", "text/plain"),
        ("export.csv", b"a;b", "text/csv"),
        ("page.html", b"<script>alert(1)</script>", "application/octet-stream"),
        ("empty.bin.txt", b"", "text/plain"),
    ],
)
def test_the_stored_type_comes_from_the_content(filename, head, expected):
    assert content_type_of(filename, head) == expected


@pytest.mark.parametrize(
    ("filename", "head"),
    [("photo.png", b"MZ\x90\x00"), ("readme", ELF), ("run.BAT", b"echo"), ("x.vbs", b"")],
)
def test_programs_and_scripts_are_refused(filename, head):
    with pytest.raises(RefusedUpload, match="programs and scripts"):
        content_type_of(filename, head)


def test_limits_on_count_size_and_total(settings):
    settings.RELAIS_EMAIL_MAX_ATTACHMENT_BYTES = 100
    png = SimpleUploadedFile("a.png", PNG)

    assert [item.filename for item in checked_attachments([png])] == ["a.png"]
    with pytest.raises(RefusedUpload, match="at most"):
        checked_attachments([SimpleUploadedFile("a.png", PNG)] * (MAX_FILES + 1))
    with pytest.raises(RefusedUpload, match="big.png is too large"):
        checked_attachments([SimpleUploadedFile("big.png", PNG * 2)])


def test_the_total_limit(settings, monkeypatch):
    monkeypatch.setattr("relais.connectors.webform.uploads.MAX_TOTAL_BYTES", 150)
    files = [SimpleUploadedFile(f"{n}.png", PNG) for n in range(3)]

    with pytest.raises(RefusedUpload, match="too large together"):
        checked_attachments(files)


def test_a_path_in_the_file_name_is_dropped():
    upload = SimpleUploadedFile("../../etc/photo.png", PNG)

    assert checked_attachments([upload])[0].filename == "photo.png"
