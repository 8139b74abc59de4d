"""Inboxes: listing (visibility), creation and reconfiguration (admins only)."""

import pytest

from relais.connectors.models import Inbox
from relais.core.models import Event
from tests.api.conftest import error_code
from tests.factories import make_inbox

NEW_API_INBOX = {"kind": "api", "name": "Appli mobile", "webhook_url": "https://app.example/hook"}


def test_agent_lists_the_inboxes_of_their_teams(inbox, outsider, as_agent):
    items = as_agent.get("/inboxes").json()["items"]
    assert [i["id"] for i in items] == [inbox.pk]


def test_admin_lists_every_inbox(inbox, outsider, as_admin):
    assert len(as_admin.get("/inboxes").json()["items"]) == 2


def test_invisible_inbox_is_not_found(outsider, as_agent):
    other = outsider.teams.get().inboxes.get()
    assert as_agent.get(f"/inboxes/{other.pk}").status_code == 404
    assert as_agent.patch(f"/inboxes/{other.pk}", {"name": "x"}).status_code == 404


def test_webchat_inbox_shows_its_settings_and_widget_script_url(as_admin):
    inbox = make_inbox("webchat", greeting="Bonjour !")
    data = as_admin.get(f"/inboxes/{inbox.pk}").json()
    assert data["greeting"] == "Bonjour !"
    assert data["widget_script_url"] == f"http://testserver/widget/{inbox.public_key}.js"
    assert "secret" not in data


def test_admin_creates_an_api_inbox_and_sees_its_secret_once(as_admin, admin):
    response = as_admin.post("/inboxes", NEW_API_INBOX)
    assert response.status_code == 201
    data = response.json()
    inbox = Inbox.objects.get(pk=data["id"])
    assert data["secret"] == inbox.secret
    assert data["webhook_url"] == "https://app.example/hook"
    assert data["inbound_url"] == (
        f"http://testserver/api/v1/channels/api/{inbox.public_key}/messages"
    )
    assert inbox.config == {
        "webhook_url": "https://app.example/hook",
        # The self-care bot's settings, off by default (docs/bot.md).
        "bot": {"enabled": False, "name": "Relais", "locale": "fr", "thresholds": None},
    }
    event = Event.objects.get(kind="inbox.created")
    assert event.actor == admin and event.data["inbox_id"] == inbox.pk
    assert "secret" not in as_admin.get(f"/inboxes/{inbox.pk}").json()
    assert all("secret" not in item for item in as_admin.get("/inboxes").json()["items"])


@pytest.mark.parametrize("who", ["as_agent", "as_supervisor"])
def test_only_admins_create_inboxes(request, who):
    client = request.getfixturevalue(who)
    response = client.post("/inboxes", NEW_API_INBOX)
    assert response.status_code == 403
    assert error_code(response) == "forbidden"
    assert not Inbox.objects.filter(kind="api").exists()


def test_unknown_kind_is_a_400(as_admin):
    response = as_admin.post("/inboxes", {"kind": "pigeon", "name": "Voyageur"})
    assert response.status_code == 400
    assert not Inbox.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"webhook_url": "ftp://app.example/hook"},
        {"webhook_url": "not a url"},
        {"colour": "red"},  # unknown setting
    ],
)
def test_bad_kind_specific_setting_is_a_400_with_the_field(as_admin, fields):
    response = as_admin.post("/inboxes", {"kind": "api", "name": "App", **fields})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_config"
    assert error["fields"][0]["field"] == next(iter(fields))
    assert not Inbox.objects.exists()


@pytest.mark.parametrize("payload", [{"kind": "api"}, {"kind": "api", "name": "  "}])
def test_inbox_needs_a_name(as_admin, payload):
    assert as_admin.post("/inboxes", payload).status_code == 400
    assert not Inbox.objects.exists()


def test_admin_updates_name_activity_and_settings_merged(as_admin, admin):
    created = {"kind": "webchat", "name": "Web", "greeting": "Bonjour", "color": "#000000"}
    inbox = Inbox.objects.get(pk=as_admin.post("/inboxes", created).json()["id"])
    response = as_admin.patch(
        f"/inboxes/{inbox.pk}", {"name": "Chat", "is_active": False, "greeting": "Salut"}
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["name"], data["is_active"], data["greeting"]) == ("Chat", False, "Salut")
    inbox.refresh_from_db()
    assert inbox.config["color"] == "#000000" and inbox.config["greeting"] == "Salut"
    event = Event.objects.get(kind="inbox.updated")
    assert event.data["changed"] == ["name", "is_active"]
    assert event.data["settings"] == ["greeting"]
    assert "secret" not in data


def test_update_with_bad_setting_is_a_400_and_nothing_changes(as_admin):
    inbox = make_inbox("api", name="App", webhook_url="https://app.example/hook")
    response = as_admin.patch(
        f"/inboxes/{inbox.pk}", {"name": "Renamed", "webhook_url": "javascript:alert(1)"}
    )
    assert response.status_code == 400
    inbox.refresh_from_db()
    assert inbox.name == "App" and inbox.config["webhook_url"] == "https://app.example/hook"
    assert not Event.objects.filter(kind="inbox.updated").exists()


def test_kind_cannot_be_changed(as_admin):
    inbox = make_inbox("api")
    assert as_admin.patch(f"/inboxes/{inbox.pk}", {"kind": "webchat"}).status_code == 400
    inbox.refresh_from_db()
    assert inbox.kind == "api"


def test_agent_cannot_update_a_visible_inbox(inbox, as_agent):
    response = as_agent.patch(f"/inboxes/{inbox.pk}", {"name": "Mine now"})
    assert response.status_code == 403
    inbox.refresh_from_db()
    assert inbox.name == "Chat boutique"


def test_inbox_of_a_kind_without_connector_still_lists(as_admin):
    make_inbox("carrier-pigeon", name="Old")
    items = as_admin.get("/inboxes").json()["items"]
    assert [i["kind"] for i in items] == ["carrier-pigeon"]
