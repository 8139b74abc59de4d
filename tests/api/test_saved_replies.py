import pytest

from relais.accounts.models import Role
from relais.replies.models import SavedReply
from tests.api.conftest import client_for
from tests.factories import make_agent, make_conversation

pytestmark = pytest.mark.django_db

REPLY = {
    "title": "Suivi de colis",
    "shortcut": "suivi",
    "body": "Bonjour {{ contact.first_name }}, voici le suivi {{ conversation.reference }}.",
    "body_short": "Voici le suivi {{ contact.first_name }} 👉",
}


def test_create_list_and_patch(agent):
    api = client_for(agent)
    created = api.post("/saved-replies", REPLY)
    assert created.status_code == 201, created.json()
    reply_id = created.json()["id"]
    assert created.json()["scope"] == "personal"
    assert [row["id"] for row in api.get("/saved-replies").json()] == [reply_id]
    patched = api.patch(f"/saved-replies/{reply_id}", {"title": "Suivi"})
    assert patched.status_code == 200 and patched.json()["title"] == "Suivi"
    assert patched.json()["body"] == REPLY["body"]


def test_agent_cannot_share_but_a_supervisor_can(agent):
    refused = client_for(agent).post("/saved-replies", {**REPLY, "scope": "everyone"})
    assert refused.status_code == 403
    supervisor = client_for(make_agent(Role.SUPERVISOR))
    assert supervisor.post("/saved-replies", {**REPLY, "scope": "everyone"}).status_code == 201


def test_bad_shortcut_is_a_400(agent):
    response = client_for(agent).post("/saved-replies", {**REPLY, "shortcut": "a b"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_input"


def test_someone_elses_personal_reply_is_a_404(agent, outsider):
    reply_id = client_for(agent).post("/saved-replies", REPLY).json()["id"]
    assert (
        client_for(outsider).patch(f"/saved-replies/{reply_id}", {"title": "x"}).status_code == 404
    )
    assert SavedReply.objects.get(pk=reply_id).title == REPLY["title"]


def test_render_for_a_conversation(agent, inbox):
    reply_id = client_for(agent).post("/saved-replies", REPLY).json()["id"]
    conversation = make_conversation(inbox, contact_name="Claire Dubois")
    response = client_for(agent).get(f"/conversations/{conversation.pk}/saved-replies/{reply_id}")
    assert response.status_code == 200
    assert response.json()["body"] == "Voici le suivi Claire 👉"


def test_render_for_an_invisible_conversation_is_a_404(agent, outsider, inbox):
    conversation = make_conversation(inbox)
    reply_id = client_for(outsider).post("/saved-replies", REPLY).json()["id"]
    path = f"/conversations/{conversation.pk}/saved-replies/{reply_id}"
    assert client_for(outsider).get(path).status_code == 404
