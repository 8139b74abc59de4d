"""The API channel: signed inbound messages, signed outbound webhooks, retries."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from relais.connectors.api_channel import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    ApiChannelConnector,
    InvalidSignature,
    sign,
    signed_headers,
    verify_signature,
)
from relais.connectors.base import TemporarySendError
from relais.contacts.models import Contact
from relais.conversations.models import Conversation, DeliveryStatus, Message
from relais.conversations.outbox import deliver_message
from relais.core.models import Event
from tests.api.conftest import client_for
from tests.factories import make_agent, make_inbox, make_team

SECRET = "s3cret"
BODY = b'{"hello": "world"}'


# --- signatures (pure) ---------------------------------------------------------


def test_signature_made_with_the_secret_verifies():
    verify_signature(SECRET, BODY, signed_headers(SECRET, BODY))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h: {**h, SIGNATURE_HEADER: sign("other-secret", h[TIMESTAMP_HEADER], BODY)},
        lambda h: {**h, SIGNATURE_HEADER: sign(SECRET, h[TIMESTAMP_HEADER], b"{}")},
        lambda h: {**h, TIMESTAMP_HEADER: str(int(h[TIMESTAMP_HEADER]) + 1)},
        lambda h: {TIMESTAMP_HEADER: h[TIMESTAMP_HEADER]},
        lambda h: {SIGNATURE_HEADER: h[SIGNATURE_HEADER]},
        lambda h: {**h, TIMESTAMP_HEADER: "yesterday"},
        lambda h: {**h, SIGNATURE_HEADER: h[SIGNATURE_HEADER].upper()},
    ],
)
def test_tampered_or_incomplete_signature_is_refused(tamper):
    with pytest.raises(InvalidSignature):
        verify_signature(SECRET, BODY, tamper(signed_headers(SECRET, BODY)))


@pytest.mark.parametrize("age", [-301, 301, 3600])
def test_signature_older_or_newer_than_five_minutes_is_refused(age):
    now = time.time()
    headers = signed_headers(SECRET, BODY, now=now - age)
    with pytest.raises(InvalidSignature):
        verify_signature(SECRET, BODY, headers, now=now)


def test_signature_within_five_minutes_is_accepted():
    now = time.time()
    verify_signature(SECRET, BODY, signed_headers(SECRET, BODY, now=now - 290), now=now)


# --- inbound endpoint -------------------------------------------------------------


@pytest.fixture
def api_inbox(db):
    inbox = make_inbox("api", name="Appli mobile")
    make_team("Mobile", inboxes=[inbox])
    return inbox


def payload(message_id="m-1", body="Bonjour depuis l'appli", **contact):
    contact = {"external_id": "user-42", "name": "Chloé", **contact}
    return {"message_id": message_id, "contact": contact, "body": body}


def post_inbound(inbox, data, *, secret=None, headers=None, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(data).encode()
    signed = signed_headers(secret or inbox.secret, body)
    return Client(headers={"accept-language": "en"}).post(
        f"/api/v1/channels/api/{inbox.public_key}/messages",
        body,
        content_type="application/json",
        headers=signed if headers is None else headers,
    )


def test_signed_message_creates_a_conversation_for_the_external_contact(api_inbox):
    response = post_inbound(
        api_inbox, payload(email="Chloe@Example.com", phone="+33 6 12 34 56 78")
    )
    assert response.status_code == 201
    data = response.json()
    assert data["duplicate"] is False
    message = Message.objects.get(pk=data["message_id"])
    assert message.body == "Bonjour depuis l'appli"
    assert message.conversation_id == data["conversation_id"]
    assert message.conversation.channel == "api"
    contact = message.conversation.contact
    assert contact.name == "Chloé" and contact.email == "chloe@example.com"
    identities = {(i.kind, i.value, i.verified) for i in contact.identities.all()}
    assert identities == {
        ("external_id", f"{api_inbox.pk}:user-42", True),
        ("email", "chloe@example.com", False),
        ("phone", "+33612345678", False),
    }


def test_same_message_id_twice_is_stored_once_and_answers_the_same_ids(api_inbox):
    first = post_inbound(api_inbox, payload())
    second = post_inbound(api_inbox, payload())
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["message_id"] == first.json()["message_id"]
    assert second.json()["duplicate"] is True
    assert Message.objects.count() == 1


def test_next_message_of_the_same_user_threads_into_the_conversation(api_inbox):
    first = post_inbound(api_inbox, payload("m-1"))
    second = post_inbound(api_inbox, payload("m-2", "Vous êtes là ?"))
    assert second.json()["conversation_id"] == first.json()["conversation_id"]


def test_same_external_id_in_two_api_inboxes_is_two_customers(api_inbox):
    other = make_inbox("api")
    post_inbound(api_inbox, payload())
    post_inbound(other, payload())
    assert Contact.objects.count() == 2


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {TIMESTAMP_HEADER: str(int(time.time()))},
        {TIMESTAMP_HEADER: str(int(time.time())), SIGNATURE_HEADER: "sha256=00"},
    ],
)
def test_unsigned_or_badly_signed_message_is_a_401_and_nothing_is_stored(api_inbox, headers):
    response = post_inbound(api_inbox, payload(), headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not Message.objects.exists() and not Contact.objects.exists()


def test_message_signed_with_another_secret_is_refused(api_inbox):
    assert post_inbound(api_inbox, payload(), secret="not-the-secret").status_code == 401
    assert not Message.objects.exists()


def test_replayed_old_message_is_refused(api_inbox):
    body = json.dumps(payload()).encode()
    old = signed_headers(api_inbox.secret, body, now=time.time() - 600)
    assert post_inbound(api_inbox, None, raw=body, headers=old).status_code == 401


def test_malformed_json_is_a_400_with_the_reason(api_inbox):
    response = post_inbound(api_inbox, None, raw=b'{"message_id": ')
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_payload"
    assert "JSON" in error["message"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"contact": {"external_id": "u"}, "body": "x"}, "message_id"),
        ({"message_id": "m", "body": "x"}, "contact"),
        ({"message_id": "m", "contact": {"external_id": ""}, "body": "x"}, "contact.external_id"),
        (payload(email="not-an-email"), "contact.email"),
        (payload(phone="0612"), "contact.phone"),
        ({**payload(), "surprise": 1}, "surprise"),
    ],
)
def test_message_without_the_expected_fields_is_a_400_naming_them(api_inbox, data, field):
    response = post_inbound(api_inbox, data)
    assert response.status_code == 400
    assert field in [f["field"] for f in response.json()["error"]["fields"]]
    assert not Message.objects.exists()


def test_empty_body_is_a_400(api_inbox):
    response = post_inbound(api_inbox, payload(body="  "))
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_unknown_key_or_non_api_inbox_is_a_404(api_inbox):
    webchat = make_inbox("webchat")
    assert post_inbound(webchat, payload()).status_code == 404
    response = Client().post(
        "/api/v1/channels/api/nope/messages", b"{}", content_type="application/json"
    )
    assert response.status_code == 404


def test_deactivated_inbox_refuses_messages_with_409(api_inbox):
    api_inbox.is_active = False
    api_inbox.save()
    response = post_inbound(api_inbox, payload())
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "inbox_inactive"
    assert not Message.objects.exists()


# --- outbound webhook ------------------------------------------------------------


class FakeIntegrator:
    """A local HTTP server standing in for the integrator's back-end: it checks
    each request's signature with the inbox secret and answers `status`."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.status = 200
        self.received: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    verify_signature(fake.secret, body, self.headers)
                    signature_ok = True
                except InvalidSignature:
                    signature_ok = False
                fake.received.append(
                    {"path": self.path, "json": json.loads(body), "signature_ok": signature_ok}
                )
                self.send_response(fake.status if signature_ok else 401)
                self.end_headers()
                self.wfile.write(b"nope: unknown user" if fake.status >= 400 else b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/relais-hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def integrator(db):
    inbox = make_inbox("api", name="Appli")
    with FakeIntegrator(inbox.secret) as fake:
        inbox.config = {"webhook_url": fake.url}
        inbox.save()
        fake.inbox = inbox
        yield fake


def reply_through_api(inbox, capture_on_commit, body="Votre colis arrive demain."):
    conversation_id = post_inbound(inbox, payload()).json()["conversation_id"]
    agent = make_agent("supervisor")
    with capture_on_commit(execute=True):
        response = client_for(agent).post(
            f"/conversations/{conversation_id}/messages", {"body": body}
        )
    assert response.status_code == 201
    return Message.objects.get(pk=response.json()["id"])


def test_agent_reply_is_posted_signed_to_the_webhook_and_marked_sent(
    integrator, django_capture_on_commit_callbacks
):
    message = reply_through_api(integrator.inbox, django_capture_on_commit_callbacks)
    assert len(integrator.received) == 1
    request = integrator.received[0]
    assert request["signature_ok"] and request["path"] == "/relais-hook"
    assert request["json"]["event"] == "message.created"
    assert request["json"]["conversation_id"] == message.conversation_id
    assert request["json"]["message"]["id"] == message.pk
    assert request["json"]["message"]["body"] == "Votre colis arrive demain."
    assert request["json"]["contact"]["external_id"] == "user-42"
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT and message.attempts == 1
    assert Event.objects.filter(kind="message.sent", message=message).exists()


@pytest.fixture
def deferred_tasks(settings):
    """Record tasks instead of running them. The ImmediateBackend runs a task
    inside enqueue() and refuses `run_after` (supports_defer is False), so the
    outbox's delayed retry cannot be observed with it."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return default_task_backend


def test_server_error_keeps_the_message_queued_and_schedules_a_retry(
    integrator, deferred_tasks, django_capture_on_commit_callbacks
):
    integrator.status = 500
    message = reply_through_api(integrator.inbox, django_capture_on_commit_callbacks)
    assert [r.task.run_after for r in deferred_tasks.results] == [None]  # the first send

    assert deliver_message(message.pk) == DeliveryStatus.QUEUED
    message.refresh_from_db()
    assert message.status == DeliveryStatus.QUEUED
    assert message.attempts == 1
    assert "HTTP 500" in message.error
    retry = deferred_tasks.results[-1]
    assert retry.args == [message.pk] and retry.task.run_after is not None
    assert len(integrator.received) == 1


def test_client_error_fails_the_message_with_the_reason(
    integrator, django_capture_on_commit_callbacks
):
    integrator.status = 400
    message = reply_through_api(integrator.inbox, django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == DeliveryStatus.FAILED
    assert "HTTP 400" in message.error and "unknown user" in message.error
    assert Event.objects.filter(kind="message.failed", message=message).exists()


def test_unreachable_webhook_is_a_temporary_error(db):
    with FakeIntegrator("x") as fake:
        closed_url = fake.url  # the port is free again once the server is closed
    inbox = make_inbox("api", webhook_url=closed_url)
    conversation = post_inbound(inbox, payload()).json()["conversation_id"]
    from relais.conversations.actions import reply

    message = reply(Conversation.objects.get(pk=conversation), make_agent("admin"), "Bonjour")
    with pytest.raises(TemporarySendError):
        ApiChannelConnector().send(message)


def test_reply_without_a_webhook_fails_permanently(db, django_capture_on_commit_callbacks):
    inbox = make_inbox("api")
    message = reply_through_api(inbox, django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert message.status == DeliveryStatus.FAILED
    assert "webhook_url" in message.error
