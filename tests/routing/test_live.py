"""Push and pull routing on the live system (routing/live.py)."""

import pytest
from django.test import Client

from relais.accounts.models import Presence
from relais.conversations.actions import set_status
from relais.conversations.models import Conversation, Priority
from relais.core.models import Event
from relais.routing.live import route_waiting, take_next
from tests.factories import make_agent, make_conversation, make_inbox, make_team
from tests.web.conftest import MODEL_BACKEND


@pytest.fixture
def online(team):
    return make_agent(teams=[team], presence=Presence.ONLINE, capacity={"chat": 2})


def assignee(conversation) -> int | None:
    conversation.refresh_from_db()
    return conversation.assignee_id


def test_push_gives_waiting_conversations_to_an_online_agent_up_to_capacity(inbox, online):
    conversations = [make_conversation(inbox) for _ in range(3)]
    assert route_waiting() == 2
    assert [assignee(c) for c in conversations].count(online.pk) == 2
    event = Event.objects.filter(kind="conversation.assigned").first()
    assert event.data["routing"] == "push" and event.data["assignee_id"] == online.pk
    online.refresh_from_db()
    assert online.last_assigned_at is not None


def test_resolving_or_parking_releases_capacity(inbox, online):
    first, second, third = (make_conversation(inbox) for _ in range(3))
    route_waiting()
    done = next(c for c in (first, second, third) if assignee(c) == online.pk)
    set_status(done, "pending", by=online)
    assert route_waiting() == 1
    assert all(assignee(c) == online.pk for c in (first, second, third))


def test_away_busy_and_offline_agents_get_nothing(inbox, team):
    for presence in (Presence.AWAY, Presence.BUSY, Presence.OFFLINE):
        make_agent(teams=[team], presence=presence)
    conversation = make_conversation(inbox)
    assert route_waiting() == 0 and assignee(conversation) is None


def test_only_members_of_a_team_serving_the_inbox_get_its_conversations(inbox, team, outsider):
    outsider.presence = Presence.ONLINE
    outsider.save()
    conversation = make_conversation(inbox)
    assert route_waiting() == 0 and assignee(conversation) is None


def test_required_skills_choose_the_agent(inbox, team):
    from relais.routing.config import forget_config
    from relais.routing.models import RoutingRule

    make_agent(teams=[team], presence=Presence.ONLINE, skills={"lang:fr": 5})
    english = make_agent(teams=[team], presence=Presence.ONLINE, skills={"lang:en": 3})
    RoutingRule.objects.create(
        name="English", conditions={"keywords": ["hello"]}, skills={"lang:en": 2}
    )
    forget_config()
    conversation = make_conversation(inbox, "Hello, my parcel is late")
    route_waiting()
    assert assignee(conversation) == english.pk


def test_a_rule_team_overrides_the_inbox_teams(inbox, online):
    sales = make_team("Ventes")
    seller = make_agent(teams=[sales], presence=Presence.ONLINE)
    conversation = make_conversation(inbox)
    Conversation.objects.filter(pk=conversation.pk).update(team=sales)
    route_waiting()
    assert assignee(conversation) == seller.pk


def test_an_inbox_without_auto_assign_is_left_to_pull(inbox, online):
    inbox.auto_assign = False
    inbox.save()
    conversation = make_conversation(inbox)
    assert route_waiting() == 0
    assert take_next(online).pk == conversation.pk
    assert Event.objects.get(kind="conversation.assigned").data["routing"] == "pull"


def test_a_second_round_never_reassigns(inbox, online):
    conversation = make_conversation(inbox)
    route_waiting()
    other = make_agent(teams=[online.teams.first()], presence=Presence.ONLINE)
    assert route_waiting() == 0
    assert assignee(conversation) == online.pk != other.pk


def test_pull_takes_the_most_urgent_conversation_first(inbox, online):
    calm = make_conversation(inbox)
    urgent = make_conversation(inbox)
    Conversation.objects.filter(pk=urgent.pk).update(priority=Priority.URGENT)
    assert take_next(online).pk == urgent.pk
    assert take_next(online).pk == calm.pk
    assert take_next(online) is None  # nothing left (and capacity is full anyway)


def test_pull_respects_capacity(inbox, online):
    for _ in range(3):
        make_conversation(inbox)
    assert take_next(online) and take_next(online)
    assert take_next(online) is None


def test_pull_never_reaches_an_inbox_the_agent_does_not_serve(online):
    elsewhere = make_inbox("webchat")
    make_conversation(elsewhere)
    assert take_next(online) is None


def test_the_next_button_opens_the_conversation_or_says_nothing_waits(inbox, online):
    client = Client(headers={"accept-language": "en"})
    client.force_login(online, backend=MODEL_BACKEND)
    response = client.post("/next/", follow=True)
    assert b"Nothing is waiting" in response.content
    conversation = make_conversation(inbox)
    response = client.post("/next/")
    assert response.status_code == 302 and response.url == f"/c/{conversation.pk}/"
    assert client.get("/next/").status_code == 405


def test_the_api_next_route_assigns_or_answers_204(inbox, online):
    from tests.api.conftest import client_for

    api = client_for(online)
    assert api.post("/conversations/next").status_code == 204
    conversation = make_conversation(inbox)
    response = api.post("/conversations/next")
    assert response.status_code == 200 and response.json()["id"] == conversation.pk
    assert response.json()["assignee"]["id"] == online.pk


def test_a_call_takes_the_whole_agent():
    from relais.routing.engine import Assignment
    from relais.routing.live import one_call_alone

    channel_of = {1: "chat", 2: "call", 3: "chat", 4: "call", 5: "email"}
    kept = one_call_alone(
        [Assignment(1, 10), Assignment(2, 10), Assignment(4, 20), Assignment(3, 20),
         Assignment(5, 30)],
        channel_of,
    )  # fmt: skip
    assert kept == [Assignment(1, 10), Assignment(4, 20), Assignment(5, 30)]


def test_an_agent_on_a_call_gets_no_chat_and_one_chatting_gets_no_call(team):
    from relais.routing.live import agent_state

    agent = make_agent(teams=[team], presence=Presence.ONLINE)
    on_call = agent_state(agent, {"call": 1}, frozenset(), {})
    assert not any(on_call.free.values())
    chatting = agent_state(agent, {"chat": 1}, frozenset(), {})
    assert chatting.free["call"] == 0 and chatting.free["chat"] == 2
