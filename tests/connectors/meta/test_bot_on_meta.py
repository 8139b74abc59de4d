"""The self-care bot on Messenger and Instagram private messages, end to end
against the fake Graph API: its choices go out as Send API quick replies, the
customer's tap comes back as `message.quick_reply.payload` and is understood;
public comments never get the bot."""

import json
from dataclasses import dataclass

import pytest

from relais.connectors.instagram import InstagramConfig
from relais.connectors.messenger import MessengerConfig
from relais.conversations.models import (
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    MessageKind,
    Status,
)
from relais.core.models import Event
from relais.knowledge.actions import create_article
from tests.connectors.fake_provider import Reply
from tests.connectors.meta.payloads import fixture
from tests.connectors.meta.social_harness import APP_SECRET, deliver
from tests.connectors.tasks import after_commit
from tests.factories import make_inbox

SEND = "/v21.0/me/messages"


@dataclass(frozen=True)
class Channel:
    kind: str
    object_type: str
    account_field: str
    account_id: str
    sender_id: str
    config_model: type


CHANNELS = [
    Channel("messenger", "page", "page_id", "109876543210987", "7234567890123456", MessengerConfig),
    Channel(
        "instagram",
        "instagram",
        "instagram_account_id",
        "17841405822304914",
        "1234567890987654",
        InstagramConfig,
    ),
]


@pytest.fixture(params=CHANNELS, ids=lambda channel: channel.kind)
def channel(request):
    return request.param


@pytest.fixture
def articles(db):
    return {
        title: create_article(
            title=title,
            body=f"{title} : depuis votre compte, tant que le colis n'est pas parti.",
            locale="fr",
            status="published",
            questions=questions,
        )
        for title, questions in [
            ("Annuler ma commande", ["je veux annuler ma commande", "annuler une commande"]),
            ("Modifier ma commande", ["changer ma commande", "modifier une commande"]),
        ]
    }


@pytest.fixture
def inbox(db, channel, fake_provider):
    config = channel.config_model.model_validate(
        {
            channel.account_field: channel.account_id,
            "access_token": "EAAB-token",
            "app_secret": APP_SECRET,
            "verify_token": "verify-me-123",
            "api_base_url": fake_provider.url,
            "fetch_profile": False,
            "bot": {"enabled": True, "name": "Robin"},
        }
    ).model_dump(mode="json")
    # Each send gets its own mid, as from Meta (the outbox stores them, unique).
    mids = [Reply(json={"recipient_id": "x", "message_id": f"m_BOT{n}"}) for n in range(12)]
    fake_provider.on("POST", SEND, *mids)
    return make_inbox(channel.kind, name=f"{channel.kind} avec bot", **config)


def say(inbox, channel, text, *, payload="", number=[0]):  # noqa: B006 (a counter)
    """The customer writes (or taps a quick reply); the bot's task and its
    sends run after the commit."""
    number[0] += 1
    message = {"mid": f"m_{channel.kind}_{number[0]}", "text": text}
    if payload:
        message["quick_reply"] = {"payload": payload}
    body = {
        "object": channel.object_type,
        "entry": [
            {
                "id": channel.account_id,
                "time": 1750857384123,
                "messaging": [
                    {
                        "sender": {"id": channel.sender_id},
                        "recipient": {"id": channel.account_id},
                        "timestamp": 1750857384000 + number[0],
                        "message": message,
                    }
                ],
            }
        ],
    }
    with after_commit():
        (received,) = deliver(inbox, json.dumps(body).encode())
    return Conversation.objects.get(pk=received.conversation_id)


def sent(fake_provider) -> list[dict]:
    return [call.json() for call in fake_provider.requests_to(SEND, "POST")]


def payloads(send: dict) -> list[str]:
    return [item["payload"] for item in send["message"]["quick_replies"]]


