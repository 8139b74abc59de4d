import pytest

from tests.connectors.fake_provider import FakeProvider


@pytest.fixture
def fake_provider():
    with FakeProvider() as provider:
        yield provider
