import pytest
from django.urls import reverse

from relais.replies.actions import SavedReplyFields, create_saved_reply
from relais.replies.models import SavedReply, Scope
from tests.factories import make_conversation
from tests.web.conftest import console_client

pytestmark = pytest.mark.django_db


def _reply(agent, **fields):
    data = {"title": "Merci", "shortcut": "merci", "body": "Merci {{ contact.first_name }} !"}
    return create_saved_reply(agent, SavedReplyFields(**(data | fields)))


def test_conversation_page_offers_the_picker(console, agent, inbox):
    reply = _reply(agent)
    conversation = make_conversation(inbox, contact_name="Claire Dubois")
    page = console.get(reverse("web:conversation", args=[conversation.pk])).content.decode()
    assert 'data-testid="saved-reply-select"' in page
    assert f'data-shortcut="{reply.shortcut}"' in page


def test_the_inserted_text_is_rendered_for_the_conversation(console, agent, inbox):
    reply = _reply(agent)
    conversation = make_conversation(inbox, contact_name="Claire Dubois")
    url = reverse("web:rendered_saved_reply", args=[conversation.pk, reply.pk])
    assert console.get(url).json() == {"body": "Merci Claire !"}


def test_render_of_a_conversation_not_visible_is_a_404(outsider, agent, inbox):
    conversation = make_conversation(inbox)
    reply = _reply(outsider)
    url = reverse("web:rendered_saved_reply", args=[conversation.pk, reply.pk])
    assert console_client(outsider).get(url).status_code == 404


def test_agent_creates_a_reply_from_the_page(console, agent):
    response = console.post(
        reverse("web:saved_replies"),
        {"title": "Au revoir", "shortcut": "bye", "body": "À bientôt", "scope": "personal"},
    )
    assert response.status_code == 302
    assert SavedReply.objects.get().owner == agent


def test_agent_is_offered_no_sharing(console):
    page = console.get(reverse("web:saved_replies")).content.decode()
    assert 'value="everyone"' not in page


def test_agent_cannot_edit_a_shared_reply(console, supervisor):
    shared = _reply(supervisor, scope=Scope.EVERYONE)
    response = console.post(
        reverse("web:saved_reply", args=[shared.pk]),
        {"title": "x", "shortcut": "x", "body": "x", "scope": "personal"},
    )
    assert response.status_code == 403
    assert SavedReply.objects.get(pk=shared.pk).title == "Merci"


def test_supervisor_edits_a_shared_reply(supervisor, team):
    shared = _reply(supervisor, scope=Scope.EVERYONE)
    response = console_client(supervisor).post(
        reverse("web:saved_reply", args=[shared.pk]),
        {
            "title": "Merci beaucoup",
            "shortcut": "merci",
            "body": "Merci !",
            "scope": "team",
            "team": team.pk,
        },
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.scope == "team" and shared.team == team
