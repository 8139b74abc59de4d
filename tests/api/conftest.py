import json

import pytest
from django.test import Client

from relais.accounts.actions import issue_api_token
from relais.accounts.models import Role
from tests.factories import make_agent


class ApiClient:
    """A test client speaking JSON with one agent's bearer token."""

    def __init__(self, raw_token: str | None) -> None:
        headers = {"accept-language": "en"}
        if raw_token is not None:
            headers["authorization"] = f"Bearer {raw_token}"
        self.client = Client(headers=headers)

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params)

    def post(self, path: str, data=None):
        return self.client.post(f"/api/v1{path}", json.dumps(data), content_type="application/json")

    def put(self, path: str, data=None):
        return self.client.put(f"/api/v1{path}", json.dumps(data), content_type="application/json")

    def patch(self, path: str, data=None):
        return self.client.patch(
            f"/api/v1{path}", json.dumps(data), content_type="application/json"
        )


def client_for(agent) -> ApiClient:
    return ApiClient(issue_api_token(agent, name="tests"))


@pytest.fixture
def as_agent(agent):
    return client_for(agent)


@pytest.fixture
def as_outsider(outsider):
    return client_for(outsider)


@pytest.fixture
def supervisor(db):
    return make_agent(Role.SUPERVISOR, name="Sophie")


@pytest.fixture
def as_supervisor(supervisor):
    return client_for(supervisor)


@pytest.fixture
def admin(db):
    return make_agent(Role.ADMIN, name="Ada")


@pytest.fixture
def as_admin(admin):
    return client_for(admin)


def error_code(response) -> str:
    return response.json()["error"]["code"]
