import pytest
from django.test import Client

from relais.accounts.models import Agent
from relais.community.actions import Poster
from tests.community.conftest import make_answer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/community/topic/",
        "/admin/community/member/",
        "/admin/community/thread/",
        "/admin/community/flag/",
        "/admin/replies/savedreply/",
    ],
)
def test_admin_pages_load(path, thread, helper):
    make_answer(Poster(member=helper), thread)
    admin = Agent.objects.create_superuser("root@example.com", password="x")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)
    assert client.get(path).status_code == 200
    assert client.get(f"/admin/community/thread/{thread.pk}/change/").status_code == 200
