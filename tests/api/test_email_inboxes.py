"""E-mail inboxes through the API: created live for smtpd, passwords never
shown back, one inbox per address."""

from relais.connectors.email.smtpd import InboxDirectory
from relais.connectors.models import Inbox
from tests.api.conftest import error_code

NEW_EMAIL_INBOX = {
    "kind": "email",
    "name": "Support",
    "address": "Support@Example.com",
    "smtp": {"host": "smtp.example.com", "username": "support", "password": "hunter2"},
}


def test_admin_creates_an_email_inbox_live_at_once(as_admin):
    response = as_admin.post("/inboxes", NEW_EMAIL_INBOX)

    assert response.status_code == 201, response.json()
    data = response.json()
    inbox = Inbox.objects.get(pk=data["id"])
    assert data["address"] == "support@example.com"
    assert data["contact_form_url"] == f"http://testserver/contact/{inbox.public_key}/"
    assert InboxDirectory().find("support+12@example.com").pk == inbox.pk
    assert inbox.config["smtp"]["password"] == "hunter2"


def test_passwords_are_never_shown_back(as_admin):
    created = as_admin.post("/inboxes", NEW_EMAIL_INBOX).json()
    for data in (created, as_admin.get(f"/inboxes/{created['id']}").json()):
        assert data["smtp"]["password"] == "********"
        assert "hunter2" not in str(data)


def test_an_address_reaches_one_inbox_only(as_admin):
    as_admin.post("/inboxes", NEW_EMAIL_INBOX)
    response = as_admin.post(
        "/inboxes", {"kind": "email", "name": "Ventes", "address": "ventes@example.com"}
    )
    other = response.json()["id"]

    taken = as_admin.patch(f"/inboxes/{other}", {"aliases": ["support@example.com"]})

    assert taken.status_code == 400 and error_code(taken) == "invalid_config"
    assert taken.json()["error"]["fields"][0]["field"] == "address"
    assert Inbox.objects.get(pk=other).config["aliases"] == []


def test_a_bad_address_or_setting_names_the_field(as_admin):
    response = as_admin.post(
        "/inboxes", {"kind": "email", "name": "X", "address": "not-an-address", "smtp": {}}
    )
    assert response.status_code == 400
    fields = {item["field"] for item in response.json()["error"]["fields"]}
    assert {"address", "smtp.host"} <= fields
