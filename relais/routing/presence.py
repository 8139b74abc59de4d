"""Automatic "away": online agents who stopped using the console stop receiving work.

The console websocket (`web/consumers.py`) keeps two timestamps on the agent:
`last_active_at` (connected, or the page reported a keystroke, click, scroll…)
and `disconnected_at` (a console closed and none has shown activity since).
`should_go_away` decides on those values alone; `mark_idle_agents_away`, a
periodic job of the worker, loads the candidates and moves them.

Only the agent brings themselves back online: reconnecting after an automatic
away leaves them away (as Zendesk does), since an agent opening the console is
not necessarily ready to take conversations.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from relais.accounts.actions import set_presence
from relais.accounts.models import Agent, Presence

# Defaults; the lead moves them to settings.py (RELAIS_AWAY_AFTER_INACTIVE_SECONDS,
# RELAIS_AWAY_AFTER_DISCONNECT_SECONDS).
AWAY_AFTER_INACTIVE = timedelta(minutes=10)
# A page navigation closes the socket and opens a new one within a second or two.
AWAY_AFTER_DISCONNECT = timedelta(seconds=60)

REASON_INACTIVE = "inactive"
REASON_DISCONNECTED = "disconnected"


def away_reason(
    presence: str,
    last_active_at: datetime | None,
    disconnected_at: datetime | None,
    now: datetime,
    inactivity: timedelta = AWAY_AFTER_INACTIVE,
    disconnect_grace: timedelta = AWAY_AFTER_DISCONNECT,
) -> str | None:
    """Why an agent should be moved away now ("disconnected" or "inactive"), or None.

    Only online agents move: busy is a choice the agent made, away and offline
    are already out of routing. `last_active_at` None means the console never
    reported on this agent (an agent driven through the API): no inactivity
    counts against them.
    """
    if presence != Presence.ONLINE:
        return None
    if (
        disconnected_at is not None
        and now - disconnected_at > disconnect_grace
        and (last_active_at is None or last_active_at <= disconnected_at)
    ):
        return REASON_DISCONNECTED
    if last_active_at is not None and now - last_active_at > inactivity:
        return REASON_INACTIVE
    return None


def should_go_away(
    presence: str,
    last_active_at: datetime | None,
    disconnected_at: datetime | None,
    now: datetime,
    inactivity: timedelta = AWAY_AFTER_INACTIVE,
    disconnect_grace: timedelta = AWAY_AFTER_DISCONNECT,
) -> bool:
    """Whether an agent should be moved away now (see `away_reason`)."""
    reason = away_reason(
        presence, last_active_at, disconnected_at, now, inactivity, disconnect_grace
    )
    return reason is not None


def mark_idle_agents_away(now: datetime | None = None) -> int:
    """Move to "away" the online agents whose console went quiet or closed, and
    return how many moved. Each move goes through `set_presence` (an
    `agent.presence_changed` Event with the reason, the console told).

    Candidates come from one query; each move re-reads its agent under a row
    lock and decides again, so a presence changed meanwhile (the agent chose
    busy, or came back) is kept, and several workers move an agent once.
    """
    now = now or timezone.now()
    moved = 0
    for candidate in _candidates(now):
        if _move_away_if_idle(candidate.pk, now):
            moved += 1
    return moved


def _candidates(now: datetime) -> list[Agent]:
    inactive_since = now - AWAY_AFTER_INACTIVE
    # Going online counts as a sign of life: an agent set online through the API
    # or by the demo does not go away at once because of an old console session.
    quiet = Q(last_active_at__lt=inactive_since, presence_changed_at__lt=inactive_since)
    gone = Q(disconnected_at__lt=now - AWAY_AFTER_DISCONNECT)
    return list(
        Agent.objects.filter(Q(presence=Presence.ONLINE) & (quiet | gone)).only(
            "pk", "presence", "presence_changed_at", "last_active_at", "disconnected_at"
        )
    )


def _move_away_if_idle(agent_id: int, now: datetime) -> bool:
    with transaction.atomic():
        agent = Agent.objects.select_for_update().filter(pk=agent_id).first()
        if agent is None:
            return False
        reason = away_reason(agent.presence, _last_sign_of_life(agent), agent.disconnected_at, now)
        if reason is None:
            return False
        set_presence(agent, Presence.AWAY, reason=reason)
    return True


def _last_sign_of_life(agent: Agent) -> datetime | None:
    if agent.last_active_at is None:
        return None
    return max(agent.last_active_at, agent.presence_changed_at)
