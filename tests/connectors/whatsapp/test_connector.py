"""WhatsApp end to end against a fake Graph API: signed webhook → conversation
→ agent reply → a correctly formed, authenticated Cloud API call → status
webhook → delivery state; the 24-hour window and templates; errors."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relais.connectors.meta.signature import sign
from relais.connectors.webhooks import webhook_path
from relais.connectors.whatsapp import WhatsAppConnector
from relais.connectors.whatsapp.config import WhatsAppConfig
from relais.contacts.models import Identity
from relais.conversations.actions import reply
from relais.conversations.models import Conversation, DeliveryStatus, Direction, Message
from relais.conversations.outbox import deliver_message
from tests.connectors.fake_provider import Reply
from tests.connectors.meta.payloads import fixture, fixture_bytes
from tests.connectors.tasks import after_commit
from tests.factories import make_agent, make_inbox, make_team

APP_SECRET = "wa-app-secret"
PHONE_NUMBER_ID = "106540352242922"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
TEMPLATE = {"name": "suivi_commande", "language": "fr", "parameters": ["prénom", "commande"]}
connector = WhatsAppConnector()


@pytest.fixture
def inbox(db, fake_provider):
    config = WhatsAppConfig.model_validate(
        {
            "phone_number_id": PHONE_NUMBER_ID,
            "access_token": "EAAG-token",
            "app_secret": APP_SECRET,
            "verify_token": "verify-me-123",
            "api_base_url": fake_provider.url,
            "templates": [TEMPLATE],
        }
    ).model_dump(mode="json")
    return make_inbox("whatsapp", name="WhatsApp boutique", **config)


@pytest.fixture
def agent(inbox):
    return make_agent(teams=[make_team(inboxes=[inbox])])


MESSAGES = f"/v21.0/{PHONE_NUMBER_ID}/messages"


@pytest.fixture(autouse=True)
def cloud_api(fake_provider):
    """The Cloud API's documented answer to a send."""
    answers = [
        Reply(json={"messaging_product": "whatsapp", "messages": [{"id": f"wamid.SENT{n}"}]})
        for n in range(1, 5)
    ]
    fake_provider.on("POST", MESSAGES, *answers)


def post(inbox, body: bytes, signature: str | None = "sign"):
    headers = {}
    if signature == "sign":
        headers["HTTP_X_HUB_SIGNATURE_256"] = sign(APP_SECRET, body)
    elif signature:
        headers["HTTP_X_HUB_SIGNATURE_256"] = signature
    url = webhook_path("whatsapp", inbox.public_key)
    return Client().post(url, body, content_type="application/json", **headers)


def deliver(inbox, body: bytes):
    before = set(Message.objects.filter(inbox=inbox).values_list("pk", flat=True))
    response = post(inbox, body)
    assert response.status_code == 200, response.content
    return Message.objects.filter(inbox=inbox).exclude(pk__in=before).order_by("pk")


