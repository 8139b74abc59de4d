"""Telegram end to end against a fake Bot API, and its hostile-input suite."""

import json
import logging

import pytest
from django.test import Client

from relais.connectors.telegram.connector import SECRET_HEADER
from relais.contacts.models import Identity
from relais.conversations.actions import reply
from relais.conversations.models import Conversation, DeliveryStatus, Message
from relais.conversations.outbox import deliver_message
from tests.connectors.fake_provider import Reply
from tests.connectors.tasks import after_commit
from tests.factories import make_agent, make_inbox, make_team

TOKEN = "123456:ABC-def_ghi"
SECRET = "telegram-secret-token-0123"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def telegram(db, fake_provider):
    inbox = make_inbox(
        "telegram",
        name="Bot boutique",
        bot_token=TOKEN,
        secret_token=SECRET,
        api_base_url=fake_provider.url,
    )
    make_team("Messagerie", inboxes=[inbox])
    return inbox


def update(update_id=1, message_id=10, text="Bonjour, où est mon colis ?", **message):
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "from": {"id": 4242, "is_bot": False, "first_name": "Léa", "last_name": "Roy"},
            "chat": {"id": 4242, "type": "private"},
            "date": 1700000000,
            **({"text": text} if text is not None else {}),
            **message,
        },
    }


def post(inbox, data, *, secret=SECRET, raw=None):
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return Client().post(
        f"/webhooks/telegram/{inbox.public_key}/",
        raw if raw is not None else json.dumps(data),
        content_type="application/json",
        headers=headers,
    )


def test_message_becomes_a_conversation_and_the_reply_goes_through_send_message(
    telegram, fake_provider
):
    assert post(telegram, update()).status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.channel == "telegram" and not conversation.is_public
    assert conversation.contact.name == "Léa Roy"
    assert Identity.objects.filter(kind="telegram", value="4242", verified=True).exists()
    assert conversation.messages.get().provider_message_id == "4242:10"

    send_path = f"/bot{TOKEN}/sendMessage"
    fake_provider.on(
        "POST", send_path, Reply(json={"ok": True, "result": {"message_id": 11, "date": 1}})
    )
    answer = reply(conversation, make_agent(), "Il arrive demain.")
    assert deliver_message(answer.pk) == DeliveryStatus.SENT
    [call] = fake_provider.requests_to(send_path)
    assert call.json() == {"chat_id": 4242, "text": "Il arrive demain."}
    answer.refresh_from_db()
    assert answer.provider_message_id == "4242:11"


def test_photo_is_fetched_through_get_file_and_stored(telegram, fake_provider):
    fake_provider.on(
        "POST",
        f"/bot{TOKEN}/getFile",
        Reply(json={"ok": True, "result": {"file_id": "big", "file_path": "photos/p1.jpg"}}),
    )
    fake_provider.on("GET", f"/file/bot{TOKEN}/photos/p1.jpg", Reply(body=PNG))
    photo = [{"file_id": "small", "width": 90}, {"file_id": "big", "width": 800}]
    with after_commit():
        assert post(telegram, update(text=None, photo=photo, caption="Voici")).status_code == 200
        # The webhook answered before any call for the file.
        assert not fake_provider.requests
    message = Message.objects.get()
    assert message.body == "Voici"
    [attachment] = message.attachments.all()
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)
    assert fake_provider.requests_to(f"/bot{TOKEN}/getFile")[0].json() == {"file_id": "big"}


def test_oversized_document_is_refused_and_the_text_kept(telegram, fake_provider, settings):
    settings.RELAIS_MEDIA_MAX_BYTES = 1000
    document = {"file_id": "d1", "file_name": "scan.pdf", "file_size": 5000}
    assert (
        post(telegram, update(caption="Ma facture", text=None, document=document)).status_code
        == 200
    )
    message = Message.objects.get()
    assert message.body == "Ma facture"
    assert not message.attachments.exists()
    assert "larger than" in message.metadata["media_refused"][0]
    assert not fake_provider.requests_to(f"/bot{TOKEN}/getFile")


def test_edited_message_is_stored_as_a_new_message_of_the_conversation(telegram):
    post(telegram, update())
    edited = {"update_id": 2, "edited_message": {**update()["message"], "edit_date": 1700000100}}
    edited["edited_message"]["text"] = "Bonjour, où est ma commande ?"
    assert post(telegram, edited).status_code == 200
    first, second = Message.objects.order_by("id")
    assert second.conversation_id == first.conversation_id
    assert second.metadata["edited_message_id"] == 10


def test_replayed_update_is_stored_once(telegram):
    assert post(telegram, update()).status_code == 200
    assert post(telegram, update()).status_code == 200
    assert Message.objects.count() == 1


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-token-000000"])
def test_missing_or_wrong_secret_token_is_a_401_and_nothing_is_stored(telegram, secret):
    response = post(telegram, update(), secret=secret)
    assert response.status_code == 401
    assert not Message.objects.exists() and not Identity.objects.exists()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"update_id": ', "malformed JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"message": {}}', "update_id"),
        (b'{"update_id": 1, "message": {"text": "x"}}', "message_id"),
    ],
)
def test_malformed_update_is_a_400_with_the_reason(telegram, raw, reason):
    response = post(telegram, None, raw=raw)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Message.objects.exists()


