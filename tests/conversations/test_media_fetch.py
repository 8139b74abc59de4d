"""Customers' files fetched after the message is stored, with retries (SMS
MMS against the fake Twilio; every messaging connector shares the path)."""

import pytest

from relais.conversations.media_fetch import fetch_pending_media
from relais.conversations.models import Message
from relais.core.models import Event
from tests.connectors.conftest import fake_provider as fake_provider  # noqa: F401
from tests.connectors.fake_provider import Reply
from tests.connectors.sms.test_sms import PNG, incoming, post
from tests.connectors.sms.test_sms import sms as sms  # noqa: F401 (the fixture)
from tests.connectors.tasks import after_commit
from tests.factories import make_agent
from tests.web.conftest import console_client

MEDIA = "/media/ME1"


@pytest.fixture
def deferred_tasks(settings):
    """Record tasks instead of running them (the immediate backend cannot defer)."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return default_task_backend


def mms(fake_provider, body="Voici la photo"):
    return incoming(
        body=body,
        NumMedia="1",
        MediaUrl0=f"{fake_provider.url}{MEDIA}",
        MediaContentType0="image/png",
    )


def test_webhook_answers_before_any_call_to_the_media_url(sms, fake_provider, deferred_tasks):
    fake_provider.on("GET", MEDIA, Reply(body=PNG, content_type="image/png"))
    with after_commit():
        assert post(sms, mms(fake_provider)).status_code == 200
    assert fake_provider.requests_to(MEDIA) == []
    message = Message.objects.get()
    assert message.body == "Voici la photo"
    assert message.metadata["pending_media"][0]["ref"].endswith(MEDIA)
    [queued] = deferred_tasks.results
    assert queued.args == [message.pk]


def test_download_failing_then_succeeding_on_retry(sms, fake_provider, deferred_tasks, settings):
    settings.RELAIS_MEDIA_BACKOFF_SECONDS = 30
    fake_provider.on("GET", MEDIA, Reply(503), Reply(body=PNG, content_type="image/png"))
    with after_commit():
        post(sms, mms(fake_provider))
    message = Message.objects.get()
    assert fetch_pending_media(message.pk) == "retrying"
    message.refresh_from_db()
    assert message.metadata["pending_media"][0]["attempts"] == 1
    assert not message.attachments.exists() and "media_refused" not in message.metadata
    retry = deferred_tasks.results[-1]
    assert retry.task.run_after is not None  # later, not at once
    assert fetch_pending_media(message.pk) == "done"  # the retry, as the worker runs it
    message.refresh_from_db()
    [attachment] = message.attachments.all()
    assert attachment.content_type == "image/png" and attachment.size == len(PNG)
    assert "pending_media" not in message.metadata
    assert message.body == "Voici la photo"
    fetched = Event.objects.filter(kind="message.media_fetched", message=message)
    assert [event.data["stored"] for event in fetched.order_by("id")] == [0, 1]


def test_temporary_failures_give_up_after_the_last_attempt_and_keep_the_text(
    sms, fake_provider, deferred_tasks, settings
):
    settings.RELAIS_MEDIA_MAX_ATTEMPTS = 2
    fake_provider.on("GET", MEDIA, Reply(502))
    with after_commit():
        post(sms, mms(fake_provider))
    message = Message.objects.get()
    assert fetch_pending_media(message.pk) == "retrying"
    assert fetch_pending_media(message.pk) == "done"
    message.refresh_from_db()
    assert "HTTP 502" in message.metadata["media_refused"][0]
    assert "pending_media" not in message.metadata
    assert message.body == "Voici la photo" and not message.attachments.exists()


def test_oversized_media_is_refused_with_the_text_kept(sms, fake_provider, settings):
    settings.RELAIS_MEDIA_MAX_BYTES = 10
    fake_provider.on("GET", MEDIA, Reply(body=PNG, content_type="image/png"))
    with after_commit():
        post(sms, mms(fake_provider))
    message = Message.objects.get()
    assert message.body == "Voici la photo" and not message.attachments.exists()
    assert "larger than" in message.metadata["media_refused"][0]
    assert fetch_pending_media(message.pk) == "nothing"  # refused for good: no retry


def test_fetching_twice_stores_the_file_once(sms, fake_provider, deferred_tasks):
    fake_provider.on("GET", MEDIA, Reply(body=PNG, content_type="image/png"))
    with after_commit():
        post(sms, mms(fake_provider))
    message = Message.objects.get()
    assert fetch_pending_media(message.pk) == "done"
    assert fetch_pending_media(message.pk) == "nothing"
    assert message.attachments.count() == 1


def test_file_without_text_lands_at_once_and_the_page_says_it_is_coming(
    sms, fake_provider, deferred_tasks
):
    with after_commit():
        assert post(sms, mms(fake_provider, body="")).status_code == 200
    message = Message.objects.get()
    assert message.body == ""
    agent = make_agent(teams=[sms.teams.get()])
    page = console_client(agent).get(f"/c/{message.conversation_id}/")
    assert 'data-testid="media-pending"' in page.content.decode()
