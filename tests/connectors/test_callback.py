"""Callback requests (the "connected button") through the API channel."""

import json
from datetime import timedelta

import pytest
from django.test import Client

from relais.accounts.models import Role
from relais.connectors.actions import create_inbox
from relais.connectors.api_channel import signed_headers
from relais.conversations.actions import reply
from relais.conversations.errors import InvalidInput
from relais.conversations.models import Conversation, DeliveryStatus, Message
from relais.conversations.outbox import deliver_message
from tests.factories import make_agent, make_inbox, make_team
from tests.web.conftest import console_client


@pytest.fixture
def api_inbox(db):
    inbox = make_inbox("api", name="Appli mobile", webhook_url="http://127.0.0.1:9/never")
    make_team("Rappels", inboxes=[inbox])
    return inbox


def callback_request(request_id="cb-1", **fields):
    return {
        "request_id": request_id,
        "customer": {"id": "user-42", "name": "Chloé Martin", "email": "chloe@example.com"},
        "phone": "+33 6 12 34 56 78",
        "preferred_time": "2026-12-02T14:30:00+01:00",
        "reason": "Ma commande est arrivée abîmée",
        "order_history": [
            {
                "order_id": "CMD-1001",
                "date": "2026-11-20",
                "total": "59.90 EUR",
                "status": "livrée",
                "items": [{"name": "Théière fonte", "quantity": 1, "sku": "TH-01"}, "Tasses"],
            }
        ],
        "device": {
            "platform": "iOS",
            "os_version": "18.1",
            "app_version": "4.2.0",
            "model": "iPhone 15",
            "push_token": "a1b2c3d4e5f6g7h8i9",
        },
        "locale": "fr-FR",
        **fields,
    }


def post_request(inbox, data, *, secret=None, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(data).encode()
    return Client(headers={"accept-language": "en"}).post(
        f"/api/v1/channels/api/{inbox.public_key}/callback-requests",
        body,
        content_type="application/json",
        headers=signed_headers(secret or inbox.secret, body),
    )


def test_signed_request_opens_a_call_conversation_routed_with_the_call_sla(api_inbox):
    response = post_request(api_inbox, callback_request())
    assert response.status_code == 201, response.content
    conversation = Conversation.objects.get(pk=response.json()["conversation_id"])
    assert conversation.channel == "callback" and conversation.inbox == api_inbox
    # The call service level: an answer due within a minute, not messaging's 30.
    assert conversation.due_at - conversation.waiting_since == timedelta(seconds=60)
    message = conversation.messages.get()
    assert message.body == "Ma commande est arrivée abîmée"
    assert message.provider_message_id == "callback:cb-1"
    stored = message.metadata["callback"]
    assert stored["phone"] == "+33612345678"
    assert stored["order_history"][0]["order_id"] == "CMD-1001"
    assert stored["device"]["push_token"] == "…g7h8i9"  # never the whole credential
    identities = {(i.kind, i.value) for i in conversation.contact.identities.all()}
    assert ("external_id", f"{api_inbox.pk}:user-42") in identities
    assert ("phone", "+33612345678") in identities


def test_conversation_page_shows_the_orders_device_and_preferred_time(api_inbox):
    agent = make_agent(teams=[api_inbox.teams.get()])
    conversation_id = post_request(api_inbox, callback_request()).json()["conversation_id"]
    page = console_client(agent).get(f"/c/{conversation_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="callback-request"' in html
    assert "CMD-1001" in html and "Théière fonte" in html and "59.90 EUR" in html
    assert "iPhone 15" in html and "4.2.0" in html and "a1b2c3d4e5f6" not in html
    assert 'href="tel:+33612345678"' in html
    assert page.context["request_context"]["preferred_time"].isoformat() == (
        "2026-12-02T14:30:00+01:00"
    )
    # Nothing typed here would reach the customer: the box says so.
    assert 'data-testid="reply-text-disabled"' in html


def test_request_without_preferred_time_or_orders_is_accepted(api_inbox):
    data = callback_request(order_history=[], device=None)
    del data["preferred_time"]
    response = post_request(api_inbox, data)
    assert response.status_code == 201
    agent = make_agent(Role.ADMIN)
    html = console_client(agent).get(f"/c/{response.json()['conversation_id']}/")
    assert "As soon as possible" in html.content.decode()


def test_bad_signature_is_a_401_and_nothing_is_stored(api_inbox):
    response = post_request(api_inbox, callback_request(), secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not Message.objects.exists() and not Conversation.objects.exists()


def test_replayed_request_is_stored_once(api_inbox):
    first = post_request(api_inbox, callback_request())
    second = post_request(api_inbox, callback_request())
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["duplicate"] is True
    assert second.json()["conversation_id"] == first.json()["conversation_id"]
    assert Message.objects.count() == 1


def test_request_id_does_not_collide_with_a_message_id(api_inbox):
    from tests.connectors.test_api_channel import payload, post_inbound

    assert post_inbound(api_inbox, payload(message_id="cb-1")).status_code == 201
    assert post_request(api_inbox, callback_request()).status_code == 201
    assert Conversation.objects.count() == 2  # a request never joins a written thread


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "06 12 34 56 78"}, "phone"),  # not international
        ({"phone": "+33 1"}, "phone"),
        ({"preferred_time": "tomorrow afternoon"}, "preferred_time"),
        ({"request_id": ""}, "request_id"),
        ({"order_history": [{"total": "12 EUR"}]}, "order_history.0.order_id"),
        ({"device": {"platform": "iOS", "imei": "35"}}, "device.imei"),
        ({"customer": {"name": "Sans id"}}, "customer.id"),
        ({"unexpected": True}, "unexpected"),
    ],
)
def test_malformed_request_is_a_400_naming_the_field(api_inbox, change, field):
    response = post_request(api_inbox, callback_request(**change))
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid_payload"
    assert field in {item["field"] for item in body["fields"]}
    assert not Message.objects.exists()


