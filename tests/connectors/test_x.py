"""X end to end against a fake v2 API: CRC, DMs, public mentions, hostile input."""

import json

import pytest
from django.test import Client

from relais.connectors.x.connector import SIGNATURE_HEADER, body_signature, crc_response_token
from relais.conversations.actions import reply
from relais.conversations.models import Conversation, DeliveryStatus, Message
from relais.conversations.outbox import deliver_message
from tests.connectors.fake_provider import Reply
from tests.factories import make_agent, make_inbox, make_team

OURS = "1000"
SECRET = "consumer-secret-xyz"
ACCESS = "user-access-token"


@pytest.fixture
def x_inbox(db, fake_provider):
    inbox = make_inbox(
        "x",
        name="@boutique",
        user_id=OURS,
        consumer_secret=SECRET,
        access_token=ACCESS,
        api_base_url=fake_provider.url,
    )
    make_team("Social", inboxes=[inbox])
    return inbox


def dm(event_id="e1", sender="2000", text="Bonjour, ma commande ?"):
    return {
        "for_user_id": OURS,
        "direct_message_events": [
            {
                "type": "message_create",
                "id": event_id,
                "created_timestamp": "1700000000000",
                "message_create": {
                    "target": {"recipient_id": OURS if sender != OURS else "2000"},
                    "sender_id": sender,
                    "message_data": {"text": text},
                },
            }
        ],
        "users": {"2000": {"id": "2000", "name": "Marc", "screen_name": "marc_l"}},
    }


def mention(tweet_id="t1", author="2000", text="@boutique colis perdu !", in_reply_to=None):
    return {
        "for_user_id": OURS,
        "tweet_create_events": [
            {
                "id_str": tweet_id,
                "text": text,
                "user": {"id_str": author, "name": "Marc", "screen_name": "marc_l"},
                "in_reply_to_status_id_str": in_reply_to,
            }
        ],
    }


def post(inbox, data, *, secret=SECRET, raw=None):
    body = raw if raw is not None else json.dumps(data).encode()
    return Client().post(
        f"/webhooks/x/{inbox.public_key}/",
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: body_signature(secret, body)},
    )


def test_crc_challenge_answers_the_hmac_of_the_token(x_inbox):
    response = Client().get(f"/webhooks/x/{x_inbox.public_key}/", {"crc_token": "challenge"})
    assert response.status_code == 200
    assert response.json() == {"response_token": crc_response_token(SECRET, "challenge")}
    assert Client().get(f"/webhooks/x/{x_inbox.public_key}/").status_code == 400


def test_dm_to_conversation_to_dm_reply_to_read_status(x_inbox, fake_provider):
    assert post(x_inbox, dm()).status_code == 200
    conversation = Conversation.objects.get()
    assert not conversation.is_public and conversation.contact.name == "Marc"
    path = "/2/dm_conversations/with/2000/messages"
    fake_provider.on(
        "POST", path, Reply(201, json={"data": {"dm_conversation_id": "c", "dm_event_id": "e2"}})
    )
    answer = reply(conversation, make_agent(), "Elle part demain.")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    [call] = fake_provider.requests_to(path)
    assert call.json() == {"text": "Elle part demain."}
    assert call.headers["authorization"] == f"Bearer {ACCESS}"

    read = {
        "for_user_id": OURS,
        "direct_message_mark_read_events": [
            {"sender_id": "2000", "target": {"recipient_id": OURS}, "last_read_event_id": "dm:e2"}
        ],
    }
    assert post(x_inbox, read).status_code == 200
    answer.refresh_from_db()
    assert answer.status == DeliveryStatus.READ


