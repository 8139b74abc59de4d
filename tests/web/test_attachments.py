"""Downloading a message's files: who may, and how they are served."""

from urllib.parse import quote

import pytest
from django.test import Client

from relais.connectors.base import InboundAttachment
from relais.conversations.models import Attachment
from tests.factories import make_inbox
from tests.web.conftest import console_client
from tests.web.email_messages import PDF, PNG, receive_email

pytestmark = pytest.mark.django_db

SAFETY_POLICY = "default-src 'none'; sandbox"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def email_inbox(team):
    return make_inbox("email", teams=[team], address="support@example.com")


@pytest.fixture
def received(email_inbox):
    return receive_email(email_inbox)


def file_url(conversation_id, attachment, inline=False):
    url = f"/c/{conversation_id}/attachments/{attachment.pk}/"
    return url + "?inline=1" if inline else url


def named(message, filename) -> Attachment:
    return message.attachments.get(filename=filename)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_agent_downloads_a_file_as_an_attachment_with_safety_headers(console, received):
    invoice = named(received.message, "invoice.pdf")
    response = console.get(file_url(received.conversation.pk, invoice))
    assert response.status_code == 200
    assert body_of(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"invoice.pdf\"; filename*=UTF-8''invoice.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SAFETY_POLICY


def test_a_raster_image_may_be_shown_inline(console, received):
    photo = named(received.message, "photo.png")
    inline = console.get(file_url(received.conversation.pk, photo, inline=True))
    assert inline["Content-Type"] == "image/png"
    assert inline["Content-Disposition"].startswith("inline;")
    assert body_of(inline) == PNG
    download = console.get(file_url(received.conversation.pk, photo))
    assert download["Content-Disposition"].startswith("attachment;")


def test_inline_is_refused_for_files_that_are_not_raster_images(console, received):
    invoice = named(received.message, "invoice.pdf")
    response = console.get(file_url(received.conversation.pk, invoice, inline=True))
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "filename, content_type",
    [
        ("page.html", "text/html; charset=utf-8"),
        ("drawing.svg", "image/svg+xml"),
        ("page.xhtml", "application/xhtml+xml"),
        ("weird.bin", "not a type<script>"),
    ],
)
def test_active_content_is_served_as_plain_bytes(console, email_inbox, filename, content_type):
    hostile = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    received = receive_email(
        email_inbox, attachments=[InboundAttachment(filename, content_type, hostile)]
    )
    stored = named(received.message, filename)
    response = console.get(file_url(received.conversation.pk, stored, inline=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SAFETY_POLICY


def test_the_original_mail_downloads_as_rfc822(console, received):
    original = named(received.message, "original.eml")
    response = console.get(file_url(received.conversation.pk, original))
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"].startswith('attachment; filename="original.eml"')


def test_names_that_are_not_ascii_keep_their_exact_form_in_filename_star(console, email_inbox):
    name = 'Facture "été" 2024.pdf'
    received = receive_email(
        email_inbox, attachments=[InboundAttachment(name, "application/pdf", PDF)]
    )
    stored = named(received.message, name)
    disposition = console.get(file_url(received.conversation.pk, stored))["Content-Disposition"]
    assert disposition == (
        f"attachment; filename=\"Facture __t__ 2024.pdf\"; filename*=UTF-8''{quote(name, safe='')}"
    )


def test_agent_of_another_team_gets_404(outsider, received):
    invoice = named(received.message, "invoice.pdf")
    response = console_client(outsider).get(file_url(received.conversation.pk, invoice))
    assert response.status_code == 404


def test_a_file_asked_through_another_conversation_gets_404(console, email_inbox, received):
    other = receive_email(email_inbox, sender="someone.else@example.com")
    assert other.conversation.pk != received.conversation.pk
    invoice = named(received.message, "invoice.pdf")
    # The agent sees both conversations, but the file is not the other one's.
    response = console.get(file_url(other.conversation.pk, invoice))
    assert response.status_code == 404
    assert console.get(f"/c/{received.conversation.pk}/attachments/999999/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(received):
    invoice = named(received.message, "invoice.pdf")
    response = Client().get(file_url(received.conversation.pk, invoice))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_supervisors_download_files_of_any_inbox(supervisor, received):
    invoice = named(received.message, "invoice.pdf")
    response = console_client(supervisor).get(file_url(received.conversation.pk, invoice))
    assert response.status_code == 200


def test_a_file_missing_from_storage_gets_404(console, received):
    invoice = named(received.message, "invoice.pdf")
    invoice.file.storage.delete(invoice.file.name)
    response = console.get(file_url(received.conversation.pk, invoice))
    assert response.status_code == 404
