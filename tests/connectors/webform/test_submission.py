"""Submitting the form: what is stored, the confirmation e-mail, spam and
rate limits, and the customer's later replies by e-mail."""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relais.connectors.webform import spam
from relais.contacts.models import Identity
from relais.conversations.models import Conversation, Direction, Message
from tests.connectors.email.smtp_server import recording_smtp_server
from tests.factories import make_email_inbox

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_url(inbox, query=""):
    return reverse("webform:form", args=[inbox.public_key]) + query


def test_a_submission_opens_a_conversation_and_queues_the_confirmation(client, inbox, filled):
    photo = SimpleUploadedFile("colis.png", PNG, content_type="application/octet-stream")
    notes = SimpleUploadedFile("notes.txt", "Numéro 1234".encode(), content_type="text/html")

    response = client.post(
        form_url(inbox), {**filled, "attachments": [photo, notes]}, HTTP_ACCEPT_LANGUAGE="en"
    )

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert conversation.inbox == inbox and conversation.subject == "Delivery — Commande 1234"
    contact = conversation.contact
    assert (contact.name, contact.email) == ("Chloé Dubois", "chloe@client.example")
    assert list(Identity.objects.values_list("kind", "value")) == [("email", contact.email)]
    message = conversation.messages.get(direction=Direction.INBOUND)
    assert message.body == filled["message"]
    assert message.provider_message_id.startswith("<form-")
    assert message.metadata["source"] == "web_form" and message.metadata["reason"] == "Delivery"
    assert message.metadata["email"]["from"] == [
        {"name": "Chloé Dubois", "address": "chloe@client.example"}
    ]
    files = {item.filename: item for item in message.attachments.all()}
    assert files["colis.png"].content_type == "image/png" and files["colis.png"].kind == "file"
    assert files["notes.txt"].content_type == "text/plain"
    assert files["notes.txt"].file.read() == "Numéro 1234".encode()
    confirmation = conversation.messages.get(direction=Direction.OUTBOUND)
    assert confirmation.metadata["automatic"] == "acknowledgement"
    assert f"[#{conversation.pk}]" in confirmation.metadata["email"]["subject"]
    assert confirmation.metadata["email"]["language"] == "en"
    assert f"[#{conversation.pk}]" in confirmation.body

    thanks = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert thanks.status_code == 200
    assert f"#{conversation.pk}" in thanks.content.decode()
    assert "confirmation by e-mail" in thanks.content.decode()


def test_the_thanks_page_of_one_inbox_is_not_found_on_another(client, inbox, filled):
    location = client.post(form_url(inbox), filled)["Location"]
    token = location.rstrip("/").split("/")[-1]
    other = make_email_inbox()

    assert client.get(reverse("webform:thanks", args=[other.public_key, token])).status_code == 404


def test_a_valid_phone_is_kept_but_never_used_to_match_a_contact(client, inbox, filled):
    client.post(form_url(inbox), {**filled, "phone": "06 12 34 56 78"})

    message = Message.objects.get(direction=Direction.INBOUND)
    assert message.metadata["phone"] == "+33612345678"
    assert message.conversation.contact.phone == "+33612345678"
    assert not Identity.objects.filter(kind="phone").exists()


def test_without_a_reason_the_subject_is_the_customers(client, inbox, filled):
    client.post(form_url(inbox), {**filled, "reason": ""})

    assert Conversation.objects.get().subject == "Commande 1234"


def test_the_same_page_sent_twice_is_stored_and_confirmed_once(client, inbox, filled):
    first = client.post(form_url(inbox), filled)
    second = client.post(form_url(inbox), filled)

    assert Conversation.objects.count() == 1
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == 1
    reference = f"#{Conversation.objects.get().pk}"
    assert reference in client.get(second["Location"]).content.decode()
    assert first.status_code == second.status_code == 302


def test_the_confirmation_reaches_the_customer_by_smtp(
    client, inbox, filled, django_capture_on_commit_callbacks
):
    with recording_smtp_server() as server:
        inbox.config["smtp"] = server.settings().model_dump(mode="json")
        inbox.save()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(form_url(inbox, "?lang=en"), filled)

    conversation = Conversation.objects.get()
    assert len(server.messages) == 1
    mail = server.messages[0]
    assert mail.rcpt_tos == ["chloe@client.example"]
    assert mail.envelope_from == "support@example.com"
    received = mail.message()
    assert f"[#{conversation.pk}]" in received["Subject"]
    assert received["Auto-Submitted"] == "auto-replied"
    assert f"[#{conversation.pk}]" in received.get_body(("plain",)).get_content()
    confirmation = conversation.messages.get(direction=Direction.OUTBOUND)
    assert confirmation.status == "sent"


