"""Bearer-token authentication: `Authorization: Bearer <raw token>`, one token
per agent (issued by `relais createagent EMAIL --print-token` or
accounts.actions.issue_api_token)."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from relais.accounts.models import Agent, ApiToken, hash_token
from relais.api.errors import Unauthorized

# Recording every use would turn each read into a write; a minute is precise
# enough to tell a live token from a forgotten one.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Agent:
        api_token = (
            ApiToken.objects.select_related("agent").filter(key_hash=hash_token(token)).first()
        )
        if api_token is None:
            raise Unauthorized(_("missing or invalid API token"))
        if not api_token.agent.is_active:
            raise Unauthorized(_("this agent is deactivated"), code="agent_inactive")
        _note_use(api_token)
        return api_token.agent


def _note_use(api_token: ApiToken) -> None:
    now = timezone.now()
    last = api_token.last_used_at
    if last is None or now - last >= LAST_USED_PRECISION:
        # Conditional UPDATE: concurrent requests write at most once per minute.
        ApiToken.objects.filter(pk=api_token.pk, last_used_at=last).update(last_used_at=now)
        api_token.last_used_at = now


def current_agent(request: HttpRequest) -> Agent:
    """The agent the request's token belongs to (set by ApiTokenAuth)."""
    return request.auth  # type: ignore[attr-defined]
