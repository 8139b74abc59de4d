"""The routing configuration as the pure modules want it, cached per process.

Every new conversation needs the rules and SLA policies, so they are read
from the database at most every few seconds (and at once after a change made
in this process): another process sees an edit within CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db.models.signals import m2m_changed, post_delete, post_save

from relais.core.business_hours import BusinessCalendar
from relais.routing.rules import Rule
from relais.routing.sla import DEFAULT_RESPONSE_TARGETS, EscalationStep, SlaTargets

CACHE_SECONDS = 5.0
DEFAULT_WARN_SHARE = 0.25  # at risk in the last quarter of the target


@dataclass(frozen=True)
class Policy:
    """An SlaPolicy row, ready to use."""

    id: int
    inbox_ids: frozenset[int]
    channels: frozenset[str]
    priorities: frozenset[int]
    targets: SlaTargets
    calendar: BusinessCalendar | None
    warn_before: timedelta | None
    steps: tuple[EscalationStep, ...]

    def matches(self, inbox_id: int, channel: str, priority: int) -> bool:
        return (
            (not self.inbox_ids or inbox_id in self.inbox_ids)
            and (not self.channels or channel in self.channels)
            and (not self.priorities or priority in self.priorities)
        )

    def warning_for(self, target: timedelta | None) -> timedelta:
        if self.warn_before is not None:
            return self.warn_before
        return (target or timedelta(0)) * DEFAULT_WARN_SHARE


@dataclass(frozen=True)
class RoutingConfig:
    rules: tuple[Rule, ...]
    policies: tuple[Policy, ...]
    default_calendar: BusinessCalendar | None

    def policy_for(self, inbox_id: int, channel: str, priority: int) -> Policy | None:
        return next((p for p in self.policies if p.matches(inbox_id, channel, priority)), None)

    def policy_by_id(self, policy_id: int | None) -> Policy | None:
        """The active policy of that id; None for a policy deleted or deactivated."""
        return next((p for p in self.policies if p.id == policy_id), None)


def response_warning(channel: str, policy: Policy | None, answered: bool) -> timedelta:
    """How long before its response deadline a conversation counts as at risk:
    the policy's window, else a quarter of the target (the channel class's
    default target when the policy sets none, as routing/arrival.py does)."""
    default = DEFAULT_RESPONSE_TARGETS.get(channel, DEFAULT_RESPONSE_TARGETS["messaging"])
    if policy is None:
        return default * DEFAULT_WARN_SHARE
    target = policy.targets.next_response if answered else policy.targets.first_response
    return policy.warning_for(target or default)


def escalation_steps(data: object) -> tuple[EscalationStep, ...]:
    """The policy's escalation list as steps; ValueError when malformed."""
    if not isinstance(data, list):
        raise ValueError("escalation must be a list of steps")
    steps = []
    for item in data:
        if not isinstance(item, dict) or set(item) - {"when", "action", "target"}:
            raise ValueError('a step is {"when": …, "action": …, "target": …}')
        steps.append(EscalationStep(item.get("when"), item.get("action"), item.get("target", "")))
    return tuple(steps)


_lock = threading.Lock()
_cached: tuple[float, RoutingConfig] | None = None


def routing_config() -> RoutingConfig:
    global _cached
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    config = load_config()
    with _lock:
        _cached = (now, config)
    return config


def forget_config(**_kwargs) -> None:
    global _cached
    _cached = None


def load_config() -> RoutingConfig:
    from relais.routing.models import BusinessSchedule, RoutingRule, SlaPolicy

    schedules = {schedule.pk: schedule for schedule in BusinessSchedule.objects.all()}
    default = next((s for s in schedules.values() if s.is_default), None)
    default_calendar = _calendar(default)
    rules = tuple(
        Rule(
            id=rule.pk,
            conditions=rule.conditions or {},
            team_id=rule.team_id,
            priority=rule.priority,
            tags=tuple(rule.tags or ()),
            skills=dict(rule.skills or {}),
            stop=rule.stop,
        )
        for rule in RoutingRule.objects.filter(is_active=True)
    )
    policies = []
    for policy in SlaPolicy.objects.filter(is_active=True).prefetch_related("inboxes"):
        schedule = schedules.get(policy.schedule_id) or default
        calendar = _calendar(schedule)
        policies.append(
            Policy(
                id=policy.pk,
                inbox_ids=frozenset(inbox.pk for inbox in policy.inboxes.all()),
                channels=frozenset(policy.channels or ()),
                priorities=frozenset(int(p) for p in policy.priorities or ()),
                targets=SlaTargets(
                    first_response=policy.first_response,
                    next_response=policy.next_response,
                    resolution=policy.resolution,
                    business_hours=policy.business_hours and calendar is not None,
                ),
                calendar=calendar,
                warn_before=policy.warn_before,
                steps=_steps_or_none(policy.escalation),
            )
        )
    return RoutingConfig(rules, tuple(policies), default_calendar)


def _calendar(schedule) -> BusinessCalendar | None:
    try:
        return schedule.calendar() if schedule is not None else None
    except ValueError:  # refused by the admin form; a raw edit falls back to calendar time
        return None


def _steps_or_none(data: object) -> tuple[EscalationStep, ...]:
    try:
        return escalation_steps(data)
    except (TypeError, ValueError):
        return ()


def connect_signals() -> None:
    from relais.accounts.models import Team
    from relais.routing.models import BusinessSchedule, RoutingRule, SlaPolicy

    # A deleted team leaves its id in the cached rules (SET_NULL skips signals).
    post_delete.connect(forget_config, sender=Team, dispatch_uid="forget-team")
    for model in (BusinessSchedule, RoutingRule, SlaPolicy):
        post_save.connect(forget_config, sender=model, dispatch_uid=f"forget-{model.__name__}")
        post_delete.connect(forget_config, sender=model, dispatch_uid=f"forget-d-{model.__name__}")
    m2m_changed.connect(forget_config, sender=SlaPolicy.inboxes.through, dispatch_uid="forget-m2m")