def test_a_reply_by_email_with_the_reference_joins_the_conversation(client, inbox, filled):
    ingest = pytest.importorskip("relais.connectors.email.ingest")
    from tests.connectors.email.mails import customer_mail

    client.post(form_url(inbox), filled)
    conversation = Conversation.objects.get()

    result = ingest.ingest_mail(
        inbox,
        customer_mail(
            sender="Chloé Dubois <chloe@client.example>",
            subject=f"Re: We have received your request [#{conversation.pk}]",
            text="Voici la photo du colis.",
        ),
    )

    assert result.outcome == "stored"
    assert result.conversation.pk == conversation.pk
    assert conversation.messages.filter(direction=Direction.INBOUND).count() == 2


def test_a_filled_honeypot_is_thanked_but_not_stored(client, inbox, filled, caplog):
    response = client.post(form_url(inbox), {**filled, "website": "https://spam.example"})

    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and 'data-testid="reference"' not in thanks.content.decode()
    assert not Conversation.objects.exists()
    assert "dropped as spam (honeypot)" in caplog.text


@pytest.mark.parametrize(
    "token",
    [
        "now",  # faster than a person types
        "forged",
        "",
    ],
)
def test_a_robotic_token_is_thanked_but_not_stored(client, inbox, filled, token):
    if token == "now":
        token = spam.form_token(inbox)

    response = client.post(form_url(inbox), {**filled, "form_token": token})

    assert response.status_code == 302
    assert not Conversation.objects.exists()


def test_an_expired_form_comes_back_with_the_text_and_a_new_token(client, inbox, filled):
    old = spam.form_token(inbox, shown_at=time.time() - spam.MAX_TOKEN_AGE - 60)

    response = client.post(form_url(inbox), {**filled, "form_token": old})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="form-notice"' in html and "Commande 1234" in html
    assert old not in html
    assert not Conversation.objects.exists()
    # Sent again at once, the re-shown form is not taken for a robot's.
    fresh = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    again = client.post(form_url(inbox), {**filled, "form_token": fresh})
    assert again.status_code == 302 and Conversation.objects.count() == 1


def test_too_many_submissions_from_one_client_are_refused_with_the_text_kept(client, inbox, filled):
    for n in range(spam.RATE_LIMIT):
        token = spam.form_token(inbox, shown_at=time.time() - 60 - n)
        assert (
            client.post(
                form_url(inbox), {**filled, "email": f"c{n}@client.example", "form_token": token}
            ).status_code
            == 302
        )

    response = client.post(
        form_url(inbox),
        {**filled, "message": "Mon sixième message, à ne pas perdre."},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 429
    html = response.content.decode()
    assert "several messages in a short time" in html
    assert "Mon sixième message, à ne pas perdre." in html
    assert Conversation.objects.count() == spam.RATE_LIMIT


def test_one_address_cannot_be_flooded_with_confirmations_from_many_clients(client, inbox, filled):
    for n in range(spam.RATE_LIMIT):
        token = spam.form_token(inbox, shown_at=time.time() - 60 - n)
        client.post(form_url(inbox), {**filled, "form_token": token}, REMOTE_ADDR=f"10.0.0.{n}")

    response = client.post(form_url(inbox), filled, REMOTE_ADDR="10.0.1.1")

    assert response.status_code == 429
    assert Message.objects.filter(direction=Direction.OUTBOUND).count() == spam.RATE_LIMIT


def test_the_rate_limit_is_per_inbox(client, inbox, filled):
    for n in range(spam.RATE_LIMIT):
        token = spam.form_token(inbox, shown_at=time.time() - 60 - n)
        client.post(form_url(inbox), {**filled, "form_token": token})
    other = make_email_inbox()

    token = spam.form_token(other, shown_at=time.time() - 60)
    response = client.post(form_url(other), {**filled, "form_token": token})

    assert response.status_code == 302


def test_the_rate_limit_holds_across_server_processes(client, inbox, filled):
    """Another process has its own local cache: forgetting it between the
    submissions (what a second process would see) resets nothing."""
    from django.core.cache import cache

    for n in range(spam.RATE_LIMIT):
        token = spam.form_token(inbox, shown_at=time.time() - 60 - n)
        client.post(form_url(inbox), {**filled, "form_token": token}, REMOTE_ADDR="10.0.0.1")
        cache.clear()

    response = client.post(form_url(inbox), filled, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429
    assert Conversation.objects.count() == spam.RATE_LIMIT
