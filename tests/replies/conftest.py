import pytest

from relais.accounts.models import Role
from tests.factories import make_agent


@pytest.fixture
def supervisor(db):
    return make_agent(Role.SUPERVISOR, name="Sam Supervisor")
