"""Can anyone answer this inbox now? The web chat is live only then, the
routing log records when it was offered, and the bot's handover tells the
customer when nobody can.

The rule is a pure function on plain data (`chat_is_live`); `inbox_is_live`
loads that data for one inbox with a single query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from relais.accounts.models import Agent, Presence, Team
from relais.connectors.models import Inbox
from relais.connectors.registry import CONNECTORS
from relais.conversations.models import Status

# Conversations that still occupy an agent's attention. Pending ones wait on
# the customer, resolved and snoozed ones on nobody: they release the agent's
# capacity, as does a transfer (the count follows the current assignee).
ACTIVE_STATUSES = (Status.OPEN,)


@dataclass(frozen=True)
class AgentLoad:
    """One agent serving the inbox: presence, capacity and current load for
    the inbox's channel class."""

    presence: str
    capacity: int
    active_conversations: int

    @property
    def free_capacity(self) -> int:
        return max(self.capacity - self.active_conversations, 0)


def chat_is_live(agents: Iterable[AgentLoad]) -> bool:
    """True when at least one online agent has room for one more conversation."""
    return any(agent.presence == Presence.ONLINE and agent.free_capacity > 0 for agent in agents)


def serving_agent_loads(inbox: Inbox) -> list[AgentLoad]:
    """The online agents of the teams serving `inbox`, with their load counted
    over every inbox of the same channel class (a chat on another site takes
    the same attention)."""
    channel_class = inbox.connector.channel_class
    same_class_kinds = [
        kind for kind, connector in CONNECTORS.items() if connector.channel_class == channel_class
    ]
    serving = Team.members.through.objects.filter(team__inboxes=inbox).values("agent_id")
    agents = (
        Agent.objects.filter(is_active=True, presence=Presence.ONLINE, pk__in=serving)
        .annotate(
            active=Count(
                "assigned_conversations",
                filter=Q(
                    assigned_conversations__status__in=ACTIVE_STATUSES,
                    assigned_conversations__channel__in=same_class_kinds,
                ),
            )
        )
        .only("presence", "capacity")
    )
    return [
        AgentLoad(agent.presence, agent.capacity_for(channel_class), agent.active)
        for agent in agents
    ]


def inbox_is_live(inbox: Inbox) -> bool:
    return chat_is_live(serving_agent_loads(inbox))
