"""The supervision page: access, live counts, the queue, agents, reassigning."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from relais.accounts.models import Presence, Role
from relais.conversations.actions import assign_conversation
from relais.conversations.models import Conversation
from relais.core.models import Event
from relais.routing.config import forget_config
from relais.web.supervisor_views import humanise_wait
from tests.factories import make_agent, make_conversation, make_email_inbox, make_team
from tests.web.conftest import console_client

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def fresh_config():
    forget_config()
    yield
    forget_config()


@pytest.fixture
def boss(supervisor):
    return console_client(supervisor)


def waiting(conversation: Conversation, *, since: timedelta, due_in: timedelta):
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(
        waiting_since=now - since, due_at=now + due_in
    )
    return conversation


def reloaded(conversation: Conversation) -> Conversation:
    return Conversation.objects.get(pk=conversation.pk)


def flash(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# ---- Access ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/supervision/", "/supervision/live/"])
def test_anonymous_visitors_are_sent_to_the_login_page(url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_anonymous_assign_is_sent_to_the_login_page(inbox):
    conversation = make_conversation(inbox)
    response = Client().post("/supervision/assign/", {"conversation": conversation.pk})
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("url", ["/supervision/", "/supervision/live/"])
def test_agents_are_refused(console, url):
    assert console.get(url).status_code == 403


def test_agents_cannot_reassign(console, inbox, agent):
    conversation = make_conversation(inbox)
    response = console.post(
        "/supervision/assign/", {"conversation": conversation.pk, "agent": agent.pk}
    )
    assert response.status_code == 403
    assert reloaded(conversation).assignee_id is None


def test_supervisors_and_admins_see_the_page(boss):
    assert boss.get("/supervision/").status_code == 200
    admin = console_client(make_agent(Role.ADMIN))
    assert admin.get("/supervision/").status_code == 200


def test_the_nav_link_shows_for_supervisors_only(console, boss):
    assert 'data-testid="nav-supervision"' not in console.get("/").content.decode()
    page = boss.get("/").content.decode()
    assert 'href="/supervision/"' in page and ">Supervision</a>" in page


# ---- What the page shows -----------------------------------------------------


def test_channel_cards_count_waiting_at_risk_breached_and_oldest_wait(boss, inbox, team, agent):
    make_email_inbox(teams=[team])  # an e-mail inbox with nothing waiting still has its card
    waiting(make_conversation(inbox), since=4 * MINUTE + 10 * timedelta(seconds=1), due_in=-MINUTE)
    waiting(make_conversation(inbox), since=MINUTE, due_in=timedelta(seconds=15))
    waiting(make_conversation(inbox), since=MINUTE, due_in=10 * MINUTE)
    late = waiting(make_conversation(inbox), since=9 * MINUTE, due_in=-7 * MINUTE)
    assign_conversation(late, by=agent, agent=agent)
    response = boss.get("/supervision/")
    chat, email = response.context["channels"]
    assert (chat.channel, chat.waiting, chat.at_risk, chat.breached) == ("chat", 3, 1, 1)
    assert (chat.oldest_wait, chat.assigned_late, chat.assigned_at_risk) == ("4 min", 1, 0)
    assert (email.channel, email.waiting, email.oldest_wait) == ("email", 0, "")
    content = response.content.decode()
    assert 'data-testid="channel-chat"' in content and "Oldest wait" in content
    assert "Assigned, awaiting a reply: 0 at risk, 1 late" in content


def test_the_queue_lists_waiting_conversations_most_urgent_first_with_a_countdown(
    boss, inbox, team
):
    mail = waiting(
        make_conversation(make_email_inbox(teams=[team]), subject="Facture"),
        since=25 * 60 * MINUTE,
        due_in=-60 * MINUTE,
    )
    chat = waiting(make_conversation(inbox, "Bonjour ?"), since=timedelta(0), due_in=2 * MINUTE)
    response = boss.get("/supervision/")
    assert [row.pk for row in response.context["queue"]] == [mail.pk, chat.pk]
    first = response.context["queue"][0]
    assert (first.subject, first.state, first.priority_label) == ("Facture", "breached", "Normal")
    content = response.content.decode()
    assert f'data-due="{first.due_iso}"' in content
    assert content.index(f'data-conversation-id="{mail.pk}"') < content.index(
        f'data-conversation-id="{chat.pk}"'
    )


def test_the_agents_panel_shows_presence_load_and_teams(boss, inbox, team, agent):
    agent.presence = Presence.ONLINE
    agent.capacity = {"chat": 3}
    agent.save()
    for _ in range(2):
        assign_conversation(make_conversation(inbox), by=agent, agent=agent)
    response = boss.get("/supervision/")
    card = next(card for card in response.context["agents"] if card.pk == agent.pk)
    assert (card.presence, card.presence_label) == ("online", "Online")
    assert card.loads == [("Chat", 2, 3)] and card.team_names == ("Support",)
    assert len(card.conversations) == 2
    content = response.content.decode()
    assert "Chat 2/3" in content and "Teams: Support" in content


def test_the_live_part_refreshes_itself_every_five_seconds(boss, inbox):
    make_conversation(inbox)
    response = boss.get("/supervision/live/")
    content = response.content.decode()
    assert content.startswith('<div id="supervision-live"')
    assert 'hx-get="/supervision/live/"' in content and 'hx-trigger="every 5s' in content
    assert "<html" not in content
    assert len(response.context["queue"]) == 1


def test_page_text_is_translated(supervisor, inbox):
    client = console_client(supervisor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    content = client.get("/supervision/").content.decode()
    assert "Attente la plus longue" in content


@pytest.mark.parametrize(
    ("wait", "text"),
    [
        (timedelta(seconds=45), "45 s"),
        (4 * MINUTE + timedelta(seconds=59), "4 min"),
        (125 * MINUTE, "2 h 05"),
        (timedelta(days=3, hours=4, minutes=5), "3 d 4 h"),
        (-MINUTE, "0 s"),
    ],
)
def test_waits_are_humanised(wait, text):
    with override("en"):
        assert humanise_wait(wait) == text


# ---- Reassigning -------------------------------------------------------------


def test_reassign_gives_the_conversation_and_records_who_did_it(boss, supervisor, inbox, agent):
    conversation = make_conversation(inbox)
    response = boss.post(
        "/supervision/assign/",
        {"conversation": conversation.pk, "agent": agent.pk},
        follow=True,
    )
    assert response.redirect_chain == [("/supervision/", 302)]
    assert reloaded(conversation).assignee_id == agent.pk
    event = Event.objects.filter(kind="conversation.assigned", conversation=conversation).get()
    assert event.actor_id == supervisor.pk and event.data["assignee_id"] == agent.pk
    assert flash(response) == [f"{conversation} assigned to Alice Martin."]


def test_moving_from_one_agent_to_another_and_back_to_the_queue(boss, inbox, team, agent):
    colleague = make_agent(teams=[team], name="Bob")
    conversation = make_conversation(inbox)
    assign_conversation(conversation, by=agent, agent=agent)
    boss.post("/supervision/assign/", {"conversation": conversation.pk, "agent": colleague.pk})
    assert reloaded(conversation).assignee_id == colleague.pk
    boss.post("/supervision/assign/", {"conversation": conversation.pk, "agent": "none"})
    assert reloaded(conversation).assignee_id is None


def test_reassign_to_an_agent_outside_the_inbox_teams_shows_an_error(boss, inbox, outsider):
    conversation = make_conversation(inbox)
    response = boss.post(
        "/supervision/assign/",
        {"conversation": conversation.pk, "agent": outsider.pk},
        follow=True,
    )
    assert response.status_code == 200
    assert flash(response) == ["Not done: this agent does not serve this inbox"]
    assert reloaded(conversation).assignee_id is None


@pytest.mark.parametrize(
    ("agent_value", "error"),
    [("", "Not done: Agent: choose an agent"), ("999999", "Not done: Agent: unknown agent")],
)
def test_missing_or_unknown_agents_are_refused(boss, inbox, agent_value, error):
    conversation = make_conversation(inbox)
    response = boss.post(
        "/supervision/assign/",
        {"conversation": conversation.pk, "agent": agent_value},
        follow=True,
    )
    assert flash(response) == [error]
    assert reloaded(conversation).assignee_id is None


def test_inactive_agents_cannot_be_given_work(boss, inbox, team):
    gone = make_agent(teams=[team], is_active=False)
    conversation = make_conversation(inbox)
    response = boss.post(
        "/supervision/assign/", {"conversation": conversation.pk, "agent": gone.pk}, follow=True
    )
    assert flash(response) == ["Not done: Agent: unknown agent"]


def test_assigning_to_the_current_assignee_changes_nothing(boss, inbox, agent):
    conversation = make_conversation(inbox)
    assign_conversation(conversation, by=agent, agent=agent)
    before = Event.objects.filter(kind="conversation.assigned").count()
    response = boss.post(
        "/supervision/assign/", {"conversation": conversation.pk, "agent": agent.pk}, follow=True
    )
    assert flash(response) == ["Nothing to change."]
    assert Event.objects.filter(kind="conversation.assigned").count() == before


def test_an_unknown_conversation_is_not_found(boss, agent):
    response = boss.post("/supervision/assign/", {"conversation": 999999, "agent": agent.pk})
    assert response.status_code == 404


def test_a_script_post_gets_the_flash_region_back(boss, inbox, agent):
    conversation = make_conversation(inbox)
    response = boss.post(
        "/supervision/assign/",
        {"conversation": conversation.pk, "agent": agent.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'data-testid="flash-success"' in response.content.decode()
    assert reloaded(conversation).assignee_id == agent.pk


def test_forms_work_without_javascript(boss, inbox, team, agent, outsider):
    conversation = make_conversation(inbox)
    content = boss.get("/supervision/").content.decode()
    assert 'action="/supervision/assign/"' in content
    assert f'<input type="hidden" name="conversation" value="{conversation.pk}">' in content
    # Only agents serving the inbox are offered.
    assert f'<option value="{agent.pk}">Alice Martin</option>' in content
    assert f'<option value="{outsider.pk}">' not in content
    assert 'draggable="true"' in content and 'data-drop-agent="' in content
    assert "/static/web/supervisor.js" in content


def test_an_agents_conversation_opens_its_move_menu_on_request(boss, inbox, team, agent):
    colleague = make_agent(teams=[team], name="Bob")
    held, other = make_conversation(inbox), make_conversation(inbox)
    for conversation in (held, other):
        assign_conversation(conversation, by=agent, agent=agent)
    content = boss.get("/supervision/").content.decode()
    assert f'href="/supervision/?move={held.pk}#held-{held.pk}"' in content
    assert 'data-testid="move-form"' not in content
    for url in (f"/supervision/?move={held.pk}", f"/supervision/live/?move={held.pk}"):
        content = boss.get(url).content.decode()
        assert content.count('data-testid="move-form"') == 1
        assert f'id="held-assign-{held.pk}"' in content
        assert f'<option value="{colleague.pk}">Bob</option>' in content
        assert '<option value="none">Back to the queue</option>' in content
        # The refresh keeps the menu open.
        assert f'hx-get="/supervision/live/?move={held.pk}"' in content


def test_a_malformed_move_parameter_is_ignored(boss):
    response = boss.get("/supervision/?move=abc")
    assert response.status_code == 200 and response.context["moving"] is None


# ---- Queries -----------------------------------------------------------------


def populate(inbox, team, *, conversations: int, agents: int) -> None:
    people = [make_agent(teams=[team], presence=Presence.ONLINE) for _ in range(agents)]
    make_team(inboxes=[inbox], members=people[:1])
    for n in range(conversations):
        conversation = make_conversation(inbox, f"question {n}")
        if n % 3 == 0:
            assign_conversation(conversation, by=people[0], agent=people[n % agents])


def queries_for(client, url: str) -> int:
    forget_config()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", ["/supervision/", "/supervision/live/"])
def test_queries_do_not_grow_with_agents_or_conversations(
    supervisor, inbox, team, url, django_assert_max_num_queries
):
    client = console_client(supervisor)
    populate(inbox, team, conversations=3, agents=2)
    few = queries_for(client, url)
    populate(inbox, team, conversations=30, agents=10)
    assert queries_for(client, url) == few
    forget_config()
    with django_assert_max_num_queries(few):
        client.get(url)


def test_the_chat_card_shows_the_share_of_the_day_the_chat_was_offered(boss, inbox):
    from relais.core.events import record_event

    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    record_event("chat.offered", inbox_id=inbox.pk)
    Event.objects.filter(kind="chat.offered").update(created_at=midnight - timedelta(hours=1))
    page = boss.get("/supervision/live/").content.decode()
    assert f"Chat offered today on {inbox.name}: 100% of opening hours" in page
