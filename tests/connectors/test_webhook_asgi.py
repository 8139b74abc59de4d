"""The webhook route in front of Django's stack, as `relais serve` runs it."""

import asyncio
import json

import pytest

from relais.connectors.telegram.connector import SECRET_HEADER
from relais.connectors.webhook_asgi import WebhookRoute
from relais.conversations.models import Message
from tests.factories import make_inbox

SECRET = "telegram-secret-token-0123"
pytestmark = pytest.mark.django_db(transaction=True)  # answered on the webhook threads


async def django_stand_in(scope, receive, send):
    await send({"type": "http.response.start", "status": 299, "headers": []})
    await send({"type": "http.response.body", "body": b"django"})


def request(path, *, method="POST", body=b"", headers=(), chunks=None):
    """(status, headers, body) of one request through WebhookRoute."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": b"",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
    }
    incoming = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for chunks in [chunks or [body]]
        for index, chunk in enumerate(chunks)
    ]
    sent = []

    async def receive():
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(WebhookRoute(django_stand_in)(scope, receive, send))
    return sent[0]["status"], dict(sent[0]["headers"]), sent[1]["body"]


@pytest.fixture
def telegram():
    return make_inbox("telegram", bot_token="123:abc", secret_token=SECRET)


def signed(secret=SECRET):
    return [
        (b"content-type", b"application/json"),
        (SECRET_HEADER.lower().encode(), secret.encode()),
    ]


def body(number=1):
    return json.dumps(
        {
            "update_id": number,
            "message": {
                "message_id": number,
                "from": {"id": 42, "is_bot": False, "first_name": "Léa"},
                "chat": {"id": 42, "type": "private"},
                "date": 1700000000,
                "text": "Bonjour",
            },
        }
    ).encode()


def test_a_signed_update_is_stored_without_django_middleware(telegram):
    status, headers, _ = request(
        f"/webhooks/telegram/{telegram.public_key}/", body=body(), headers=signed()
    )
    assert status == 200
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert Message.objects.get().provider_message_id == "42:1"


def test_a_wrong_secret_is_refused_and_nothing_stored(telegram):
    status, _, text = request(
        f"/webhooks/telegram/{telegram.public_key}/", body=body(), headers=signed("x" * 20)
    )
    assert (status, Message.objects.count()) == (401, 0)
    assert b"X-Telegram-Bot-Api-Secret-Token" in text


def test_an_unknown_key_is_a_404(telegram):
    status, _, _ = request("/webhooks/telegram/nobody/", body=body(), headers=signed())
    assert status == 404


def test_other_methods_are_refused(telegram):
    status, headers, _ = request(f"/webhooks/telegram/{telegram.public_key}/", method="PUT")
    assert (status, headers[b"allow"]) == (405, b"GET, POST")


def test_a_body_over_the_limit_is_refused_unread(telegram, settings):
    settings.RELAIS_WEBHOOK_MAX_BYTES = 100
    status, _, _ = request(
        f"/webhooks/telegram/{telegram.public_key}/",
        chunks=[b"{" * 60, b"}" * 60, b"never read"],
        headers=signed(),
    )
    assert (status, Message.objects.count()) == (413, 0)


def test_a_host_not_allowed_is_refused(telegram, settings):
    settings.ALLOWED_HOSTS = ["support.example.com"]
    status, _, _ = request(
        f"/webhooks/telegram/{telegram.public_key}/", body=body(), headers=signed()
    )
    assert (status, Message.objects.count()) == (400, 0)


def test_every_other_path_goes_to_django(telegram):
    assert request("/webhooks/telegram/", method="GET")[0] == 299
    assert request("/help/", method="GET")[2] == b"django"
