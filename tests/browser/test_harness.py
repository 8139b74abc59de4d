import pytest

pytestmark = pytest.mark.browser


def test_live_server_answers_health_in_a_real_browser(live_server_url, new_page):
    page = new_page()
    page.goto(f"{live_server_url}/healthz")
    assert '"status": "ok"' in page.content()
