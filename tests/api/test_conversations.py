"""Reading conversations: visibility, filters, search and cursor pagination."""

import pytest

from relais.api.pagination import encode_cursor
from relais.conversations.actions import add_note, reply, set_status, set_tags
from relais.conversations.models import Status
from tests.api.conftest import client_for, error_code
from tests.factories import make_agent, make_conversation, make_inbox, make_team


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_agent_lists_only_the_conversations_of_their_teams_inboxes(inbox, as_agent, outsider):
    mine = make_conversation(inbox)
    other_inbox = outsider.teams.get().inboxes.get()
    make_conversation(other_inbox)
    assert ids(as_agent.get("/conversations")) == [mine.pk]


def test_supervisor_sees_every_conversation(inbox, as_supervisor, outsider):
    first = make_conversation(inbox)
    second = make_conversation(outsider.teams.get().inboxes.get())
    assert ids(as_supervisor.get("/conversations")) == [second.pk, first.pk]
    assert as_supervisor.get(f"/conversations/{first.pk}").status_code == 200


@pytest.mark.parametrize(
    ("method", "suffix", "data"),
    [
        ("get", "", None),
        ("get", "/messages", None),
        ("post", "/messages", {"body": "Bonjour"}),
        ("post", "/notes", {"body": "Note"}),
        ("post", "/assign", {"agent_id": None}),
        ("post", "/status", {"status": "resolved"}),
        ("put", "/tags", {"tags": ["x"]}),
    ],
)
def test_conversation_outside_the_agents_teams_is_not_found(
    inbox, as_outsider, method, suffix, data
):
    conversation = make_conversation(inbox)
    path = f"/conversations/{conversation.pk}{suffix}"
    response = getattr(as_outsider, method)(path, data) if data else as_outsider.get(path)
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert conversation.messages.count() == 1
    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN and conversation.assignee is None


def test_unknown_conversation_is_not_found(as_agent):
    assert as_agent.get("/conversations/999999").status_code == 404


def test_conversation_shows_contact_assignee_team_and_tags(inbox, team, agent, as_agent):
    conversation = make_conversation(inbox, "Colis perdu", contact_name="Chloé")
    reply(conversation, agent, "Je regarde")
    set_tags(conversation, ["livraison", "urgent"], by=agent)
    data = as_agent.get(f"/conversations/{conversation.pk}").json()
    assert data["contact"]["name"] == "Chloé"
    assert data["assignee"]["id"] == agent.pk
    assert data["tags"] == ["livraison", "urgent"]
    assert data["subject"] == "Colis perdu"
    assert data["channel"] == "webchat"


def test_cursor_pagination_walks_every_conversation_exactly_once(inbox, as_agent):
    created = [make_conversation(inbox).pk for _ in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        response = as_agent.get("/conversations", **params)
        seen += ids(response)
        pages += 1
        cursor = response.json()["next"]
        if cursor is None:
            break
    assert seen == sorted(created, reverse=True)
    assert pages == 3


def test_last_full_page_has_no_next_cursor(inbox, as_agent):
    for _ in range(2):
        make_conversation(inbox)
    assert as_agent.get("/conversations", limit=2).json()["next"] is None


@pytest.mark.parametrize("cursor", ["garbage!", "aWQ6eA", encode_cursor(5)[:-1] + "$"])
def test_bad_cursor_is_a_400(as_agent, cursor):
    response = as_agent.get("/conversations", cursor=cursor)
    assert response.status_code == 400
    assert error_code(response) == "invalid_cursor"


@pytest.mark.parametrize("limit", [0, 101, "many"])
def test_limit_out_of_range_is_a_400(as_agent, limit):
    response = as_agent.get("/conversations", limit=limit)
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "limit"


def test_q_finds_conversations_by_subject_and_by_message_text(inbox, agent, as_agent):
    by_subject = make_conversation(inbox, "Remboursement de la commande 1234")
    by_message = make_conversation(inbox, "Bonjour")
    add_note(by_message, agent, "Le client parle d'un remboursement partiel")
    make_conversation(inbox, "Question sur les horaires")
    assert ids(as_agent.get("/conversations", q="rembourse")) == [by_message.pk, by_subject.pk]


def test_filters_view_status_channel_inbox_and_tag(inbox, team, agent, as_agent):
    second_inbox = make_inbox("api", teams=[team])
    mine = make_conversation(inbox)
    reply(mine, agent, "Je m'en occupe")
    unassigned = make_conversation(inbox)
    resolved = make_conversation(second_inbox)
    set_status(resolved, Status.RESOLVED, by=agent)
    set_tags(unassigned, ["vip"], by=agent)

    assert ids(as_agent.get("/conversations", view="mine")) == [mine.pk]
    assert ids(as_agent.get("/conversations", view="unassigned")) == [resolved.pk, unassigned.pk]
    assert ids(as_agent.get("/conversations", status="resolved")) == [resolved.pk]
    assert ids(as_agent.get("/conversations", channel="api")) == [resolved.pk]
    assert ids(as_agent.get("/conversations", inbox_id=inbox.pk)) == [unassigned.pk, mine.pk]
    assert ids(as_agent.get("/conversations", tag="vip")) == [unassigned.pk]


def test_teams_view_narrows_a_supervisor_to_their_teams_inboxes(inbox, outsider):
    supervisor = make_agent("supervisor", teams=[make_team(inboxes=[inbox])])
    ours = make_conversation(inbox)
    make_conversation(outsider.teams.get().inboxes.get())
    assert ids(client_for(supervisor).get("/conversations", view="teams")) == [ours.pk]


def test_unknown_view_or_status_is_a_400(as_agent):
    assert as_agent.get("/conversations", view="everything").status_code == 400
    assert as_agent.get("/conversations", status="closed").status_code == 400


def test_conversation_list_query_count_does_not_grow_with_the_page(
    inbox, agent, as_agent, django_assert_max_num_queries
):
    for n in range(10):
        conversation = make_conversation(inbox)
        set_tags(conversation, [f"tag-{n}"], by=agent)
        reply(conversation, agent, "ok")
    as_agent.get("/conversations")  # records the token's first use
    # token+agent, visible inboxes, the page, its tags
    with django_assert_max_num_queries(4):
        assert len(ids(as_agent.get("/conversations"))) == 10


def test_messages_are_oldest_first_and_include_notes(inbox, agent, as_agent):
    conversation = make_conversation(inbox, "Bonjour")
    reply(conversation, agent, "Bonjour, que puis-je faire ?")
    add_note(conversation, agent, "Client déjà venu hier")
    response = as_agent.get(f"/conversations/{conversation.pk}/messages")
    items = response.json()["items"]
    assert [m["kind"] for m in items] == ["message", "message", "note"]
    assert [m["direction"] for m in items] == ["in", "out", "out"]
    assert items[1]["author"]["id"] == agent.pk
    assert items[0]["author"] is None


def test_messages_paginate_oldest_first(inbox, agent, as_agent):
    conversation = make_conversation(inbox, "1")
    for n in range(2, 6):
        add_note(conversation, agent, str(n))
    first = as_agent.get(f"/conversations/{conversation.pk}/messages", limit=3).json()
    second = as_agent.get(
        f"/conversations/{conversation.pk}/messages", limit=3, cursor=first["next"]
    ).json()
    assert [m["body"] for m in first["items"] + second["items"]] == ["1", "2", "3", "4", "5"]
    assert second["next"] is None
