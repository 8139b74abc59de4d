import pytest
from django.test import Client

from tests.web.conftest import MODEL_BACKEND, console_client

pytestmark = pytest.mark.django_db


def test_admin_link_only_for_staff(console, supervisor):
    from tests.factories import make_agent

    assert 'href="/admin/"' not in console.get("/").content.decode()
    # Supervisors steer from the console; the Django admin is for administrators.
    assert 'href="/admin/"' not in console_client(supervisor).get("/").content.decode()
    admin = make_agent("admin", is_staff=True)
    assert 'href="/admin/"' in console_client(admin).get("/").content.decode()


def test_pages_speak_french_by_default_and_offer_english(agent):
    client = Client()
    client.force_login(agent, backend=MODEL_BACKEND)
    content = client.get("/").content.decode()
    assert '<html lang="fr">' in content
    assert 'action="/i18n/setlang/"' in content
    assert '<option value="en"' in content and '<option value="fr"' in content


def test_language_switch_sticks(agent):
    client = Client()
    client.force_login(agent, backend=MODEL_BACKEND)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_console_loads_its_script_and_vendored_htmx(console):
    content = console.get("/").content.decode()
    assert "/static/web/vendor/htmx.min.js" in content
    assert "/static/web/console.js" in content
    assert 'data-live-url="/ws/console/"' in content
