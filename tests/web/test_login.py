import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


@pytest.fixture
def browser():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_login_with_email_and_password_opens_the_inbox(browser, agent):
    response = browser.post(LOGIN, {"username": agent.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:inbox")
    assert browser.get("/").status_code == 200


def test_wrong_password_shows_the_form_again(browser, agent):
    response = browser.post(LOGIN, {"username": agent.email, "password": "nope"})
    assert response.status_code == 200
    assert b'data-testid="login-error"' in response.content
    assert "_auth_user_id" not in browser.session


def test_five_failures_lock_the_account_even_with_the_right_password(browser, agent):
    for _ in range(5):
        browser.post(LOGIN, {"username": agent.email, "password": "wrong"})
    response = browser.post(LOGIN, {"username": agent.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b'data-testid="locked-out"' in response.content
    assert "_auth_user_id" not in browser.session
    assert browser.get("/").status_code == 302


def test_console_pages_ask_anonymous_visitors_to_log_in(browser):
    response = browser.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logout_ends_the_session(console):
    response = console.post("/logout/")
    assert response.status_code == 302
    assert console.get("/").status_code == 302


def test_login_page_renders(browser):
    response = browser.get(LOGIN)
    assert response.status_code == 200
    assert b'name="username"' in response.content