def test_the_bot_asks_with_quick_replies_and_answers_the_tapped_article(
    inbox, channel, articles, fake_provider
):
    conversation = say(inbox, channel, "ma commande")
    assert conversation.bot_held_since is not None  # not in the agents' queue
    (ask,) = sent(fake_provider)
    assert ask["recipient"] == {"id": channel.sender_id}
    assert ask["messaging_type"] == "RESPONSE"
    cancel, change = articles["Annuler ma commande"], articles["Modifier ma commande"]
    assert set(payloads(ask)) == {f"article:{cancel.pk}", f"article:{change.pk}", "handover"}
    for button in ask["message"]["quick_replies"]:
        assert button["content_type"] == "text" and 0 < len(button["title"]) <= 20
    # An article title does not fit a button: the text lists the choices in full.
    assert "Annuler ma commande" in ask["message"]["text"]
    tapped = next(
        b for b in ask["message"]["quick_replies"] if b["payload"].endswith(str(cancel.pk))
    )
    say(inbox, channel, tapped["title"], payload=tapped["payload"])
    answer = sent(fake_provider)[1]
    assert "/help/" in answer["message"]["text"]
    assert payloads(answer) == ["yes", "no", "handover"]
    assert Event.objects.filter(kind="bot.answered", data__article_id=cancel.pk).exists()
    bot_sends = Message.objects.filter(direction=Direction.OUTBOUND, kind=MessageKind.MESSAGE)
    assert set(bot_sends.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_yes_tapped_after_an_answer_thanks_and_resolves(inbox, channel, articles, fake_provider):
    say(inbox, channel, "je veux annuler ma commande")
    assert payloads(sent(fake_provider)[0]) == ["yes", "no", "handover"]
    conversation = say(inbox, channel, "1. Oui", payload="yes")
    assert conversation.status == Status.RESOLVED
    assert "quick_replies" not in sent(fake_provider)[1]["message"]  # thanks: no choices
    assert Event.objects.filter(kind="bot.feedback", data__value="yes").exists()


def test_no_tapped_offers_the_other_article_considered(inbox, channel, articles, fake_provider):
    say(inbox, channel, "ma commande")  # two articles: which one?
    cancel, change = articles["Annuler ma commande"], articles["Modifier ma commande"]
    say(inbox, channel, "1. Annuler ma…", payload=f"article:{cancel.pk}")
    conversation = say(inbox, channel, "2. Non", payload="no")
    assert conversation.bot_held_since is not None
    assert Event.objects.filter(kind="bot.feedback", data__value="no").exists()
    assert payloads(sent(fake_provider)[2]) == [f"article:{change.pk}", "handover"]


def test_no_tapped_with_nothing_else_to_offer_hands_over(inbox, channel, articles, fake_provider):
    say(inbox, channel, "je veux annuler ma commande")
    conversation = say(inbox, channel, "2. Non", payload="no")
    assert conversation.bot_held_since is None
    assert Event.objects.filter(kind="bot.handed_over", data__reason="not_helpful").exists()
    assert "quick_replies" not in sent(fake_provider)[1]["message"]


def test_talk_to_a_person_tapped_hands_over_to_the_agents(inbox, channel, articles, fake_provider):
    say(inbox, channel, "je veux annuler ma commande")
    conversation = say(inbox, channel, "3. Parler à une…", payload="handover")
    assert conversation.bot_held_since is None and conversation.waiting_since is not None
    assert conversation.due_at is not None  # the agents' clock runs now
    assert Event.objects.filter(kind="bot.handed_over", data__reason="person_requested").exists()
    assert len(sent(fake_provider)) == 2  # the handover message, no more
    say(inbox, channel, "Vous êtes là ?")
    assert len(sent(fake_provider)) == 2  # the bot has stepped aside


def test_a_payload_the_bot_did_not_offer_is_read_as_text(inbox, channel, articles, fake_provider):
    say(inbox, channel, "je veux annuler ma commande")
    say(inbox, channel, "Oui", payload="article:999999")
    assert not Event.objects.filter(kind="bot.answered", data__article_id=999999).exists()
    assert Event.objects.filter(kind="bot.feedback", data__value="yes").exists()  # "Oui"


def test_public_comments_never_get_the_bot(inbox, channel, articles, fake_provider):
    comment = fixture(channel.kind, "comment")
    comment["entry"][0]["id"] = channel.account_id
    with after_commit():
        (message,) = deliver(inbox, json.dumps(comment).encode())
    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert conversation.is_public
    assert conversation.bot_held_since is None and conversation.waiting_since is not None
    assert sent(fake_provider) == []
    assert not Event.objects.filter(kind__startswith="bot.").exists()