def test_mention_is_a_public_conversation_answered_by_a_reply_tweet(x_inbox, fake_provider):
    post(x_inbox, dm())
    post(x_inbox, mention())
    public = Conversation.objects.get(is_public=True)
    assert Conversation.objects.count() == 2  # the DM thread stays private
    fake_provider.on("POST", "/2/tweets", Reply(201, json={"data": {"id": "t2", "text": "…"}}))
    answer = reply(public, make_agent(), "@marc_l nous regardons.")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    [call] = fake_provider.requests_to("/2/tweets")
    assert call.json() == {
        "text": "@marc_l nous regardons.",
        "reply": {"in_reply_to_tweet_id": "t1"},
    }
    # The customer answers our tweet: same public conversation.
    post(x_inbox, mention("t3", text="@boutique merci", in_reply_to="t2"))
    assert Message.objects.get(provider_message_id="tweet:t3").conversation_id == public.pk
    # A new mention, answering nothing: a new public conversation.
    post(x_inbox, mention("t4", text="@boutique autre souci"))
    assert Conversation.objects.filter(is_public=True).count() == 2


def test_reply_privately_to_a_mention_sends_a_dm(x_inbox, fake_provider):
    post(x_inbox, mention())
    path = "/2/dm_conversations/with/2000/messages"
    fake_provider.on("POST", path, Reply(201, json={"data": {"dm_event_id": "e9"}}))
    answer = reply(Conversation.objects.get(), make_agent(), "Votre numéro de commande ?")
    Message.objects.filter(pk=answer.pk).update(metadata={"reply_privately": True})
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    assert fake_provider.requests_to(path) and not fake_provider.requests_to("/2/tweets")


def test_public_reply_over_280_characters_is_refused(x_inbox):
    post(x_inbox, mention())
    answer = reply(Conversation.objects.get(), make_agent(), "x" * 281)
    assert deliver_message(answer.pk) == DeliveryStatus.FAILED


def test_our_own_events_and_unknown_types_are_acknowledged_not_stored(x_inbox):
    assert post(x_inbox, dm(sender=OURS)).status_code == 200
    assert post(x_inbox, mention(author=OURS)).status_code == 200
    assert post(x_inbox, {"for_user_id": OURS, "follow_events": [{}]}).status_code == 200
    assert not Message.objects.exists()


def test_bad_signature_is_a_401_and_nothing_is_stored(x_inbox):
    assert post(x_inbox, dm(), secret="wrong-secret").status_code == 401
    response = Client().post(
        f"/webhooks/x/{x_inbox.public_key}/", json.dumps(dm()), content_type="application/json"
    )
    assert response.status_code == 401
    assert not Message.objects.exists()


def test_replayed_events_are_stored_once(x_inbox):
    post(x_inbox, dm())
    post(x_inbox, dm())
    post(x_inbox, mention())
    post(x_inbox, mention())
    assert Message.objects.count() == 2


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{not json", "malformed JSON"),
        (b'{"direct_message_events": {}}', "list of objects"),
        (b'{"direct_message_events": [{"type": "message_create"}]}', "needs id"),
        (b'{"tweet_create_events": [{"id_str": "1"}]}', "needs id_str and user"),
    ],
)
def test_malformed_events_are_a_400_with_the_reason(x_inbox, raw, reason):
    response = post(x_inbox, None, raw=raw)
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_console_marks_a_public_conversation_and_asks_before_a_public_reply(x_inbox):
    from relais.accounts.models import Role

    post(x_inbox, mention())
    conversation = Conversation.objects.get()
    agent = make_agent(Role.ADMIN)
    client = Client()
    client.force_login(agent)
    page = client.get(f"/c/{conversation.pk}/").content.decode()
    assert 'data-testid="public-badge"' in page and 'data-testid="reply-privately"' in page
    assert 'maxlength="280"' in page
    client.post(f"/c/{conversation.pk}/reply/", {"body": "Bonjour"})
    assert not conversation.messages.filter(direction="out").exists()
    client.post(f"/c/{conversation.pk}/reply/", {"body": "Bonjour", "reply_privately": "1"})
    assert conversation.messages.get(direction="out").metadata == {"reply_privately": True}
