from io import StringIO

import pytest
from django.core.management import call_command

from relais.accounts.models import Agent, ApiToken, Team, hash_token
from relais.connectors import registry
from relais.connectors.models import Inbox
from relais.contacts.models import Contact
from relais.conversations.models import Conversation, Message
from relais.core.demo_data import DemoAccount, DemoMailbox, DemoSummary
from relais.core.demo_people import AGENTS, DEMO_PASSWORD
from relais.core.demo_scenarios import SCENARIOS
from relais.core.demo_story import Scenario, customer
from relais.core.management.commands.demo import login_instructions
from relais.core.models import Event


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue()


def printed_token(output: str) -> str:
    return next(line.strip() for line in output.splitlines() if line.strip().startswith("rls_"))


def test_demo_without_serving_loads_once_and_prints_how_to_log_in(db):
    first = run_demo("--port", "8123")
    conversations = Conversation.objects.count()
    assert conversations >= 25
    assert "http://127.0.0.1:8123/login/" in first
    assert "http://127.0.0.1:8123/demo/shop/" in first
    assert "http://127.0.0.1:8123/api/v1/docs" in first
    assert "http://127.0.0.1:8123/help/" in first
    assert "http://127.0.0.1:8123/community/" in first
    assert DEMO_PASSWORD in first
    if "email" in registry.CONNECTORS:
        inbox = Inbox.objects.get(kind="email")
        assert "smtp://127.0.0.1:2525 → support@boutique-demo.fr" in first
        assert f"http://127.0.0.1:8123/contact/{inbox.public_key}/" in first
    assert all(spec.email in first for spec in AGENTS)
    token = ApiToken.objects.get(key_hash=hash_token(printed_token(first)))
    assert token.agent.role == "admin"

    second = run_demo()
    assert Conversation.objects.count() == conversations
    assert printed_token(second) != printed_token(first)
    assert not ApiToken.objects.filter(key_hash=hash_token(printed_token(first))).exists()


def test_demo_loads_with_the_web_chat_alone(db, monkeypatch):
    only_webchat = {k: v for k, v in registry.CONNECTORS.items() if k == "webchat"}
    monkeypatch.setattr(registry, "CONNECTORS", only_webchat)
    monkeypatch.setattr("relais.core.demo_data.CONNECTORS", only_webchat)
    output = run_demo()
    assert list(Inbox.objects.values_list("kind", flat=True)) == ["webchat"]
    webchat_scenarios = sum(1 for s in SCENARIOS if s.channel == "webchat")
    assert Conversation.objects.count() == webchat_scenarios
    assert "smtp://" not in output and "/contact/" not in output


def test_a_demo_story_that_cannot_be_played_leaves_nothing_behind(db, monkeypatch):
    # The chat carries no files: the story fails after the accounts and inboxes exist.
    broken = Scenario(
        "marie", "webchat", "s", (customer(0, "a", files=("carton.png",)),), minutes_ago=5
    )
    monkeypatch.setattr("relais.core.demo_data.SCENARIOS", (broken,))
    with pytest.raises(ValueError, match="no files"):
        run_demo()
    for model in (Agent, Team, Inbox, Contact, Conversation, Message, Event):
        assert not model.objects.exists(), model.__name__


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])  # noqa: S104
def test_a_server_on_every_interface_is_announced_on_the_loopback(host):
    summary = DemoSummary(True, "pw", (DemoAccount("A", "a@example.com", "admin"),), (), 0, 0)
    assert "http://127.0.0.1:9000/login/" in login_instructions(summary, "rls_x", host, 9000)


def test_the_mail_lines_show_the_smtp_receiver_unless_it_is_off():
    summary = DemoSummary(
        True,
        "pw",
        (DemoAccount("A", "a@example.com", "admin"),),
        (),
        0,
        0,
        DemoMailbox("support@example.com", "/contact/k/"),
    )
    shown = login_instructions(summary, "rls_x", "127.0.0.1", 9000, smtp_port=2526)
    assert "smtp://127.0.0.1:2526 → support@example.com" in shown
    assert "http://127.0.0.1:9000/contact/k/" in shown
    off = login_instructions(summary, "rls_x", "127.0.0.1", 9000, smtp_port=0)
    assert "smtp://" not in off and "http://127.0.0.1:9000/contact/k/" in off
