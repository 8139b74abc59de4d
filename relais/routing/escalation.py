"""SLA deadlines on the live system: record when a deadline comes at risk or
is breached, and run the policy's escalation steps (notify, raise the
priority, reassign). `check_deadlines()` is a periodic job (core/schedule.py).

A conversation has two deadlines: "response" (`due_at`, the first or next
answer) and "resolution" (`resolution_due_at`). What was recorded or run for
a deadline is kept in `Conversation.sla_escalations` as
"<deadline>:<what>@<due, UTC ISO>" (e.g. "response:breached@2026-01-16T09:00:00+00:00",
"response:breached:raise_priority:@…"): the same deadline never records twice,
and a new one (the customer wrote again) starts afresh because its due time differs.

Open conversations only: pending ones wait on the customer (the resolution
clock is paused; routing/pause.py moves the deadline back when they leave
pending), snoozed and resolved ones owe nobody an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from relais.accounts.models import Agent, Role, Team
from relais.conversations.actions import assign_conversation, set_priority
from relais.conversations.models import Conversation, Priority, Status
from relais.core.events import record_event
from relais.core.realtime import agent_group, broadcast_on_commit
from relais.routing.config import (
    DEFAULT_WARN_SHARE,
    Policy,
    RoutingConfig,
    response_warning,
    routing_config,
)
from relais.routing.live import channel_class
from relais.routing.sla import (
    DEFAULT_RESPONSE_TARGETS,
    BreachState,
    EscalationStep,
    breach_state,
    due_escalations,
)

log = logging.getLogger(__name__)

RESPONSE, RESOLUTION = "response", "resolution"
SUPERVISOR_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# What deciding needs, so that conversations with nothing new to record are
# skipped without a lock or a second query.
CANDIDATE_FIELDS = (
    "id",
    "channel",
    "status",
    "sla_policy",
    "first_response_at",
    "due_at",
    "resolution_due_at",
    "sla_escalations",
)


@dataclass(frozen=True)
class Deadline:
    """One deadline of a conversation, with the warning window that applies."""

    name: str  # RESPONSE or RESOLUTION
    due: datetime
    warning: timedelta
    policy: Policy | None

    @property
    def due_iso(self) -> str:
        # UTC: the same instant read back from either database gives the same key.
        return self.due.astimezone(UTC).isoformat()

    def key(self, what: str) -> str:
        return f"{self.name}:{what}@{self.due_iso}"

    def owns(self, key: str) -> bool:
        return key.startswith(f"{self.name}:") and key.endswith(f"@{self.due_iso}")

    def facts(self) -> dict[str, Any]:
        return {
            "deadline": self.name,
            "due_at": self.due_iso,
            "policy_id": self.policy.id if self.policy else None,
        }


@dataclass(frozen=True)
class Plan:
    """What one check records and runs for one deadline."""

    deadline: Deadline
    state: BreachState
    event: str | None  # "sla.at_risk" or "sla.breached", None when already recorded
    steps: tuple[EscalationStep, ...]

    @property
    def keys(self) -> list[str]:
        keys = [self.deadline.key(self.state)] if self.event else []
        return keys + [self.deadline.key(step.key) for step in self.steps]


def check_deadlines(now: datetime | None = None) -> int:
    """Record at-risk and breached deadlines of open conversations and run the
    due escalation steps; returns the number of "sla.*" events recorded.

    Idempotent and safe from several workers: each conversation is updated in
    its own transaction, its row locked and its keys read again after locking.
    One query when nothing is due. A conversation that fails is logged and
    left for the next run; the others go on."""
    now = now or timezone.now()
    config = routing_config()
    horizon = now + longest_warning(config)
    candidates = Conversation.objects.filter(
        Q(due_at__lte=horizon) | Q(resolution_due_at__lte=horizon), status=Status.OPEN
    ).only(*CANDIDATE_FIELDS)
    recorded = 0
    for conversation in list(candidates):
        if not plans_for(conversation, config, now):
            continue
        try:
            recorded += escalate_conversation(conversation.pk, now=now, config=config)
        except Exception:
            log.exception("SLA escalation failed", extra={"conversation_id": conversation.pk})
    return recorded


def escalate_conversation(
    conversation_id: int, *, now: datetime, config: RoutingConfig | None = None
) -> int:
    """Lock the conversation, decide again on its current row, record the
    deadline events and run the steps, all in one transaction. Returns the
    number of "sla.*" events recorded (0 if another worker was first)."""
    config = config or routing_config()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
        if conversation is None or conversation.status != Status.OPEN:
            return 0
        deadlines = deadlines_of(conversation, config)
        plans = plans_for(conversation, config, now, deadlines)
        if not plans:
            return 0
        conversation.sla_escalations = updated_keys(conversation.sla_escalations, deadlines, plans)
        conversation.save(update_fields=["sla_escalations"])
        recorded = 0
        for plan in plans:
            if plan.event:
                record_event(plan.event, conversation=conversation, **plan.deadline.facts())
                recorded += 1
            for step in plan.steps:
                conversation, done = run_step(conversation, step, plan)
                record_event(
                    "sla.escalated",
                    conversation=conversation,
                    **plan.deadline.facts(),
                    state=plan.state,
                    action=step.action,
                    target=step.target,
                    **done,
                )
                recorded += 1
    return recorded


def longest_warning(config: RoutingConfig) -> timedelta:
    """The widest warning window of any deadline: how far ahead to look."""
    channel_default = max(DEFAULT_RESPONSE_TARGETS.values())
    warnings = [channel_default * DEFAULT_WARN_SHARE]
    for policy in config.policies:
        targets = policy.targets
        warnings += [
            policy.warning_for(targets.first_response or channel_default),
            policy.warning_for(targets.next_response or channel_default),
            policy.warning_for(targets.resolution),
        ]
    return max(warnings)


def deadlines_of(conversation: Conversation, config: RoutingConfig) -> list[Deadline]:
    """The conversation's current deadlines. A policy deleted or deactivated
    since arrival counts as none: channel defaults, no steps."""
    policy = next((p for p in config.policies if p.id == conversation.sla_policy_id), None)
    deadlines = []
    if conversation.due_at is not None:
        answered = conversation.first_response_at is not None
        warning = response_warning(channel_class(conversation.channel), policy, answered)
        deadlines.append(Deadline(RESPONSE, conversation.due_at, warning, policy))
    if conversation.resolution_due_at is not None:
        warning = policy.warning_for(policy.targets.resolution) if policy else timedelta(0)
        deadlines.append(Deadline(RESOLUTION, conversation.resolution_due_at, warning, policy))
    return deadlines


def plans_for(
    conversation: Conversation,
    config: RoutingConfig,
    now: datetime,
    deadlines: list[Deadline] | None = None,
) -> list[Plan]:
    """What is left to record or run for the conversation's deadlines at `now`."""
    if deadlines is None:
        deadlines = deadlines_of(conversation, config)
    done = set(conversation.sla_escalations or ())
    return [plan for deadline in deadlines if (plan := plan_deadline(deadline, now, done))]


