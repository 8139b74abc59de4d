import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from relais.__main__ import main
from relais.accounts.models import Agent, ApiToken, hash_token


def createagent(*args: str) -> list[str]:
    out = StringIO()
    call_command("createagent", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_createagent_prints_a_working_api_token_last(db):
    lines = createagent("Boss@Example.com", "--role", "admin", "--name", "Boss", "--print-token")
    token = ApiToken.objects.select_related("agent").get(key_hash=hash_token(lines[-1]))
    assert token.agent.email == "boss@example.com"
    assert token.agent.role == "admin"
    assert token.agent.is_superuser


def test_createagent_prints_the_generated_password(db):
    lines = createagent("alice@example.com")
    password = next(line.split(": ", 1)[1] for line in lines if line.startswith("Password:"))
    agent = Agent.objects.get(email="alice@example.com")
    assert agent.role == "agent"
    assert agent.check_password(password)
    assert not ApiToken.objects.exists()


def test_createagent_with_a_given_password_does_not_print_it(db):
    lines = createagent("bob@example.com", "--password", "a-long-secret-phrase")
    assert not any("a-long-secret-phrase" in line for line in lines)
    assert Agent.objects.get(email="bob@example.com").check_password("a-long-secret-phrase")


def test_createagent_refuses_an_existing_email(db):
    createagent("alice@example.com")
    with pytest.raises(CommandError):
        createagent("ALICE@example.com", "--print-token")
    assert Agent.objects.count() == 1
    assert not ApiToken.objects.exists()


def test_createagent_refuses_an_unknown_role(db):
    with pytest.raises(CommandError):
        createagent("alice@example.com", "--role", "emperor")
    assert not Agent.objects.exists()


def test_main_dispatches_to_the_management_command(db, monkeypatch):
    from django.db import connections

    monkeypatch.setattr(sys, "argv", ["relais", "createagent", "carol@example.com"])
    # run_from_argv closes every connection when the command ends, which would
    # close the test's own transaction under it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    main()
    assert Agent.objects.filter(email="carol@example.com").exists()


def test_main_exits_with_an_error_on_an_unknown_command(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["relais", "no-such-command"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code != 0
    assert "no-such-command" in capsys.readouterr().err


def test_relais_console_script_runs_django_commands(tmp_path):
    relais = Path(sys.executable).with_name("relais")
    env = {
        **os.environ,
        "RELAIS_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "relais.settings",
    }
    result = subprocess.run(  # noqa: S603
        [relais, "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
