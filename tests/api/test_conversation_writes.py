"""Acting on conversations through the API: reply, note, assign, status, tags."""

from datetime import timedelta

import pytest
from django.utils import timezone

from relais.conversations.models import DeliveryStatus, Message, MessageKind, Status
from relais.core.models import Event
from tests.api.conftest import error_code
from tests.factories import make_agent, make_conversation, make_team


def event_kinds(conversation) -> list[str]:
    return list(Event.objects.filter(conversation=conversation).values_list("kind", flat=True))


def test_reply_is_queued_then_sent_by_the_task(
    inbox, agent, as_agent, django_capture_on_commit_callbacks
):
    conversation = make_conversation(inbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_agent.post(f"/conversations/{conversation.pk}/messages", {"body": " Merci "})
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "queued" and data["body"] == "Merci" and data["kind"] == "message"
    message = Message.objects.get(pk=data["id"])
    assert message.status == DeliveryStatus.SENT
    assert message.author == agent
    assert event_kinds(conversation)[-3:] == [
        "conversation.assigned",
        "message.queued",
        "message.sent",
    ]


def test_note_is_stored_as_a_note_and_never_sent(inbox, as_agent):
    conversation = make_conversation(inbox)
    response = as_agent.post(f"/conversations/{conversation.pk}/notes", {"body": "VIP"})
    assert response.status_code == 201
    assert response.json()["kind"] == MessageKind.NOTE
    assert "note.added" in event_kinds(conversation)
    assert "message.queued" not in event_kinds(conversation)


@pytest.mark.parametrize("route", ["messages", "notes"])
@pytest.mark.parametrize("body", [{"body": "   "}, {"body": ""}, {}, {"body": 12}])
def test_empty_or_missing_body_is_a_400_and_nothing_is_written(inbox, as_agent, route, body):
    conversation = make_conversation(inbox)
    events_before = Event.objects.count()
    response = as_agent.post(f"/conversations/{conversation.pk}/{route}", body)
    assert response.status_code == 400
    assert conversation.messages.count() == 1
    assert Event.objects.count() == events_before


def test_malformed_json_is_a_400(inbox, as_agent):
    conversation = make_conversation(inbox)
    response = as_agent.client.post(
        f"/api/v1/conversations/{conversation.pk}/messages",
        "{oops",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert error_code(response) == "invalid_request"


def test_assign_to_a_teammate_then_unassign(inbox, team, agent, as_agent):
    teammate = make_agent(teams=[team])
    conversation = make_conversation(inbox)
    response = as_agent.post(f"/conversations/{conversation.pk}/assign", {"agent_id": teammate.pk})
    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == teammate.pk
    response = as_agent.post(f"/conversations/{conversation.pk}/assign", {"agent_id": None})
    assert response.json()["assignee"] is None
    assigned = Event.objects.filter(kind="conversation.assigned", conversation=conversation)
    assert [e.data["assignee_id"] for e in assigned] == [teammate.pk, None]
    assert all(e.actor == agent for e in assigned)


def test_assign_team_only_keeps_the_assignee(inbox, team, agent, as_agent):
    conversation = make_conversation(inbox)
    as_agent.post(f"/conversations/{conversation.pk}/assign", {"agent_id": agent.pk})
    other_team = make_team(inboxes=[inbox])
    response = as_agent.post(f"/conversations/{conversation.pk}/assign", {"team_id": other_team.pk})
    assert response.json()["assignee"]["id"] == agent.pk
    assert response.json()["team"]["id"] == other_team.pk


@pytest.mark.parametrize("who", ["outsider", "unknown", "inactive"])
def test_assign_to_an_agent_who_cannot_take_it_is_a_400_and_nothing_changes(
    inbox, team, outsider, as_agent, who
):
    target = {
        "outsider": lambda: outsider.pk,
        "unknown": lambda: 999_999,
        "inactive": lambda: make_agent(teams=[team], is_active=False).pk,
    }[who]()
    conversation = make_conversation(inbox)
    response = as_agent.post(f"/conversations/{conversation.pk}/assign", {"agent_id": target})
    assert response.status_code == 400
    conversation.refresh_from_db()
    assert conversation.assignee is None
    assert not Event.objects.filter(kind="conversation.assigned").exists()


def test_assign_to_an_unknown_team_is_a_400(inbox, as_agent):
    conversation = make_conversation(inbox)
    response = as_agent.post(f"/conversations/{conversation.pk}/assign", {"team_id": 999_999})
    assert response.status_code == 400


def test_resolve_then_snooze_until_a_future_time(inbox, as_agent):
    conversation = make_conversation(inbox)
    response = as_agent.post(f"/conversations/{conversation.pk}/status", {"status": "resolved"})
    assert response.status_code == 200 and response.json()["status"] == "resolved"
    later = (timezone.now() + timedelta(hours=3)).isoformat()
    response = as_agent.post(
        f"/conversations/{conversation.pk}/status", {"status": "snoozed", "snoozed_until": later}
    )
    assert response.json()["status"] == "snoozed"
    assert response.json()["snoozed_until"] is not None
    conversation.refresh_from_db()
    assert conversation.status == Status.SNOOZED


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "closed"},
        {},
        {"status": "snoozed"},
        {"status": "snoozed", "snoozed_until": "2001-01-01T00:00:00+00:00"},
        {"status": "snoozed", "snoozed_until": "2099-01-01T00:00:00"},  # no UTC offset
        {"status": "snoozed", "snoozed_until": "tomorrow"},
    ],
)
def test_bad_status_change_is_a_400_and_nothing_changes(inbox, as_agent, payload):
    conversation = make_conversation(inbox)
    response = as_agent.post(f"/conversations/{conversation.pk}/status", payload)
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"invalid_request", "invalid_input"}
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    assert not Event.objects.filter(kind="conversation.status_changed").exists()


def test_tags_are_replaced_and_normalised(inbox, as_agent):
    conversation = make_conversation(inbox)
    as_agent.put(f"/conversations/{conversation.pk}/tags", {"tags": ["Remboursement", "vip"]})
    response = as_agent.put(f"/conversations/{conversation.pk}/tags", {"tags": ["VIP"]})
    assert response.status_code == 200
    assert response.json()["tags"] == ["vip"]


def test_overlong_tag_is_a_400_and_tags_are_unchanged(inbox, as_agent):
    conversation = make_conversation(inbox)
    as_agent.put(f"/conversations/{conversation.pk}/tags", {"tags": ["vip"]})
    response = as_agent.put(f"/conversations/{conversation.pk}/tags", {"tags": ["x" * 65]})
    assert response.status_code == 400
    assert list(conversation.tags.values_list("name", flat=True)) == ["vip"]


def test_oversized_request_body_is_a_json_413(inbox, as_agent, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    conversation = make_conversation(inbox)
    response = as_agent.post(f"/conversations/{conversation.pk}/messages", {"body": "x" * 2000})
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert conversation.messages.count() == 1


def test_priority_is_changed_and_out_of_range_refused(inbox, as_agent, as_outsider):
    conversation = make_conversation(inbox)
    response = as_agent.post(f"/conversations/{conversation.pk}/priority", {"priority": 2})
    assert response.status_code == 200 and response.json()["priority"] == 2
    assert (
        as_agent.post(f"/conversations/{conversation.pk}/priority", {"priority": 7}).status_code
        == 400
    )
    hidden = as_outsider.post(f"/conversations/{conversation.pk}/priority", {"priority": 0})
    assert hidden.status_code == 404
    conversation.refresh_from_db()
    assert conversation.priority == 2
    assert Event.objects.filter(kind="conversation.priority_changed").count() == 1
