"""Agent actions: create agents, issue tokens, change presence."""

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Agent, ApiToken, Presence, Role
from relais.core.events import record_event
from relais.core.realtime import agent_group, broadcast_on_commit


class InvalidAgentInput(ValueError):
    pass


def create_agent(
    email: str, *, password: str | None = None, name: str = "", role: str = Role.AGENT
) -> Agent:
    """Create an agent (admins may also use the Django admin)."""
    if role not in Role.values:
        raise InvalidAgentInput(f"unknown role: {role}")
    email = email.strip().lower()
    if Agent.objects.filter(email=email).exists():
        raise InvalidAgentInput(f"an agent with e-mail {email} already exists")
    with transaction.atomic():
        agent = Agent.objects.create_user(
            email,
            password=password,
            name=name,
            role=role,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        record_event("agent.created", actor=agent, role=role)
    return agent


def issue_api_token(agent: Agent, name: str = "") -> str:
    """Create an API token and return its raw value (shown once)."""
    token, raw = ApiToken.issue(agent, name=name)
    record_event("agent.token_issued", actor=agent, token_id=token.pk)
    return raw


def set_presence(agent: Agent, presence: str, *, reason: str = "") -> Agent:
    """Change an agent's presence and tell their open consoles. `reason` says why
    a change the agent did not make happened (e.g. "inactive", from
    routing/presence.py); it goes into the Event's data when given."""
    if presence not in Presence.values:
        raise InvalidAgentInput(f"unknown presence: {presence}")
    if agent.presence == presence:
        return agent
    with transaction.atomic():
        previous = agent.presence
        agent.presence = presence
        agent.presence_changed_at = timezone.now()
        agent.save(update_fields=["presence", "presence_changed_at"])
        record_event(
            "agent.presence_changed",
            actor=agent,
            presence=presence,
            previous_presence=previous,
            **({"reason": reason} if reason else {}),
        )
        broadcast_on_commit(
            [agent_group(agent.pk)], {"name": "agent.presence", "presence": presence}
        )
    return agent