def plan_deadline(deadline: Deadline, now: datetime, done: set[str]) -> Plan | None:
    """The event to record (once per state reached) and the policy's steps
    not yet run for this deadline; None when there is nothing to do. A check
    that finds a deadline already breached records the breach only, yet still
    runs the at-risk steps (due_escalations)."""
    state = breach_state(deadline.due, now, deadline.warning)
    if state == "ok":
        return None
    event = None if deadline.key(state) in done else f"sla.{state}"
    steps = deadline.policy.steps if deadline.policy else ()
    already_run = {step.key for step in steps if deadline.key(step.key) in done}
    due_steps = tuple(due_escalations(steps, state, already_run))
    if event is None and not due_steps:
        return None
    return Plan(deadline, state, event, due_steps)


def updated_keys(keys: Iterable[str], deadlines: list[Deadline], plans: list[Plan]) -> list[str]:
    """Keys of the current deadlines, plus those of this check; keys of
    deadlines that ended are dropped, so the list stays short."""
    kept = [key for key in keys if any(deadline.owns(key) for deadline in deadlines)]
    return kept + [key for plan in plans for key in plan.keys if key not in kept]


def run_step(
    conversation: Conversation, step: EscalationStep, plan: Plan
) -> tuple[Conversation, dict[str, Any]]:
    """Run one escalation step; returns the conversation as it now is and what
    the step did, for the "sla.escalated" event."""
    if step.action == "notify":
        return conversation, {"notified": notify(conversation, step.target, plan)}
    if step.action == "raise_priority":
        previous = conversation.priority
        wanted = raised_priority(previous, step.target)
        if wanted != previous:
            conversation = set_priority(conversation, wanted, by=None)
        return conversation, {"priority": conversation.priority, "previous_priority": previous}
    return reassign(conversation, step.target)


