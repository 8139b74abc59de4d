"""Group commit of webhook calls: together when all succeed, alone otherwise."""

import asyncio
import json

import pytest
from django.test import RequestFactory

from relais.connectors.telegram.connector import SECRET_HEADER
from relais.connectors.webhook_batch import GroupCommit, WebhookCall, answer_calls
from relais.conversations.models import Conversation, Message
from tests.factories import make_inbox

SECRET = "telegram-secret-token-0123"
pytestmark = pytest.mark.django_db(transaction=True)  # the batch commits itself


@pytest.fixture
def telegram():
    return make_inbox("telegram", bot_token="123:abc", secret_token=SECRET)


def update(number: int, user: int | None = None) -> dict:
    user = user or 5000 + number
    return {
        "update_id": number,
        "message": {
            "message_id": number,
            "from": {"id": user, "is_bot": False, "first_name": f"Client {user}"},
            "chat": {"id": user, "type": "private"},
            "date": 1700000000,
            "text": f"message {number}",
        },
    }


def call(inbox, data, *, secret=SECRET, raw=None) -> WebhookCall:
    request = RequestFactory().post(
        f"/webhooks/telegram/{inbox.public_key}/",
        raw if raw is not None else json.dumps(data),
        content_type="application/json",
        headers={SECRET_HEADER: secret},
    )
    return WebhookCall(request, "telegram", inbox.public_key)


def test_calls_arriving_together_are_all_stored(telegram):
    answers = answer_calls([call(telegram, update(number)) for number in range(1, 6)])
    assert [answer.status_code for answer in answers] == [200] * 5
    assert Message.objects.count() == 5
    assert Conversation.objects.count() == 5


def test_a_refused_call_in_a_batch_fails_alone(telegram):
    answers = answer_calls(
        [
            call(telegram, update(1)),
            call(telegram, update(2), secret="wrong-secret-0123456"),
            call(telegram, None, raw="{not json"),
            call(telegram, {"message": {}}),  # no update_id
            call(telegram, update(5)),
        ]
    )
    assert [answer.status_code for answer in answers] == [200, 401, 400, 400, 200]
    assert sorted(Message.objects.values_list("provider_message_id", flat=True)) == [
        "5001:1",
        "5005:5",
    ]


def test_a_replay_inside_a_batch_is_stored_once(telegram):
    answers = answer_calls(
        [call(telegram, update(1)), call(telegram, update(1)), call(telegram, update(2))]
    )
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert Message.objects.filter(provider_message_id="5001:1").count() == 1
    assert Message.objects.count() == 2


def test_a_replay_of_a_stored_call_does_not_lose_the_new_ones(telegram):
    answer_calls([call(telegram, update(1))])
    answers = answer_calls([call(telegram, update(2)), call(telegram, update(1))])
    assert [answer.status_code for answer in answers] == [200, 200]
    assert Message.objects.count() == 2


def test_one_customer_writing_twice_in_a_batch_gets_one_conversation(telegram):
    answers = answer_calls([call(telegram, update(1, user=77)), call(telegram, update(2, user=77))])
    assert [answer.status_code for answer in answers] == [200, 200]
    assert Conversation.objects.count() == 1
    assert Conversation.objects.get().unread_count == 2


def test_an_unexpected_error_is_a_500_for_its_call_only(telegram, monkeypatch):
    from relais.connectors import webhook_batch

    real = webhook_batch.store_webhook

    def failing(checked, **options):
        if checked.result.messages[0].provider_message_id == "5002:2":
            raise RuntimeError("disk on fire")
        return real(checked, **options)

    monkeypatch.setattr(webhook_batch, "store_webhook", failing)
    answers = answer_calls([call(telegram, update(number)) for number in (1, 2, 3)])
    assert [answer.status_code for answer in answers] == [200, 500, 200]
    assert Message.objects.count() == 2


def test_concurrent_calls_through_the_threads_are_each_answered(telegram):
    group = GroupCommit(threads=2, max_batch=4)
    calls = [call(telegram, update(number)) for number in range(1, 11)]

    async def all_at_once():
        return await asyncio.gather(*(group.answer(one) for one in calls))

    answers = asyncio.run(all_at_once())
    assert [answer.status_code for answer in answers] == [200] * 10
    assert Message.objects.count() == 10