def test_unknown_update_type_and_group_chats_are_acknowledged_and_logged(telegram, caplog):
    group = update()
    group["message"]["chat"] = {"id": -100, "type": "group"}
    with caplog.at_level(logging.INFO, logger="relais.connectors.actions"):
        assert post(telegram, {"update_id": 5, "callback_query": {"id": "q"}}).status_code == 200
        assert post(telegram, group).status_code == 200
    assert not Message.objects.exists()
    assert any("ignored" in record.message for record in caplog.records)


def test_sticker_without_text_lands_with_a_note(telegram):
    assert post(telegram, update(text=None, sticker={"file_id": "s"})).status_code == 200
    assert "sticker" in Message.objects.get().body


def test_unknown_key_is_a_404_and_oversized_body_a_413(telegram, settings):
    response = Client().post("/webhooks/telegram/nope/", "{}", content_type="application/json")
    assert response.status_code == 404
    settings.RELAIS_WEBHOOK_MAX_BYTES = 100
    assert post(telegram, update(text="x" * 200)).status_code == 413


def test_blocked_bot_is_a_permanent_failure_in_plain_words(telegram, fake_provider):
    post(telegram, update())
    fake_provider.on(
        "POST",
        f"/bot{TOKEN}/sendMessage",
        Reply(403, json={"ok": False, "description": "Forbidden: bot was blocked by the user"}),
    )
    answer = reply(Conversation.objects.get(), make_agent(), "Bonjour")
    assert deliver_message(answer.pk) == DeliveryStatus.FAILED
    answer.refresh_from_db()
    assert "bot was blocked by the user" in answer.error


def test_flood_limit_is_retried_after_telegrams_delay(telegram, fake_provider):
    post(telegram, update())
    fake_provider.on(
        "POST",
        f"/bot{TOKEN}/sendMessage",
        Reply(
            429,
            json={
                "ok": False,
                "description": "Too Many Requests",
                "parameters": {"retry_after": 900},
            },
        ),
    )
    answer = reply(Conversation.objects.get(), make_agent(), "Bonjour")
    assert deliver_message(answer.pk) == DeliveryStatus.QUEUED
    answer.refresh_from_db()
    assert "Too Many Requests" in answer.error
    assert (answer.lease_until - answer.created_at).total_seconds() > 800


def test_inbox_api_representation_carries_the_webhook_url_and_hides_tokens(telegram):
    from django.test import RequestFactory

    from relais.api.inboxes import represent

    data = represent(RequestFactory().get("/"), telegram)
    assert data["webhook_url"] == f"http://testserver/webhooks/telegram/{telegram.public_key}/"
    assert TOKEN not in json.dumps(data, default=str) and SECRET not in json.dumps(
        data, default=str
    )


def test_config_refuses_a_malformed_token(db):
    from pydantic import ValidationError

    from relais.connectors.telegram.connector import TelegramConfig

    with pytest.raises(ValidationError):
        TelegramConfig.model_validate({"bot_token": "nope", "secret_token": SECRET})


def test_webhook_url_uses_the_public_base_url_behind_a_proxy(telegram, settings):
    from django.test import RequestFactory

    from relais.api.inboxes import represent

    settings.RELAIS_PUBLIC_URL = "https://support.example.com/"
    data = represent(RequestFactory().get("/"), telegram)
    assert data["webhook_url"] == (
        f"https://support.example.com/webhooks/telegram/{telegram.public_key}/"
    )


def test_the_bot_answers_a_telegram_customer_with_numbered_choices(db, fake_provider):
    from relais.knowledge.actions import create_article

    for title, questions in [
        ("Annuler ma commande", ["je veux annuler ma commande", "annuler une commande"]),
        ("Modifier ma commande", ["changer ma commande", "modifier une commande"]),
    ]:
        create_article(
            title=title, body=f"{title} : depuis votre compte.", locale="fr",
            status="published", questions=questions,
        )  # fmt: skip
    inbox = make_inbox(
        "telegram", bot_token=TOKEN, secret_token=SECRET, api_base_url=fake_provider.url,
        bot={"enabled": True, "name": "Robin"},
    )  # fmt: skip
    send_path = f"/bot{TOKEN}/sendMessage"
    fake_provider.on(
        "POST", send_path, Reply(json={"ok": True, "result": {"message_id": 11, "date": 1}})
    )
    with after_commit():
        assert post(inbox, update(text="ma commande")).status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.bot_held_since is not None  # not in the agents' queue
    [call] = fake_provider.requests_to(send_path)
    text = call.json()["text"]
    # No buttons on Telegram here: the articles come as numbered choices.
    assert "1. " in text and "2. " in text and "Annuler ma commande" in text
    with after_commit():
        post(inbox, update(update_id=2, message_id=12, text="1"))
    answers = fake_provider.requests_to(send_path)
    assert len(answers) == 2 and "/help/" in answers[1].json()["text"]