def notify(conversation: Conversation, target: str, plan: Plan) -> list[int]:
    """Tell the target's agents, on their own consoles, after commit."""
    agent_ids = recipients(conversation, target)
    event = {
        "name": "sla.escalated",
        "conversation_id": conversation.pk,
        "state": plan.state,
        "deadline": plan.deadline.name,
        "due_at": plan.deadline.due_iso,
    }
    if agent_ids:
        broadcast_on_commit([agent_group(agent_id) for agent_id in agent_ids], event)
    return agent_ids


def recipients(conversation: Conversation, target: str) -> list[int]:
    """Agents to notify: "supervisors" (the default), "assignee", "team" (the
    conversation's) or "team:<id>". Without an assignee or a team, or with a
    target we do not know, the supervisors: a warning must reach someone."""
    agents = Agent.objects.filter(is_active=True).order_by("pk")
    chosen: list[int] = []
    if target == "assignee" and conversation.assignee_id is not None:
        chosen = list(agents.filter(pk=conversation.assignee_id).values_list("pk", flat=True))
    elif target == "team" or target.startswith("team:"):
        team_id = _team_id(conversation, target)
        if team_id is not None:
            chosen = list(agents.filter(teams=team_id).values_list("pk", flat=True))
    elif target not in ("", "supervisors", "assignee"):
        log.warning("unknown notify target %r: notifying the supervisors", target)
    if chosen:
        return chosen
    return list(agents.filter(role__in=SUPERVISOR_ROLES).values_list("pk", flat=True))


def raised_priority(current: int, target: str) -> int:
    """The priority a "raise_priority" step asks for: the target ("high",
    "urgent", a number) or one level up; never lower, never above urgent."""
    wanted = current + 1
    if target.strip().isdigit():
        wanted = int(target)
    elif target.strip():
        try:
            wanted = Priority[target.strip().upper()].value
        except KeyError:
            log.warning("unknown priority %r, raising one level", target)
    return max(current, min(wanted, int(Priority.URGENT)))


def reassign(conversation: Conversation, target: str) -> tuple[Conversation, dict[str, Any]]:
    """Take the conversation back from its agent, so that push routing gives it
    to someone available; "team:<id>" also moves it to that team."""
    previous = conversation.assignee_id
    team = None
    team_id = _team_id(conversation, target) if target.startswith("team:") else None
    if team_id is not None:
        team = Team.objects.filter(pk=team_id).first()
        if team is None:
            log.warning("reassign to unknown team %s: only unassigning", team_id)
    moves_team = team is not None and team.pk != conversation.team_id
    if previous is not None or moves_team:
        # by=None: the system acts; the "sla.escalated" event says why.
        conversation = assign_conversation(conversation, by=None, agent=None, team=team)
    return conversation, {"previous_assignee_id": previous, "team_id": conversation.team_id}


def _team_id(conversation: Conversation, target: str) -> int | None:
    if target == "team":
        return conversation.team_id
    if target.startswith("team:") and target[5:].isdigit():
        return int(target[5:])
    return None
