"""A new Messenger sender's name, looked up after the commit (never during the
webhook request) against the fake Graph API: filled once, never over an
agent's name, and a failing Graph API loses no message."""

import json
import logging

import httpx
import pytest

from relais.connectors.messenger import MessengerConfig, MessengerConnector
from relais.contacts.models import Contact
from relais.contacts.profile_lookup import look_up_profile
from relais.conversations.models import Message
from relais.core.models import Event
from tests.connectors.fake_provider import FakeProvider, Reply
from tests.connectors.meta.payloads import fixture
from tests.connectors.meta.social_harness import APP_SECRET, deliver
from tests.connectors.tasks import after_commit
from tests.factories import make_inbox

PAGE_ID = "109876543210987"
PSID = "7234567890123456"
PROFILE = f"/v21.0/{PSID}"


@pytest.fixture
def graph():
    with FakeProvider() as provider:
        yield provider


@pytest.fixture
def inbox(db, graph):
    config = MessengerConfig.model_validate(
        {
            "page_id": PAGE_ID,
            "access_token": "EAAB-page-token",
            "app_secret": APP_SECRET,
            "verify_token": "verify-me-123",
            "api_base_url": graph.url,
        }
    ).model_dump(mode="json")
    return make_inbox("messenger", name="Page boutique", **config)


def text_message(mid: str, text: str = "Bonjour") -> bytes:
    data = fixture("messenger", "text")
    data["entry"][0]["messaging"][0]["message"].update(mid=mid, text=text)
    return json.dumps(data).encode()


def answer_profile(graph, *replies: Reply) -> None:
    graph.on("GET", PROFILE, *replies)


def test_the_name_is_filled_after_the_commit_with_an_event(inbox, graph):
    answer_profile(graph, Reply(json={"first_name": "Camille", "last_name": "Durand"}))
    with after_commit():
        (message,) = deliver(inbox, text_message("m_1"))
        assert graph.requests_to(PROFILE) == []  # not asked during the request
        assert message.conversation.contact.name == ""
    contact = Contact.objects.get()
    assert contact.name == "Camille Durand"
    (call,) = graph.requests_to(PROFILE)
    assert call.query["fields"] == ["first_name,last_name"]
    assert call.headers["authorization"] == "Bearer EAAB-page-token"
    event = Event.objects.get(kind="contact.profile_fetched")
    assert event.contact_id == contact.pk and event.data["fields"] == ["name"]


@pytest.mark.parametrize(
    "failure",
    [
        Reply(500, json={"error": {"message": "An unknown error occurred", "code": 1}}),
        Reply(400, json={"error": {"message": "Unsupported get request", "code": 100}}),
        Reply(drop=True),
    ],
    ids=["graph-500", "graph-refusal", "connection-dropped"],
)
def test_a_failing_graph_api_keeps_the_message_without_a_name(inbox, graph, failure, caplog):
    answer_profile(graph, failure)
    with caplog.at_level(logging.INFO, logger="relais.contacts.profile_lookup"), after_commit():
        deliver(inbox, text_message("m_1"))
    assert Message.objects.get().body == "Bonjour"
    assert Contact.objects.get().name == ""
    assert not Event.objects.filter(kind="contact.profile_fetched").exists()
    assert "profile look-up failed" in caplog.text
    # The task's own outcome: a value, not an exception.
    assert look_up_profile(inbox.pk, "messenger", PSID) == "unavailable"


def test_a_graph_timeout_is_logged_not_raised(inbox, graph, monkeypatch):
    answer_profile(graph, Reply(delay=1.0, drop=True))  # silent, then gone
    # A short client timeout stands in for the real one (10 s).
    impatient = httpx.Client(timeout=0.05)
    monkeypatch.setattr("relais.connectors.meta.graph.client", lambda: impatient)
    with after_commit():
        deliver(inbox, text_message("m_1"))
    assert look_up_profile(inbox.pk, "messenger", PSID) == "unavailable"
    impatient.close()
    assert Message.objects.count() == 1
    assert Contact.objects.get().name == ""


def test_a_name_the_agent_typed_first_is_never_asked_for(inbox, graph):
    answer_profile(graph, Reply(json={"first_name": "Camille"}))
    with after_commit():
        (message,) = deliver(inbox, text_message("m_1"))
        Contact.objects.filter(pk=message.conversation.contact_id).update(name="Mme Durand")
    assert Contact.objects.get().name == "Mme Durand"
    assert graph.requests_to(PROFILE) == []


def test_a_name_the_agent_typed_during_the_call_is_kept(inbox, graph, monkeypatch):
    def agent_types_meanwhile(self, inbox, identity):
        Contact.objects.update(name="Mme Durand")
        return "Camille Durand"

    monkeypatch.setattr(MessengerConnector, "fetch_profile_name", agent_types_meanwhile)
    with after_commit():
        deliver(inbox, text_message("m_1"))
    assert Contact.objects.get().name == "Mme Durand"
    assert not Event.objects.filter(kind="contact.profile_fetched").exists()


def test_a_known_sender_is_not_asked_for_again_even_after_a_failure(inbox, graph):
    answer_profile(graph, Reply(503, json={"error": {"message": "down", "code": 2}}))
    with after_commit():
        deliver(inbox, text_message("m_1"))
    with after_commit():
        deliver(inbox, text_message("m_2", "Vous êtes là ?"))
    assert len(graph.requests_to(PROFILE)) == 1
    assert Message.objects.count() == 2


def test_two_messages_of_a_new_sender_in_one_delivery_ask_once(inbox, graph):
    answer_profile(graph, Reply(json={"first_name": "Camille"}))
    data = fixture("messenger", "text")
    event = data["entry"][0]["messaging"][0]
    second = json.loads(json.dumps(event))
    second["message"]["mid"] = "m_2"
    data["entry"][0]["messaging"].append(second)
    with after_commit():
        assert len(deliver(inbox, json.dumps(data).encode())) == 2
    assert len(graph.requests_to(PROFILE)) == 1
    assert Contact.objects.get().name == "Camille"


def test_no_look_up_when_the_inbox_turns_it_off(inbox, graph):
    inbox.config["fetch_profile"] = False
    inbox.save()
    with after_commit():
        deliver(inbox, text_message("m_1"))
    assert graph.requests_to(PROFILE) == []


def test_an_identity_gone_before_the_task_runs_is_missing(inbox):
    assert look_up_profile(inbox.pk, "messenger", "nobody") == "missing"
