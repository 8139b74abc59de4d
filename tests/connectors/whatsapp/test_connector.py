"""WhatsApp end to end against a fake Graph API: signed webhook → conversation
→ agent reply → a correctly formed, authenticated Cloud API call → status
webhook → delivery state; the 24-hour window and templates; errors."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from relais.connectors.meta.signature import SignatureMismatch, sign
from relais.connectors.whatsapp import WhatsAppConnector
from relais.connectors.whatsapp.config import WhatsAppConfig
from relais.contacts.models import Identity
from relais.conversations.actions import reply
from relais.conversations.models import DeliveryStatus, Direction, Message
from relais.conversations.outbox import deliver_message
from tests.connectors.meta.fake_graph import fake_graph  # noqa: F401 (fixture)
from tests.connectors.meta.payloads import fixture, fixture_bytes
from tests.connectors.meta.pipeline import apply
from tests.factories import make_agent, make_inbox, make_team

APP_SECRET = "wa-app-secret"
PHONE_NUMBER_ID = "106540352242922"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
TEMPLATE = {"name": "suivi_commande", "language": "fr", "parameters": ["prénom", "commande"]}
connector = WhatsAppConnector()


@pytest.fixture
def inbox(db, fake_graph):  # noqa: F811
    config = WhatsAppConfig.model_validate(
        {
            "phone_number_id": PHONE_NUMBER_ID,
            "access_token": "EAAG-token",
            "app_secret": APP_SECRET,
            "verify_token": "verify-me-123",
            "api_base_url": fake_graph.base_url,
            "templates": [TEMPLATE],
            "max_media_bytes": 1000,
        }
    ).model_dump(mode="json")
    return make_inbox("whatsapp", name="WhatsApp boutique", **config)


@pytest.fixture
def agent(inbox):
    return make_agent(teams=[make_team(inboxes=[inbox])])


def deliver(inbox, body: bytes):
    parsed = connector.read_delivery(inbox, body, sign(APP_SECRET, body))
    return apply(inbox, connector.translate(inbox, parsed))


def status_body(name: str, wamid: str) -> bytes:
    data = fixture("whatsapp", name)
    data["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = wamid
    return json.dumps(data).encode()


def test_text_message_opens_a_conversation_for_the_phone_number(inbox):
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    assert result.created and result.new_conversation
    assert result.conversation.channel == "whatsapp"
    assert result.conversation.contact.name == "Camille Durand"
    assert Identity.objects.get(contact=result.conversation.contact).value == "+33612345678"


def test_same_number_on_another_phone_channel_is_the_same_contact(inbox):
    (first,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    assert Identity.objects.filter(kind="phone", value="+33612345678").count() == 1
    (second,) = deliver(inbox, fixture_bytes("whatsapp", "location"))
    assert second.conversation.contact_id == first.conversation.contact_id


def test_replayed_delivery_is_stored_once(inbox):
    body = fixture_bytes("whatsapp", "text")
    deliver(inbox, body)
    (again,) = deliver(inbox, body)
    assert not again.created
    assert Message.objects.filter(inbox=inbox).count() == 1


def test_bad_signature_is_refused_before_parsing(inbox):
    with pytest.raises(SignatureMismatch):
        connector.read_delivery(inbox, b"{not json", sign("wrong", b"{not json"))


def test_image_is_fetched_with_the_token_and_stored(inbox, fake_graph):  # noqa: F811
    fake_graph.answer(
        "/v21.0/1003383421387256",
        200,
        {"url": f"{fake_graph.base_url}/media/colis", "mime_type": "image/jpeg", "file_size": 80},
    )
    fake_graph.answer("/media/colis", 200, JPEG, "image/jpeg")
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "image"))
    (attachment,) = result.message.attachments.all()
    assert attachment.content_type == "image/jpeg" and attachment.size == len(JPEG)
    assert result.message.body == "Le colis abîmé"
    assert all(r.headers["Authorization"] == "Bearer EAAG-token" for r in fake_graph.requests)
    assert fake_graph.requests[0].query == {"phone_number_id": [PHONE_NUMBER_ID]}


def test_oversized_media_is_refused_and_the_text_kept(inbox, fake_graph):  # noqa: F811
    fake_graph.answer(
        "/v21.0/1003383421387256",
        200,
        {"url": f"{fake_graph.base_url}/media/big", "mime_type": "image/jpeg", "file_size": 5000},
    )
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "image"))
    assert not result.message.attachments.exists()
    assert result.message.body.startswith("Le colis abîmé\n")
    assert "5000" in result.message.body
    assert not [r for r in fake_graph.requests if r.path == "/media/big"]  # never downloaded


def test_media_whose_bytes_lie_about_their_type_is_refused(inbox, fake_graph):  # noqa: F811
    fake_graph.answer(
        "/v21.0/2003383421387257",
        200,
        {"url": f"{fake_graph.base_url}/media/doc", "mime_type": "application/pdf"},
    )
    fake_graph.answer("/media/doc", 200, b"MZ\x90\x00" + b"\x00" * 60, "application/pdf")
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "document"))
    assert not result.message.attachments.exists()
    assert result.message.body  # the refusal is said, so the message is kept


def test_reply_is_sent_to_the_cloud_api_and_status_webhooks_update_it(inbox, agent, fake_graph):  # noqa: F811
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    answer = reply(result.conversation, agent, "Bonjour Camille, je regarde votre commande.")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    (call,) = fake_graph.posts(f"/v21.0/{PHONE_NUMBER_ID}/messages")
    assert call.headers["Authorization"] == "Bearer EAAG-token"
    assert call.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "33612345678",
        "type": "text",
        "text": {"preview_url": False, "body": "Bonjour Camille, je regarde votre commande."},
    }
    answer.refresh_from_db()
    for status in ("delivered", "read"):
        deliver(inbox, status_body(f"status_{status}", answer.provider_message_id))
        answer.refresh_from_db()
        assert answer.status == status


def test_failed_status_shows_the_error_to_the_agent(inbox, agent):
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    answer = reply(result.conversation, agent, "Bonjour")
    deliver_message(answer.pk)
    answer.refresh_from_db()
    deliver(inbox, status_body("status_failed", answer.provider_message_id))
    answer.refresh_from_db()
    assert answer.status == DeliveryStatus.FAILED
    assert "24" in answer.error and "Re-engagement message" in answer.error


def _close_window(conversation):
    Message.objects.filter(conversation=conversation, direction=Direction.INBOUND).update(
        created_at=timezone.now() - timedelta(hours=25)
    )


def test_free_reply_outside_the_24_hour_window_is_refused_without_calling_meta(
    inbox,
    agent,
    fake_graph,  # noqa: F811
):
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    _close_window(result.conversation)
    answer = reply(result.conversation, agent, "Bonjour, toujours là ?")
    assert deliver_message(answer.pk) == DeliveryStatus.FAILED
    answer.refresh_from_db()
    assert "24" in answer.error and "template" in answer.error
    assert fake_graph.posts("/messages") == []


def test_template_is_sent_outside_the_window(inbox, agent, fake_graph):  # noqa: F811
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    _close_window(result.conversation)
    answer = reply(result.conversation, agent, "Suivi de commande")
    choice = {"name": "suivi_commande", "language": "fr", "parameters": ["Camille", "1042"]}
    Message.objects.filter(pk=answer.pk).update(metadata={"template": choice})
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    (call,) = fake_graph.posts("/messages")
    assert call.json()["type"] == "template"
    assert call.json()["template"]["name"] == "suivi_commande"
    assert call.json()["template"]["components"][0]["parameters"][1] == {
        "type": "text",
        "text": "1042",
    }


def test_unconfigured_template_is_refused(inbox, agent):
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    answer = reply(result.conversation, agent, "x")
    Message.objects.filter(pk=answer.pk).update(metadata={"template": {"name": "inconnu"}})
    assert deliver_message(answer.pk) == DeliveryStatus.FAILED


def test_reply_buttons_are_sent_as_an_interactive_message(inbox, agent, fake_graph):  # noqa: F811
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    answer = reply(result.conversation, agent, "Avez-vous reçu le colis ?")
    buttons = [{"id": "yes", "title": "Oui"}, {"id": "no", "title": "Non"}]
    Message.objects.filter(pk=answer.pk).update(metadata={"buttons": buttons})
    deliver_message(answer.pk)
    (call,) = fake_graph.posts("/messages")
    assert call.json()["interactive"]["action"]["buttons"][1]["reply"]["title"] == "Non"


def test_rate_limit_is_retried_and_re_engagement_fails_in_plain_words(
    inbox,
    agent,
    fake_graph,  # noqa: F811
):
    (result,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    path = f"/v21.0/{PHONE_NUMBER_ID}/messages"
    error = {"message": "(#130429) Rate limit hit", "type": "OAuthException", "code": 130429}
    fake_graph.answer(path, 400, {"error": error})
    answer = reply(result.conversation, agent, "Bonjour")
    assert deliver_message(answer.pk) == DeliveryStatus.QUEUED
    error = {"message": "(#131047) Re-engagement message", "code": 131047}
    fake_graph.answer(path, 400, {"error": error})
    Message.objects.filter(pk=answer.pk).update(lease_until=None)
    assert deliver_message(answer.pk) == DeliveryStatus.FAILED
    answer.refresh_from_db()
    assert "template" in answer.error


def test_secrets_are_not_shown_and_a_phone_number_id_belongs_to_one_inbox(inbox):
    shown = connector.public_config(inbox)
    assert "access_token" not in shown and "app_secret" not in shown
    assert "verify_token" not in shown and shown["phone_number_id"] == PHONE_NUMBER_ID
    assert connector.conflicts(inbox.config, None)[0]["field"] == "phone_number_id"
    assert connector.conflicts(inbox.config, inbox.pk) == []


@pytest.mark.parametrize(
    "change",
    [
        {"phone_number_id": "abc"},
        {"verify_token": "short"},
        {"api_version": "21"},
        {"templates": [TEMPLATE, TEMPLATE]},
        {"templates": [{"name": "Bad Name", "language": "fr"}]},
        {"unknown": 1},
    ],
)
def test_invalid_settings_are_refused(inbox, change):
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        connector.validate_config({**inbox.config, **change})


def test_handshake_answers_the_challenge_only_for_the_verify_token(inbox):
    from relais.connectors.meta.signature import HandshakeRefused

    params = {"hub.mode": "subscribe", "hub.verify_token": "verify-me-123", "hub.challenge": "42"}
    assert connector.challenge(inbox, params) == "42"
    with pytest.raises(HandshakeRefused):
        connector.challenge(inbox, {**params, "hub.verify_token": "nope"})