def test_malformed_json_is_a_400(api_inbox):
    response = post_request(api_inbox, None, raw=b'{"request_id": ')
    assert response.status_code == 400
    assert "malformed JSON" in response.json()["error"]["message"]


def test_agent_outside_the_inbox_teams_cannot_see_the_request(api_inbox):
    conversation_id = post_request(api_inbox, callback_request()).json()["conversation_id"]
    outsider = make_agent(teams=[make_team("Autre équipe")])
    assert console_client(outsider).get(f"/c/{conversation_id}/").status_code == 404


def test_text_reply_is_refused_in_plain_words(api_inbox):
    agent = make_agent(teams=[api_inbox.teams.get()])
    conversation_id = post_request(api_inbox, callback_request()).json()["conversation_id"]
    response = console_client(agent).post(
        f"/c/{conversation_id}/reply/", {"body": "Je vous rappelle"}, follow=True
    )
    assert "answered by phone" in response.content.decode()
    assert not Message.objects.filter(direction="outbound").exists()
    # Through another path (the API), the outbox refuses it for good.
    message = reply(Conversation.objects.get(pk=conversation_id), agent, "Je vous rappelle")
    assert deliver_message(message.pk) == DeliveryStatus.FAILED
    message.refresh_from_db()
    assert "answered by phone" in message.error


def test_no_inbox_of_the_callback_kind_can_be_created(db):
    with pytest.raises(InvalidInput):
        create_inbox(by=make_agent(Role.ADMIN), kind="callback", name="Rappels", settings={})


def test_later_messages_of_the_customer_do_not_join_their_callback(api_inbox):
    from tests.connectors.test_api_channel import payload, post_inbound

    callback = post_request(api_inbox, callback_request()).json()["conversation_id"]
    first = post_inbound(api_inbox, payload("m-1", "Et ma facture ?"))
    assert first.status_code in (200, 201), first.content
    written = first.json()["conversation_id"]
    assert written != callback
    assert Conversation.objects.get(pk=written).channel == "api"
    # The written conversation goes on as usual; the callback keeps its one request.
    second = post_inbound(api_inbox, payload("m-2", "Merci"))
    assert second.json()["conversation_id"] == written
    assert Conversation.objects.get(pk=callback).messages.count() == 1
