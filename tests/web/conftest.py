import pytest
from django.test import Client

from relais.accounts.models import Role
from tests.factories import make_agent

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def console_client(agent) -> Client:
    """A browser session logged in as `agent`, in English."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def console(agent):
    return console_client(agent)


@pytest.fixture
def supervisor(db):
    return make_agent(Role.SUPERVISOR, name="Sam Supervisor")
