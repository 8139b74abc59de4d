"""Every error is JSON {"error": {"code", "message"}}, whatever raised it."""

from tests.api.conftest import error_code
from tests.factories import make_conversation


def test_unknown_endpoint_is_a_json_404(as_agent):
    response = as_agent.get("/no/such/thing")
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_non_numeric_id_is_a_json_404(as_agent):
    response = as_agent.get("/conversations/abc")
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_validation_errors_name_the_field_without_ninja_internals(inbox, as_agent):
    conversation = make_conversation(inbox)
    response = as_agent.post(f"/conversations/{conversation.pk}/status", {"status": "closed"})
    fields = response.json()["error"]["fields"]
    assert [(f["location"], f["field"]) for f in fields] == [("body", "status")]
    assert fields[0]["message"]


def test_unexpected_failure_is_a_json_500(inbox, as_agent, monkeypatch):
    from relais.conversations import actions

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(actions, "add_note", broken)
    conversation = make_conversation(inbox)
    response = as_agent.post(f"/conversations/{conversation.pk}/notes", {"body": "x"})
    assert response.status_code == 500
    assert error_code(response) == "server_error"
    assert "bug" not in response.content.decode()
