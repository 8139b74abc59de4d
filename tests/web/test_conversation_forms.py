from datetime import UTC, timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from relais.conversations.models import Conversation, DeliveryStatus, MessageKind, Status
from relais.core.models import Event
from tests.factories import make_agent, make_conversation
from tests.web.conftest import console_client

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def conversation(inbox):
    return make_conversation(inbox, "Where is my parcel?")


def post(client, conversation, action, data=None, **headers):
    return client.post(f"/c/{conversation.pk}/{action}/", data or {}, **headers)


def errors(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def test_reply_queues_an_outbound_message_and_redirects_back(console, conversation, agent):
    back = f"/c/{conversation.pk}/?view=all"
    response = post(console, conversation, "reply", {"body": "It ships today", "return_to": back})
    assert response.status_code == 302
    assert response["Location"] == back
    message = conversation.messages.order_by("-id").first()
    assert message.body == "It ships today"
    assert message.author == agent
    # The test settings run tasks immediately; the web chat sends in-process.
    assert message.status != DeliveryStatus.RECEIVED
    conversation.refresh_from_db()
    assert conversation.assignee == agent


def test_empty_reply_is_refused_with_a_message(console, conversation):
    response = post(console, conversation, "reply", {"body": "   "})
    assert response.status_code == 302
    assert errors(response)
    assert conversation.messages.count() == 1


def test_reply_through_htmx_returns_the_flash_region_and_a_trigger(console, conversation):
    response = post(console, conversation, "reply", {"body": "Hello"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "relais:posted"
    assert "<html" not in response.content.decode()
    refused = post(console, conversation, "reply", {"body": ""}, **HTMX)
    assert "HX-Trigger" not in refused
    assert 'data-testid="flash-error"' in refused.content.decode()


def test_return_to_elsewhere_is_ignored(console, conversation):
    response = post(
        console, conversation, "reply", {"body": "Hi", "return_to": "https://evil.example/"}
    )
    assert response["Location"] == f"/c/{conversation.pk}/"


def test_note_is_internal(console, conversation):
    post(console, conversation, "note", {"body": "VIP customer"})
    note = conversation.messages.get(kind=MessageKind.NOTE)
    assert note.body == "VIP customer"
    assert errors(post(console, conversation, "note", {"body": ""}))


def test_assign_to_a_colleague_and_a_team(console, conversation, team, agent):
    colleague = make_agent(teams=[team], name="Bob")
    post(console, conversation, "assign", {"agent": colleague.pk, "team": team.pk})
    conversation.refresh_from_db()
    assert (conversation.assignee, conversation.team) == (colleague, team)
    post(console, conversation, "assign", {"agent": ""})
    conversation.refresh_from_db()
    assert conversation.assignee is None and conversation.team == team


def test_assigning_to_an_agent_who_cannot_see_the_inbox_is_refused(console, conversation, outsider):
    response = post(console, conversation, "assign", {"agent": outsider.pk})
    assert errors(response)
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_status_change(console, conversation):
    post(console, conversation, "status", {"status": "resolved"})
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED
    assert errors(post(console, conversation, "status", {"status": "exploded"}))


def test_priority_change_is_recorded_and_bad_values_refused(console, conversation):
    post(console, conversation, "priority", {"priority": "3"})
    conversation.refresh_from_db()
    assert conversation.priority == 3
    event = Event.objects.get(kind="conversation.priority_changed")
    assert (event.data["priority"], event.data["previous_priority"]) == (3, 1)
    assert errors(post(console, conversation, "priority", {"priority": "9"}))
    conversation.refresh_from_db()
    assert conversation.priority == 3


def test_snooze_until_a_future_time(console, conversation):
    until = timezone.now() + timedelta(days=1)
    # 09:00 typed in a browser at UTC+2 (getTimezoneOffset() == -120) is 07:00 UTC.
    local = until.replace(hour=9, minute=0, second=0, microsecond=0)
    post(
        console,
        conversation,
        "snooze",
        {"until": local.strftime("%Y-%m-%dT%H:%M"), "tz_offset": "-120"},
    )
    conversation.refresh_from_db()
    assert conversation.status == Status.SNOOZED
    assert conversation.snoozed_until == local.replace(hour=7, tzinfo=UTC)


def test_snooze_in_the_past_is_refused(console, conversation):
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = post(console, conversation, "snooze", {"until": past})
    assert errors(response)
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert errors(post(console, conversation, "snooze", {"until": "tomorrow-ish"}))


def test_tags_are_comma_separated(console, conversation):
    post(console, conversation, "tags", {"tags": "VIP, late delivery, "})
    assert sorted(conversation.tags.values_list("name", flat=True)) == ["late-delivery", "vip"]
    assert Event.objects.filter(kind="conversation.tagged").count() == 1
    post(console, conversation, "tags", {"tags": ""})
    assert not conversation.tags.exists()


def test_too_long_tag_is_refused(console, conversation):
    assert errors(post(console, conversation, "tags", {"tags": "x" * 70}))


@pytest.mark.parametrize(
    "action", ["reply", "note", "assign", "status", "snooze", "tags", "priority"]
)
def test_every_form_is_404_for_an_agent_outside_the_team(outsider, conversation, action):
    data = {
        "body": "hi",
        "status": "resolved",
        "tags": "x",
        "until": "2099-01-01T09:00",
        "priority": "3",
    }
    response = post(console_client(outsider), conversation, action, data)
    assert response.status_code == 404
    fresh = Conversation.objects.get(pk=conversation.pk)
    assert fresh.status == Status.OPEN and fresh.messages.count() == 1
    assert not fresh.tags.exists() and fresh.priority == 1


def test_forms_only_accept_post(console, conversation):
    assert console.get(f"/c/{conversation.pk}/reply/").status_code == 405


def test_supervisor_can_act_on_any_conversation(supervisor, outsider):
    elsewhere = make_conversation(outsider.teams.get().inboxes.get())
    post(console_client(supervisor), elsewhere, "status", {"status": "pending"})
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.PENDING
