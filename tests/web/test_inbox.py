from datetime import timedelta

import pytest
from django.utils import timezone

from relais.conversations.actions import assign_conversation, set_status, set_tags
from relais.conversations.models import Conversation, Priority, Status
from tests.factories import make_agent, make_conversation, make_team
from tests.web.conftest import console_client

pytestmark = pytest.mark.django_db


def row_ids(response) -> list[int]:
    return [row.pk for row in response.context["rows"]]


@pytest.fixture
def cases(inbox, team, agent, outsider):
    """Conversations in every state the filters distinguish."""
    colleague = make_agent(teams=[team], name="Bob")
    mine = make_conversation(inbox, "Where is my parcel?")
    assign_conversation(mine, by=agent, agent=agent)
    theirs = make_conversation(inbox, "Refund please")
    assign_conversation(theirs, by=agent, agent=colleague)
    unassigned = make_conversation(inbox, "Hello?")
    resolved = make_conversation(inbox, "Thanks, solved")
    assign_conversation(resolved, by=agent, agent=agent)
    set_status(resolved, Status.RESOLVED, by=agent)
    other_team = make_conversation(outsider.teams.get().inboxes.get(), "Not for Alice")
    return {
        "mine": mine.pk,
        "theirs": theirs.pk,
        "unassigned": unassigned.pk,
        "resolved": resolved.pk,
        "other_team": other_team.pk,
    }


def test_default_view_is_my_open_conversations(console, cases):
    assert row_ids(console.get("/")) == [cases["mine"]]


def test_unassigned_view(console, cases):
    assert row_ids(console.get("/?view=unassigned")) == [cases["unassigned"]]


def test_teams_and_all_views_show_every_open_conversation_of_my_inboxes(console, cases):
    expected = {cases["mine"], cases["theirs"], cases["unassigned"]}
    assert set(row_ids(console.get("/?view=teams"))) == expected
    assert set(row_ids(console.get("/?view=all"))) == expected


def test_status_filter_and_any_status(console, cases):
    assert row_ids(console.get("/?view=all&status=resolved")) == [cases["resolved"]]
    everything = set(row_ids(console.get("/?view=all&status=any")))
    assert everything == {cases[k] for k in ("mine", "theirs", "unassigned", "resolved")}


def test_unknown_filter_values_fall_back_to_defaults(console, cases):
    response = console.get("/?view=bogus&status=bogus&page=x")
    assert response.status_code == 200
    assert row_ids(response) == [cases["mine"]]


def test_channel_filter(console, inbox, cases):
    by_mail = make_conversation(inbox, "By e-mail")
    # Only the web chat connector exists yet; the filter reads the channel column.
    Conversation.objects.filter(pk=by_mail.pk).update(channel="email")
    assert row_ids(console.get("/?view=all&channel=email")) == [by_mail.pk]
    assert by_mail.pk not in row_ids(console.get("/?view=all&channel=webchat"))


def test_tag_filter(console, agent, cases):
    set_tags(Conversation.objects.get(pk=cases["theirs"]), ["refund"], by=agent)
    assert row_ids(console.get("/?view=all&tag=refund")) == [cases["theirs"]]


def test_text_search_matches_subjects_and_message_bodies(console, cases):
    assert row_ids(console.get("/?view=all&q=parcel")) == [cases["mine"]]
    assert row_ids(console.get("/?view=all&q=REFUND")) == [cases["theirs"]]


def test_another_teams_conversations_never_appear(console, cases):
    for view in ("mine", "unassigned", "teams", "all"):
        assert cases["other_team"] not in row_ids(console.get(f"/?view={view}&status=any"))


def test_supervisor_sees_every_inbox(supervisor, cases):
    response = console_client(supervisor).get("/?view=all")
    assert cases["other_team"] in row_ids(response)


def test_most_urgent_first(console, inbox, agent):
    calm = make_conversation(inbox, "calm")
    urgent = make_conversation(inbox, "urgent")
    late = make_conversation(inbox, "late")
    Conversation.objects.filter(pk=urgent.pk).update(priority=Priority.URGENT)
    Conversation.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    Conversation.objects.filter(pk=calm.pk).update(due_at=timezone.now() + timedelta(hours=1))
    assert row_ids(console.get("/?view=all")) == [urgent.pk, late.pk, calm.pk]


def test_pages_link_forward_and_back_without_counting(console, inbox):
    for n in range(27):
        make_conversation(inbox, f"question {n}")
    first = console.get("/?view=unassigned")
    assert len(first.context["rows"]) == 25
    assert first.context["list_prev_url"] == ""
    assert first.context["list_next_url"] == "/?view=unassigned&page=2"
    second = console.get(first.context["list_next_url"])
    assert len(second.context["rows"]) == 2
    assert second.context["list_next_url"] == ""
    assert second.context["list_prev_url"] == "/?view=unassigned"


def test_rows_carry_what_an_agent_scans(console, inbox, agent):
    conversation = make_conversation(inbox, "Bonjour")
    assign_conversation(conversation, by=agent, agent=agent)
    content = console.get("/").content.decode()
    assert f'data-conversation-id="{conversation.pk}"' in content
    assert 'data-testid="conversation-row"' in content
    assert "data-due=" in content
    assert 'data-testid="unread-count"' in content
    assert "Alice Martin" in content  # the assignee


def test_list_fragment_is_only_the_list(console, cases):
    response = console.get("/?view=all&fragment=list")
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="inbox-list"')
    assert "<html" not in content
    htmx = console.get("/?view=all", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="inbox-list")
    assert "<html" not in htmx.content.decode()


def test_html_in_messages_is_escaped_in_the_list(console, inbox):
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    make_conversation(inbox, hostile)
    content = console.get("/?view=all").content.decode()
    assert "<img src=x" not in content
    assert "<script>alert(2)" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in content


def test_list_queries_do_not_grow_with_rows(console, inbox, agent, django_assert_max_num_queries):
    team = make_team(inboxes=[inbox])
    for n in range(25):
        conversation = make_conversation(inbox, f"question {n}")
        assign_conversation(conversation, by=agent, agent=agent, team=team)
        set_tags(conversation, ["vip", f"t{n}"], by=agent)
    with django_assert_max_num_queries(8):
        response = console.get("/")
    assert len(response.context["rows"]) == 25
