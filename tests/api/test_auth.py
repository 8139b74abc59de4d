from datetime import timedelta

from django.utils import timezone

from relais.accounts.actions import issue_api_token
from relais.accounts.models import ApiToken
from tests.api.conftest import ApiClient, error_code


def test_request_without_token_is_refused_with_json_401(db):
    response = ApiClient(None).get("/conversations")
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"
    assert response["content-type"].startswith("application/json")


def test_unknown_token_is_refused(agent):
    issue_api_token(agent)
    response = ApiClient("rls_forged-token").get("/conversations")
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"


def test_other_authorization_scheme_is_refused(agent):
    raw = issue_api_token(agent)
    client = ApiClient(None)
    response = client.client.get("/api/v1/conversations", headers={"authorization": f"Token {raw}"})
    assert response.status_code == 401


def test_token_of_a_deactivated_agent_is_refused(agent):
    raw = issue_api_token(agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    response = ApiClient(raw).get("/conversations")
    assert response.status_code == 401
    assert error_code(response) == "agent_inactive"


def test_valid_token_authenticates_and_records_its_use(agent):
    raw = issue_api_token(agent)
    assert ApiClient(raw).get("/conversations").status_code == 200
    token = ApiToken.objects.get(agent=agent)
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(agent):
    raw = issue_api_token(agent)
    client = ApiClient(raw)
    client.get("/inboxes")
    first_use = ApiToken.objects.get(agent=agent).last_used_at
    client.get("/inboxes")
    assert ApiToken.objects.get(agent=agent).last_used_at == first_use
    ApiToken.objects.filter(agent=agent).update(last_used_at=first_use - timedelta(minutes=2))
    client.get("/inboxes")
    assert first_use <= ApiToken.objects.get(agent=agent).last_used_at <= timezone.now()
