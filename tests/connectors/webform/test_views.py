"""The form page: who gets one, what it shows, how it may be framed, and the
errors next to their fields."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relais.conversations.models import Conversation
from tests.factories import make_email_inbox, make_inbox

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_url(inbox, query=""):
    return reverse("webform:form", args=[inbox.public_key]) + query


def test_an_email_inbox_shows_its_form_with_labels_and_traps(client, inbox):
    response = client.get(form_url(inbox), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("name", "email", "phone", "reason", "subject", "message", "attachments"):
        assert f'for="id_{name}"' in html
    assert 'name="website"' in html and 'class="trap" aria-hidden="true"' in html
    assert 'name="form_token"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "Question about an order" in html and "Return or refund" in html
    assert "<script" not in html
    assert response["Cache-Control"] == "no-store"


def test_the_inbox_reasons_replace_the_built_in_list(client, db):
    inbox = make_email_inbox(form_reasons=["Devis", "Facturation"])

    html = client.get(form_url(inbox), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<option value="Devis">Devis</option>' in html
    assert "Question about an order" not in html


@pytest.mark.parametrize("case", ["webchat", "inactive", "form_disabled", "unknown"])
def test_no_form_without_an_active_email_inbox_that_offers_it(client, db, case):
    key = "no-such-key"
    if case == "webchat":
        key = make_inbox("webchat").public_key
    elif case == "inactive":
        inbox = make_email_inbox()
        inbox.is_active = False
        inbox.save()
        key = inbox.public_key
    elif case == "form_disabled":
        key = make_email_inbox(form_enabled=False).public_key

    assert client.get(reverse("webform:form", args=[key])).status_code == 404
    assert client.post(reverse("webform:form", args=[key]), {}).status_code == 404


def test_the_page_follows_the_lang_parameter_over_the_browser(client, inbox):
    response = client.get(form_url(inbox, "?lang=en"), HTTP_ACCEPT_LANGUAGE="fr")

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Contact us" in html
    assert f'action="{form_url(inbox)}?lang=en"' in html


def test_the_normal_page_may_not_be_framed_and_runs_no_script(client, inbox):
    response = client.get(form_url(inbox))

    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy and "script-src 'none'" in policy


def test_embed_mode_may_be_framed_and_keeps_embedding_after_posting(client, inbox, filled):
    response = client.get(form_url(inbox, "?embed=1"))

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors 'self' https: http:" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert 'class="embedded"' in html and "page-header" not in html
    assert f'action="{form_url(inbox)}?embed=1"' in html

    posted = client.post(form_url(inbox, "?embed=1"), filled)
    assert posted.status_code == 302 and posted["Location"].endswith("?embed=1")
    thanks = client.get(posted["Location"])
    assert thanks.status_code == 200 and "X-Frame-Options" not in thanks


def test_a_missing_email_is_shown_next_to_its_field(client, inbox, filled):
    response = client.post(form_url(inbox), {**filled, "email": ""}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html and 'href="#id_email"' in html
    assert '<ul class="errors" id="id_email_error">' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_email_error"' in html
    assert "Chloé Dubois" in html and "ma commande n&#x27;est pas arrivée" in html
    assert not Conversation.objects.exists()


def test_an_invalid_phone_is_refused(client, inbox, filled):
    response = client.post(form_url(inbox), {**filled, "phone": "12"}, HTTP_ACCEPT_LANGUAGE="en")

    assert 'id="id_phone_error"' in response.content.decode()
    assert 'aria-describedby="id_phone_error id_phone_helptext"' in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_name_with_a_link_is_refused(client, inbox, filled):
    response = client.post(form_url(inbox), {**filled, "name": "Win http://spam.example"})

    assert 'id="id_name_error"' in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(
    client, inbox, filled, settings
):
    settings.RELAIS_EMAIL_MAX_ATTACHMENT_BYTES = 1000
    big = SimpleUploadedFile("photo.png", PNG + b"\x00" * 2000, content_type="image/png")

    response = client.post(
        form_url(inbox), {**filled, "attachments": [big]}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "photo.png is too large" in response.content.decode()
    assert 'id="id_attachments_error"' in response.content.decode()
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 200),  # a Windows program, renamed
        ("setup.exe", b"just text"),
        ("tool.js", b"alert(1)"),
    ],
)
def test_programs_are_refused_by_content_or_name(client, inbox, filled, filename, data):
    upload = SimpleUploadedFile(filename, data, content_type="application/pdf")

    response = client.post(
        form_url(inbox), {**filled, "attachments": [upload]}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "programs and scripts are not accepted" in response.content.decode()
    assert not Conversation.objects.exists()


def test_more_than_five_files_are_refused(client, inbox, filled):
    files = [SimpleUploadedFile(f"p{n}.png", PNG, content_type="image/png") for n in range(6)]

    response = client.post(
        form_url(inbox), {**filled, "attachments": files}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "at most 5 files" in response.content.decode()
    assert not Conversation.objects.exists()


def test_an_upload_far_over_the_total_limit_is_refused_unread(client, inbox, filled):
    response = client.post(form_url(inbox), filled, CONTENT_LENGTH=str(200 * 1024 * 1024))

    assert response.status_code == 413
    assert 'data-testid="form-notice"' in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_forged_or_foreign_thanks_token_is_not_found(client, inbox, db):
    other = make_email_inbox()
    posted_elsewhere = reverse("webform:thanks", args=[other.public_key, "forged"])

    assert client.get(posted_elsewhere).status_code == 404
    forged = reverse("webform:thanks", args=[inbox.public_key, "x:y:z"])
    assert client.get(forged).status_code == 404
