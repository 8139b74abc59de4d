"""The Django admin: for staff only, and the inbox form validates like the API."""

import pytest
from django.test import Client

from relais.accounts.models import Agent, Role
from relais.connectors.models import Inbox
from tests.factories import PASSWORD, make_agent, make_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db):
    admin = Agent.objects.create_superuser("root@example.com", password=PASSWORD)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/agent/",
        "/admin/accounts/agent/add/",
        "/admin/accounts/team/",
        "/admin/accounts/apitoken/",
        "/admin/connectors/inbox/",
        "/admin/connectors/inbox/add/",
        "/admin/contacts/contact/",
        "/admin/conversations/conversation/",
        "/admin/conversations/message/",
    ],
)
def test_admin_pages_load_for_staff(admin_client, inbox, path):
    make_conversation(inbox)
    assert admin_client.get(path).status_code == 200


def test_agents_and_supervisors_are_kept_out_of_the_admin(db):
    for role in (Role.AGENT, Role.SUPERVISOR):
        client = Client()
        client.force_login(make_agent(role))
        response = client.get("/admin/connectors/inbox/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_creates_an_agent_who_can_log_in(admin_client):
    response = admin_client.post(
        "/admin/accounts/agent/add/",
        {
            "email": "new@example.com",
            "name": "Nouvelle",
            "role": "agent",
            "usable_password": "true",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 302, response.content
    login = Client().post(
        "/login/", {"username": "new@example.com", "password": "a-long-passphrase-42"}
    )
    assert login.status_code == 302 and login["Location"] == "/"


def test_inbox_form_validates_the_kind_specific_settings(admin_client):
    bad = admin_client.post(
        "/admin/connectors/inbox/add/",
        {"kind": "webchat", "name": "Chat", "is_active": "on", "config": '{"colour": "red"}'},
    )
    assert bad.status_code == 200 and not Inbox.objects.exists()
    good = admin_client.post(
        "/admin/connectors/inbox/add/",
        {"kind": "webchat", "name": "Chat", "is_active": "on", "config": '{"greeting": "Salut"}'},
    )
    assert good.status_code == 302
    assert Inbox.objects.get().config["greeting"] == "Salut"
