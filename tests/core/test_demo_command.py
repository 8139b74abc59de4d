from io import StringIO

import pytest
from django.core.management import call_command

from relais.accounts.models import ApiToken, hash_token
from relais.connectors import registry
from relais.connectors.models import Inbox
from relais.conversations.models import Conversation
from relais.core.demo_data import DemoAccount, DemoSummary
from relais.core.demo_scenarios import AGENTS, DEMO_PASSWORD, SCENARIOS
from relais.core.management.commands.demo import login_instructions


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
    assert DEMO_PASSWORD in first
    assert all(spec.email in first for spec in AGENTS)
    token = ApiToken.objects.get(key_hash=hash_token(printed_token(first)))
    assert token.agent.role == "admin"

    second = run_demo()
    assert Conversation.objects.count() == conversations
    assert printed_token(second) != printed_token(first)
    assert not ApiToken.objects.filter(key_hash=hash_token(printed_token(first))).exists()


def test_demo_loads_without_the_api_channel(db, monkeypatch):
    only_webchat = {k: v for k, v in registry.CONNECTORS.items() if k != "api"}
    monkeypatch.setattr(registry, "CONNECTORS", only_webchat)
    monkeypatch.setattr("relais.core.demo_data.CONNECTORS", only_webchat)
    run_demo()
    assert list(Inbox.objects.values_list("kind", flat=True)) == ["webchat"]
    webchat_scenarios = sum(1 for s in SCENARIOS if s.channel == "webchat")
    assert Conversation.objects.count() == webchat_scenarios


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])  # noqa: S104
def test_a_server_on_every_interface_is_announced_on_the_loopback(host):
    summary = DemoSummary(True, "pw", (DemoAccount("A", "a@example.com", "admin"),), (), 0, 0)
    assert "http://127.0.0.1:9000/login/" in login_instructions(summary, "rls_x", host, 9000)
