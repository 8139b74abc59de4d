"""Factories for tests: build real rows through the real actions where it matters."""

import itertools

from relais.accounts.models import Agent, Role, Team
from relais.connectors.base import IdentityRef, InboundMessage
from relais.connectors.models import Inbox
from relais.conversations.actions import receive_message

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_agent(role: str = Role.AGENT, *, teams=(), email: str | None = None, **fields) -> Agent:
    n = next(_seq)
    agent = Agent.objects.create_user(
        email or f"agent{n}@example.com",
        password=PASSWORD,
        name=fields.pop("name", f"Agent {n}"),
        role=role,
        **fields,
    )
    for team in teams:
        team.members.add(agent)
    return agent


def make_inbox(kind: str = "webchat", *, name: str | None = None, teams=(), **config) -> Inbox:
    inbox = Inbox.objects.create(kind=kind, name=name or f"Inbox {next(_seq)}", config=config)
    for team in teams:
        team.inboxes.add(inbox)
    return inbox


def make_email_inbox(
    address: str = "support@example.com", *, name: str | None = None, teams=(), **settings
) -> Inbox:
    """An e-mail inbox whose settings went through the connector's validation."""
    from relais.connectors.email.config import EmailConfig

    config = EmailConfig.model_validate({"address": address, **settings}).model_dump(mode="json")
    return make_inbox("email", name=name, teams=teams, **config)


def make_team(name: str | None = None, *, inboxes=(), members=()) -> Team:
    team = Team.objects.create(name=name or f"Team {next(_seq)}")
    team.inboxes.add(*inboxes)
    team.members.add(*members)
    return team


def inbound(
    inbox: Inbox,
    body: str = "Bonjour, ma commande n'est pas arrivée",
    *,
    visitor: str | None = None,
    provider_message_id: str | None = None,
    **fields,
) -> InboundMessage:
    visitor = visitor or f"visitor-{next(_seq)}"
    return InboundMessage(
        inbox_id=inbox.pk,
        body=body,
        identities=fields.pop("identities", [IdentityRef("visitor", visitor)]),
        provider_message_id=provider_message_id
        if provider_message_id is not None
        else f"pm-{next(_seq)}",
        **fields,
    )


def make_conversation(inbox: Inbox, body: str = "Bonjour", **fields):
    return receive_message(inbound(inbox, body, **fields)).conversation