def status_body(name: str, wamid: str) -> bytes:
    data = fixture("whatsapp", name)
    data["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] = wamid
    return json.dumps(data).encode()


def media_node(fake_provider, media_id, path, size, mime="image/jpeg"):
    node = {
        "url": f"{fake_provider.url}{path}",
        "mime_type": mime,
        "file_size": size,
        "id": media_id,
    }
    fake_provider.on("GET", f"/v21.0/{media_id}", Reply(json=node))


def test_text_message_opens_a_conversation_for_the_phone_number(inbox):
    (message,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    conversation = message.conversation
    assert conversation.channel == "whatsapp" and not conversation.is_public
    assert conversation.contact.name == "Camille Durand"
    assert Identity.objects.get(contact=conversation.contact).value == "+33612345678"
    assert message.body == "Bonjour, ma commande 1042 n'est pas arrivée"


def test_next_message_of_the_same_number_joins_the_conversation(inbox):
    (first,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    (second,) = deliver(inbox, fixture_bytes("whatsapp", "location"))
    assert second.conversation_id == first.conversation_id
    assert second.metadata["whatsapp"]["location"]["longitude"] == 2.3522


def test_replayed_delivery_is_stored_once(inbox):
    body = fixture_bytes("whatsapp", "text")
    deliver(inbox, body)
    assert post(inbox, body).status_code == 200
    assert Message.objects.filter(inbox=inbox).count() == 1


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, sign("other", b"{}")])
def test_bad_or_missing_signature_is_refused_and_nothing_stored(inbox, signature):
    response = post(inbox, fixture_bytes("whatsapp", "text"), signature)
    assert response.status_code == 401
    assert not Message.objects.exists() and not Conversation.objects.exists()


def test_malformed_json_gets_400_with_the_reason(inbox):
    response = post(inbox, b'{"object": "whatsapp_business_account", "entry": [')
    assert response.status_code == 400 and b"malformed JSON" in response.content


@pytest.mark.parametrize("name", ["unsupported", "template_status_update", "reaction"])
def test_unknown_types_and_fields_are_acknowledged(inbox, name):
    assert post(inbox, fixture_bytes("whatsapp", name)).status_code == 200


def test_handshake_echoes_the_challenge_and_refuses_a_wrong_token(inbox):
    url = webhook_path("whatsapp", inbox.public_key)
    query = {"hub.mode": "subscribe", "hub.verify_token": "verify-me-123", "hub.challenge": "1158"}
    response = Client().get(url, query)
    assert response.status_code == 200 and response.content == b"1158"
    response = Client().get(url, {**query, "hub.verify_token": "wrong"})
    assert response.status_code == 403


def test_image_is_fetched_with_the_token_and_stored(inbox, fake_provider):
    media_node(fake_provider, "1003383421387256", "/media/colis", len(JPEG))
    fake_provider.on("GET", "/media/colis", Reply(body=JPEG, content_type="image/jpeg"))
    with after_commit():
        (message,) = deliver(inbox, fixture_bytes("whatsapp", "image"))
        assert not fake_provider.requests  # the webhook answered first
        assert message.metadata["pending_media"][0]["ref"] == "1003383421387256"
    message.refresh_from_db()
    assert "pending_media" not in message.metadata
    (attachment,) = message.attachments.all()
    assert attachment.content_type == "image/jpeg" and attachment.size == len(JPEG)
    assert message.body == "Le colis abîmé"
    media_calls = [r for r in fake_provider.requests if r.method == "GET"]
    assert [r.headers["authorization"] for r in media_calls] == ["Bearer EAAG-token"] * 2
    assert media_calls[0].query == {"phone_number_id": [PHONE_NUMBER_ID]}


def test_oversized_media_is_refused_and_the_text_kept(inbox, fake_provider, settings):
    settings.RELAIS_MEDIA_MAX_BYTES = 1024
    media_node(fake_provider, "1003383421387256", "/media/big", 5000)
    with after_commit():
        (message,) = deliver(inbox, fixture_bytes("whatsapp", "image"))
    message.refresh_from_db()
    assert not message.attachments.exists()
    assert message.body == "Le colis abîmé"
    assert message.metadata["media_refused"]  # the reason, in the server's language
    assert fake_provider.requests_to("/media/big") == []  # never downloaded


def test_media_whose_bytes_are_a_program_is_refused(inbox, fake_provider):
    media_node(fake_provider, "2003383421387257", "/media/doc", 64, "application/pdf")
    program = Reply(body=b"MZ\x90\x00" + b"\x00" * 60, content_type="application/pdf")
    fake_provider.on("GET", "/media/doc", program)
    with after_commit():
        (message,) = deliver(inbox, fixture_bytes("whatsapp", "document"))
    message.refresh_from_db()
    assert not message.attachments.exists()
    assert "program" in message.metadata["media_refused"][0]  # said, and the message kept


def test_reply_reaches_the_cloud_api_and_status_webhooks_update_it(inbox, agent, fake_provider):
    (message,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    answer = reply(message.conversation, agent, "Bonjour Camille, je regarde votre commande.")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    (call,) = fake_provider.requests_to(MESSAGES, "POST")
    assert call.headers["authorization"] == "Bearer EAAG-token"
    assert call.json() == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "33612345678",
        "type": "text",
        "text": {"preview_url": False, "body": "Bonjour Camille, je regarde votre commande."},
    }
    answer.refresh_from_db()
    assert answer.provider_message_id == "wamid.SENT1"
    for status in ("delivered", "read"):
        post(inbox, status_body(f"status_{status}", answer.provider_message_id))
        answer.refresh_from_db()
        assert answer.status == status


def test_failed_status_shows_the_error_to_the_agent(inbox, agent):
    (message,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    answer = reply(message.conversation, agent, "Bonjour")
    deliver_message(answer.pk)
    answer.refresh_from_db()
    post(inbox, status_body("status_failed", answer.provider_message_id))
    answer.refresh_from_db()
    assert answer.status == DeliveryStatus.FAILED
    assert "24" in answer.error and "Re-engagement message" in answer.error


def _close_window(conversation):
    Message.objects.filter(conversation=conversation, direction=Direction.INBOUND).update(
        created_at=timezone.now() - timedelta(hours=25)
    )


def test_console_sees_when_the_window_closes(inbox):
    (message,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    constraints = connector.reply_constraints(message.conversation)
    assert constraints["window_closes_at"] == message.created_at + timedelta(hours=24)
    assert constraints["templates"] == ["suivi_commande"]


def test_free_reply_outside_the_window_is_refused_without_calling_meta(inbox, agent, fake_provider):
    (message,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    _close_window(message.conversation)
    answer = reply(message.conversation, agent, "Bonjour, toujours là ?")
    assert deliver_message(answer.pk) == DeliveryStatus.FAILED
    answer.refresh_from_db()
    assert "24" in answer.error and "template" in answer.error
    assert fake_provider.requests_to(MESSAGES) == []


def test_template_is_sent_outside_the_window(inbox, agent, fake_provider):
    (message,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    _close_window(message.conversation)
    choice = {"name": "suivi_commande", "language": "fr", "parameters": ["Camille", "1042"]}
    answer = reply(message.conversation, agent, "Suivi de commande", metadata={"template": choice})
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    (call,) = fake_provider.requests_to(MESSAGES)
    assert call.json()["type"] == "template"
    assert call.json()["template"]["name"] == "suivi_commande"
    parameters = call.json()["template"]["components"][0]["parameters"]
    assert parameters[1] == {"type": "text", "text": "1042"}


def test_unconfigured_template_is_refused(inbox, agent):
    (message,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    answer = reply(message.conversation, agent, "x", metadata={"template": {"name": "inconnu"}})
    assert deliver_message(answer.pk) == DeliveryStatus.FAILED


def test_reply_buttons_are_sent_as_an_interactive_message(inbox, agent, fake_provider):
    (message,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    buttons = [{"id": "yes", "title": "Oui"}, {"id": "no", "title": "Non"}]
    answer = reply(message.conversation, agent, "Reçu ?", metadata={"buttons": buttons})
    deliver_message(answer.pk)
    (call,) = fake_provider.requests_to(MESSAGES)
    assert call.json()["interactive"]["action"]["buttons"][1]["reply"]["title"] == "Non"


def test_rate_limit_is_retried_and_re_engagement_fails_in_plain_words(inbox, agent, fake_provider):
    (message,) = deliver(inbox, fixture_bytes("whatsapp", "text"))
    limited = {"error": {"message": "(#130429) Rate limit hit", "code": 130429}}
    re_engage = {"error": {"message": "(#131047) Re-engagement message", "code": 131047}}
    fake_provider.on("POST", MESSAGES, Reply(400, json=limited), Reply(400, json=re_engage))
    answer = reply(message.conversation, agent, "Bonjour")
    assert deliver_message(answer.pk) == DeliveryStatus.QUEUED
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
