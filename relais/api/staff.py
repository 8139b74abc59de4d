"""Look up the agents and teams a request names (e.g. to assign to)."""

from django.utils.translation import gettext as _

from relais.accounts.models import Agent, Team
from relais.conversations.errors import InvalidInput


def find_active_agent(agent_id: int) -> Agent:
    agent = Agent.objects.filter(pk=agent_id, is_active=True).first()
    if agent is None:
        raise InvalidInput(_("no active agent with this id"))
    return agent


def find_team(team_id: int) -> Team:
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise InvalidInput(_("no team with this id"))
    return team
