"""Messenger end to end against the fake provider: private messages through the
Send API with receipts; Page comments as public conversations answered
publicly or privately; hostile input."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relais.connectors.messenger import MessengerConfig, MessengerConnector
from relais.connectors.webhooks import webhook_path
from relais.contacts.models import Identity
from relais.conversations.actions import reply
from relais.conversations.models import Conversation, DeliveryStatus, Direction, Message
from relais.conversations.outbox import deliver_message
from tests.connectors.fake_provider import Reply
from tests.connectors.meta.payloads import fixture, fixture_bytes
from tests.connectors.meta.social_harness import APP_SECRET, deliver, post
from tests.connectors.tasks import after_commit
from tests.factories import make_agent, make_inbox, make_team

PAGE_ID = "109876543210987"
PSID = "7234567890123456"
COMMENT_ID = "555666777888999_1234567890123456"
SEND = "/v21.0/me/messages"


@pytest.fixture
def inbox(db, fake_provider):
    config = MessengerConfig.model_validate(
        {
            "page_id": PAGE_ID,
            "access_token": "EAAB-page-token",
            "app_secret": APP_SECRET,
            "verify_token": "verify-me-123",
            "api_base_url": fake_provider.url,
        }
    ).model_dump(mode="json")
    fake_provider.on(
        "GET",
        f"/v21.0/{PSID}",
        Reply(json={"first_name": "Camille", "last_name": "Durand", "id": PSID}),
    )
    fake_provider.on("POST", SEND, Reply(json={"recipient_id": PSID, "message_id": "m_SENT1"}))
    fake_provider.on("POST", f"/v21.0/{COMMENT_ID}/comments", Reply(json={"id": "555_reply1"}))
    return make_inbox("messenger", name="Page boutique", **config)


@pytest.fixture
def agent(inbox):
    return make_agent(teams=[make_team(inboxes=[inbox])])


def test_private_message_opens_a_conversation_with_the_name_fetched_once(inbox, fake_provider):
    with after_commit():
        (message,) = deliver(inbox, fixture_bytes("messenger", "text"))
        # The webhook request itself never waits for the Graph API.
        assert fake_provider.requests_to(f"/v21.0/{PSID}") == []
    message.conversation.contact.refresh_from_db()
    assert message.conversation.contact.name == "Camille Durand"
    assert Identity.objects.get(kind="messenger").value == PSID
    with after_commit():
        deliver(inbox, fixture_bytes("messenger", "quick_reply"))
    assert len(fake_provider.requests_to(f"/v21.0/{PSID}")) == 1


def test_reply_goes_through_the_send_api_and_receipts_update_it(inbox, agent, fake_provider):
    (message,) = deliver(inbox, fixture_bytes("messenger", "text"))
    answer = reply(message.conversation, agent, "Bonjour Camille !")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    (call,) = fake_provider.requests_to(SEND, "POST")
    assert call.headers["authorization"] == "Bearer EAAB-page-token"
    assert call.json() == {
        "recipient": {"id": PSID},
        "messaging_type": "RESPONSE",
        "message": {"text": "Bonjour Camille !"},
    }
    delivery = fixture("messenger", "delivery")
    delivery["entry"][0]["messaging"][0]["delivery"]["mids"] = ["m_SENT1"]
    post(inbox, json.dumps(delivery).encode())
    answer.refresh_from_db()
    assert answer.status == DeliveryStatus.DELIVERED
    read = fixture("messenger", "read")
    read["entry"][0]["messaging"][0]["read"]["watermark"] = int(
        (timezone.now() + timedelta(seconds=5)).timestamp() * 1000
    )
    post(inbox, json.dumps(read).encode())
    answer.refresh_from_db()
    assert answer.status == DeliveryStatus.READ


def test_outside_the_window_a_reply_is_refused_in_plain_words(inbox, agent, fake_provider):
    (message,) = deliver(inbox, fixture_bytes("messenger", "text"))
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=25))
    answer = reply(message.conversation, agent, "Toujours là ?")
    assert deliver_message(answer.pk) == DeliveryStatus.FAILED
    answer.refresh_from_db()
    assert "24" in answer.error
    assert fake_provider.requests_to(SEND) == []


def test_human_agent_tag_extends_the_window_when_enabled(inbox, agent, fake_provider):
    inbox.config["human_agent_tag"] = True
    inbox.save()
    (message,) = deliver(inbox, fixture_bytes("messenger", "text"))
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(days=2))
    answer = reply(message.conversation, agent, "Suite à votre demande")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    (call,) = fake_provider.requests_to(SEND)
    assert call.json()["messaging_type"] == "MESSAGE_TAG" and call.json()["tag"] == "HUMAN_AGENT"


def test_postback_and_echo(inbox):
    (message,) = deliver(inbox, fixture_bytes("messenger", "postback"))
    assert message.body == "Parler à un conseiller"
    assert deliver(inbox, fixture_bytes("messenger", "echo")) == []


def test_page_comment_becomes_a_public_conversation_per_post_and_commenter(inbox):
    (message,) = deliver(inbox, fixture_bytes("messenger", "comment"))
    conversation = message.conversation
    assert conversation.is_public
    assert connector_constraints(conversation)["private_reply"] is True
    again = fixture("messenger", "comment")
    value = again["entry"][0]["changes"][0]["value"]
    value["comment_id"], value["message"] = "555666777888999_2", "Et aussi la facture"
    (second,) = deliver(inbox, json.dumps(again).encode())
    assert second.conversation_id == conversation.pk
    private = deliver(inbox, fixture_bytes("messenger", "text"))[0]
    assert private.conversation_id != conversation.pk  # a private message never joins it


def connector_constraints(conversation):
    return MessengerConnector().reply_constraints(conversation)


def test_public_reply_is_a_reply_comment(inbox, agent, fake_provider):
    (message,) = deliver(inbox, fixture_bytes("messenger", "comment"))
    answer = reply(message.conversation, agent, "Nous vous écrivons en privé.")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    (call,) = fake_provider.requests_to(f"/v21.0/{COMMENT_ID}/comments")
    assert call.json() == {"message": "Nous vous écrivons en privé."}
    assert call.headers["authorization"] == "Bearer EAAB-page-token"


def test_private_reply_to_a_comment_is_addressed_by_comment_id(inbox, agent, fake_provider):
    (message,) = deliver(inbox, fixture_bytes("messenger", "comment"))
    answer = reply(
        message.conversation,
        agent,
        "Votre numéro de commande ?",
        metadata={"reply_privately": True},
    )
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    (call,) = fake_provider.requests_to(SEND)
    assert call.json()["recipient"] == {"comment_id": COMMENT_ID}
    assert fake_provider.requests_to(f"/v21.0/{COMMENT_ID}/comments") == []


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64])
def test_bad_signature_gets_401_and_nothing_is_stored(inbox, signature):
    assert post(inbox, fixture_bytes("messenger", "text"), signature).status_code == 401
    assert not Conversation.objects.exists()


def test_malformed_json_and_unknown_events(inbox):
    response = post(inbox, b"{oops")
    assert response.status_code == 400 and b"malformed JSON" in response.content
    for name in ("feed_reaction", "reaction"):
        assert post(inbox, fixture_bytes("messenger", name)).status_code == 200
    assert not Message.objects.exists()


def test_replay_is_stored_once(inbox):
    deliver(inbox, fixture_bytes("messenger", "comment"))
    assert post(inbox, fixture_bytes("messenger", "comment")).status_code == 200
    assert Message.objects.filter(direction=Direction.INBOUND).count() == 1


def test_oversized_attachment_is_refused_and_the_message_kept(inbox, fake_provider, settings):
    settings.RELAIS_MEDIA_MAX_BYTES = 10
    data = fixture("messenger", "attachment")
    data["entry"][0]["messaging"][0]["message"]["attachments"][0]["payload"]["url"] = (
        f"{fake_provider.url}/cdn/colis.jpg"
    )
    fake_provider.on("GET", "/cdn/colis.jpg", Reply(body=b"\xff\xd8\xff" + b"\x00" * 100))
    with after_commit():
        (message,) = deliver(inbox, json.dumps(data).encode())
    message.refresh_from_db()
    assert not message.attachments.exists()
    assert "larger than" in message.metadata["media_refused"][0]
    (cdn,) = fake_provider.requests_to("/cdn/colis.jpg")
    assert "authorization" not in cdn.headers  # the token never goes to a CDN


def test_wrong_verify_token_gets_403(inbox):
    url = webhook_path("messenger", inbox.public_key)
    query = {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "7"}
    assert Client().get(url, query).status_code == 403
    query["hub.verify_token"] = "verify-me-123"
    assert Client().get(url, query).content == b"7"
