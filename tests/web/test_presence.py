import pytest
from django.contrib.messages import get_messages

from relais.accounts.models import Presence
from relais.core.models import Event

pytestmark = pytest.mark.django_db


def test_agent_changes_their_presence_from_the_header(console, agent):
    response = console.post("/presence/", {"presence": "away", "return_to": "/?view=all"})
    assert response.status_code == 302
    assert response["Location"] == "/?view=all"
    agent.refresh_from_db()
    assert agent.presence == Presence.AWAY
    assert Event.objects.filter(kind="agent.presence_changed", actor=agent).exists()


def test_header_shows_the_current_presence(console, agent):
    console.post("/presence/", {"presence": "busy"})
    content = console.get("/").content.decode()
    assert "presence-dot--busy" in content
    assert '<option value="busy" selected>' in content


def test_unknown_presence_is_refused(console, agent):
    response = console.post("/presence/", {"presence": "asleep"})
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    agent.refresh_from_db()
    assert agent.presence == Presence.OFFLINE


def test_presence_needs_a_login(client):
    assert client.post("/presence/", {"presence": "online"}).status_code == 302
