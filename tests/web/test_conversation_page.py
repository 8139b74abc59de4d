import pytest

from relais.connectors.base import IdentityRef
from relais.conversations.actions import (
    add_note,
    assign_conversation,
    receive_message,
    reply,
    set_status,
    set_tags,
)
from relais.conversations.models import Conversation, DeliveryStatus, Message, Status
from tests.factories import inbound, make_agent, make_conversation, make_inbox, make_team
from tests.web.conftest import console_client

pytestmark = pytest.mark.django_db

HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;"


def url(conversation, suffix=""):
    return f"/c/{conversation.pk}/{suffix}"


@pytest.fixture
def conversation(inbox):
    return make_conversation(inbox, "Where is my parcel?", visitor="v-parcel")


def test_timeline_merges_messages_notes_and_events_in_order(console, conversation, agent):
    reply(conversation, agent, "It ships today")
    add_note(conversation, agent, "Customer is a VIP")
    set_tags(conversation, ["vip"], by=agent)
    set_status(conversation, Status.PENDING, by=agent)
    response = console.get(url(conversation))
    assert response.status_code == 200
    items = response.context["items"]
    kinds = [item.message.kind if item.is_message else item.event.kind for item in items]
    assert kinds == [
        "message",
        "message",
        "conversation.assigned",
        "note",
        "conversation.tagged",
        "conversation.status_changed",
    ]
    content = response.content.decode()
    assert 'data-testid="timeline"' in content
    assert content.count('data-testid="message"') == 3
    assert 'data-kind="note"' in content and "msg--note" in content


def test_outbound_messages_show_their_delivery_status_and_error(console, conversation, agent):
    sent = reply(conversation, agent, "It ships today")
    Message.objects.filter(pk=sent.pk).update(
        status=DeliveryStatus.FAILED, error="recipient unreachable"
    )
    content = console.get(url(conversation)).content.decode()
    assert 'class="delivery delivery--failed"' in content
    assert "recipient unreachable" in content


def test_opening_a_conversation_marks_it_read(console, conversation):
    assert conversation.unread_count == 1
    console.get(url(conversation))
    conversation.refresh_from_db()
    assert conversation.unread_count == 0


def test_message_bodies_are_escaped(console, inbox):
    hostile = make_conversation(inbox, HOSTILE)
    content = console.get(url(hostile)).content.decode()
    assert "<img src=x" not in content
    assert "<script>alert(2)" not in content
    assert ESCAPED in content


def test_agent_outside_the_team_gets_404(outsider, conversation):
    client = console_client(outsider)
    for suffix in ("", "timeline/", f"messages/{conversation.messages.get().pk}/"):
        assert client.get(url(conversation, suffix)).status_code == 404


def test_unknown_conversation_is_404(console):
    assert console.get("/c/999999/").status_code == 404


def test_supervisor_sees_every_conversation(supervisor, outsider):
    elsewhere = make_conversation(outsider.teams.get().inboxes.get())
    assert console_client(supervisor).get(url(elsewhere)).status_code == 200


def test_contact_panel_lists_identities_and_only_visible_other_conversations(
    console, inbox, agent, outsider
):
    identities = [IdentityRef("visitor", "v-1"), IdentityRef("email", "zoe@example.com")]
    first = receive_message(
        inbound(
            inbox,
            "First",
            identities=identities,
            contact_name="Zoé",
            contact_email="zoe@example.com",
        )
    ).conversation
    set_status(first, Status.RESOLVED, by=agent)
    second = make_conversation(inbox, "Second", identities=identities)
    secret_inbox = outsider.teams.get().inboxes.get()
    make_conversation(
        secret_inbox, "Secret matter", identities=[IdentityRef("email", "zoe@example.com")]
    )
    response = console.get(url(second))
    panel = response.context["panel"]
    assert [c.pk for c in panel.other_conversations] == [first.pk]
    assert panel.hidden_count == 1
    content = response.content.decode()
    assert "zoe@example.com" in content
    assert "Secret matter" not in content
    assert f'href="/c/{first.pk}/"' in content


def test_assign_form_offers_only_agents_who_can_see_the_inbox(
    console, conversation, outsider, supervisor
):
    form = console.get(url(conversation)).context["assign_form"]
    choices = set(form.fields["agent"].queryset)
    assert outsider not in choices
    assert supervisor in choices


def test_next_link_follows_the_inbox_order_and_keeps_the_filter(console, inbox):
    older = make_conversation(inbox, "first")
    newer = make_conversation(inbox, "second")
    # Same priority, no deadline: the newest comes first.
    Conversation.objects.update(due_at=None)
    response = console.get(url(newer) + "?view=unassigned")
    assert response.context["next_conversation_url"] == f"/c/{older.pk}/?view=unassigned"
    # From the last row, or from a conversation that left the filter, back to the top.
    last = console.get(url(older) + "?view=unassigned")
    assert last.context["next_conversation_url"] == f"/c/{newer.pk}/?view=unassigned"
    set_status(older, Status.RESOLVED, by=None)
    resolved = console.get(url(older) + "?view=unassigned")
    assert resolved.context["next_conversation_url"] == f"/c/{newer.pk}/?view=unassigned"
    alone = console.get(url(newer) + "?view=unassigned")
    assert alone.context["next_conversation_url"] == ""


def test_timeline_fragment_returns_only_newer_items(console, conversation, agent):
    first = conversation.messages.get()
    reply(conversation, agent, "New answer")
    last_event = conversation.events.order_by("-id").first()
    response = console.get(
        url(conversation, "timeline/"), {"after": first.pk, "after_event": last_event.pk}
    )
    content = response.content.decode()
    assert "<html" not in content
    assert "New answer" in content
    assert "Where is my parcel?" not in content
    assert content.count('data-testid="message"') == 1


def test_message_fragment_renders_one_message(console, conversation):
    message = conversation.messages.get()
    content = console.get(url(conversation, f"messages/{message.pk}/")).content.decode()
    assert f'data-message-id="{message.pk}"' in content
    other = make_conversation(conversation.inbox)
    assert console.get(url(conversation, f"messages/{other.messages.get().pk}/")).status_code == 404


def test_details_fragment(console, conversation):
    content = console.get(url(conversation), {"fragment": "details"}).content.decode()
    assert content.lstrip().startswith('<section id="details"')


def test_page_queries_do_not_grow_with_the_timeline(
    console, inbox, agent, django_assert_max_num_queries
):
    team = make_team(inboxes=[inbox])
    colleague = make_agent(teams=[team])
    conversation = make_conversation(inbox, "hello", visitor="v-long")
    for n in range(15):
        receive_message(inbound(inbox, f"again {n}", visitor="v-long"))
        reply(conversation, agent, f"answer {n}")
        add_note(conversation, colleague, f"note {n}")
        assign_conversation(conversation, by=agent, agent=colleague if n % 2 else agent, team=team)
        set_tags(conversation, [f"t{n}"], by=agent)
    for _ in range(3):
        make_conversation(make_inbox(teams=[team]), "elsewhere", visitor="v-long")
        make_conversation(make_inbox(), "hidden from Alice", visitor="v-long")
    with django_assert_max_num_queries(20):
        response = console.get(url(conversation))
    assert len(response.context["items"]) > 60
