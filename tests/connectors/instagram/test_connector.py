"""Instagram end to end against the fake provider: direct messages, comments as
public conversations answered by a reply or a private reply."""

import pytest

from relais.connectors.instagram import InstagramConfig
from relais.conversations.actions import reply
from relais.conversations.models import Conversation, DeliveryStatus
from relais.conversations.outbox import deliver_message
from tests.connectors.fake_provider import Reply
from tests.connectors.meta.payloads import fixture_bytes
from tests.connectors.meta.social_harness import APP_SECRET, deliver, post
from tests.connectors.tasks import after_commit
from tests.factories import make_agent, make_inbox, make_team

IG_ID = "17841405822304914"
IGSID = "1234567890987654"
COMMENT_ID = "17865799348089039"
SEND = "/v21.0/me/messages"


@pytest.fixture
def inbox(db, fake_provider):
    config = InstagramConfig.model_validate(
        {
            "instagram_account_id": IG_ID,
            "access_token": "IGAA-token",
            "app_secret": APP_SECRET,
            "verify_token": "verify-me-123",
            "api_base_url": fake_provider.url,
        }
    ).model_dump(mode="json")
    profile = {"name": "Camille Durand", "username": "camille.durand", "id": IGSID}
    fake_provider.on("GET", f"/v21.0/{IGSID}", Reply(json=profile))
    fake_provider.on("POST", SEND, Reply(json={"recipient_id": IGSID, "message_id": "aWdfSENT"}))
    fake_provider.on("POST", f"/v21.0/{COMMENT_ID}/replies", Reply(json={"id": "178_reply"}))
    return make_inbox("instagram", name="Instagram boutique", **config)


@pytest.fixture
def agent(inbox):
    return make_agent(teams=[make_team(inboxes=[inbox])])


def test_direct_message_is_answered_through_the_send_api_and_read(inbox, agent, fake_provider):
    with after_commit():
        (message,) = deliver(inbox, fixture_bytes("instagram", "text"))
    message.conversation.contact.refresh_from_db()
    assert message.conversation.contact.name == "Camille Durand"
    answer = reply(message.conversation, agent, "Bonjour !")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    (call,) = fake_provider.requests_to(SEND)
    assert call.json() == {
        "recipient": {"id": IGSID},
        "messaging_type": "RESPONSE",
        "message": {"text": "Bonjour !"},
    }
    read = fixture_bytes("instagram", "read").replace(b"aWdfOURS1", b"aWdfSENT")
    post(inbox, read)
    answer.refresh_from_db()
    assert answer.status == DeliveryStatus.READ


def test_comment_is_public_and_the_commenter_is_the_dm_contact(inbox):
    (comment,) = deliver(inbox, fixture_bytes("instagram", "comment"))
    assert comment.conversation.is_public
    (private,) = deliver(inbox, fixture_bytes("instagram", "text"))
    assert private.conversation.contact_id == comment.conversation.contact_id
    assert private.conversation_id != comment.conversation_id


def test_public_reply_and_private_reply(inbox, agent, fake_provider):
    (comment,) = deliver(inbox, fixture_bytes("instagram", "comment"))
    public = reply(comment.conversation, agent, "Elle revient lundi !")
    assert deliver_message(public.pk) == DeliveryStatus.SENT
    (call,) = fake_provider.requests_to(f"/v21.0/{COMMENT_ID}/replies")
    assert call.json() == {"message": "Elle revient lundi !"}
    private = reply(
        comment.conversation, agent, "Je vous la réserve ?", metadata={"reply_privately": True}
    )
    assert deliver_message(private.pk) == DeliveryStatus.SENT
    (call,) = fake_provider.requests_to(SEND)
    assert call.json()["recipient"] == {"comment_id": COMMENT_ID}


def test_hostile_input(inbox):
    assert post(inbox, fixture_bytes("instagram", "text"), None).status_code == 401
    assert post(inbox, b"[1,").status_code == 400
    assert post(inbox, fixture_bytes("instagram", "mentions")).status_code == 200
    assert post(inbox, fixture_bytes("instagram", "echo")).status_code == 200
    assert not Conversation.objects.exists()
