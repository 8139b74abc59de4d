"""What a conversation gets when it arrives or the customer writes again:
routing rules (team, priority, tags, required skills) and SLA deadlines.

Runs inside the message's transaction (conversations/inbound_store.py), on
the cached configuration (routing/config.py): no query unless a rule needs
the contact's segment or language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from relais.contacts.models import Contact
from relais.conversations.models import Priority
from relais.core.sql import column, table
from relais.routing.config import Policy, routing_config
from relais.routing.rules import ArrivalFacts, decide
from relais.routing.sla import first_response_due, next_response_due, resolution_due, response_due

CONTACT_FACTS = (
    f"SELECT {column(Contact, 'segment')}, {column(Contact, 'locale')} "  # noqa: S608 (names from _meta)
    f"FROM {table(Contact)} WHERE {column(Contact, 'id')} = %s"
)


@dataclass(frozen=True)
class Arrival:
    priority: int
    team_id: int | None = None
    skills: dict[str, int] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    matched_rules: list[int] = field(default_factory=list)
    policy_id: int | None = None
    response_due: datetime | None = None
    resolution_due: datetime | None = None


def route_arrival(
    cursor,
    *,
    inbox_id: int,
    channel_class: str,
    contact_id: int,
    text: str,
    metadata: dict,
    now: datetime,
) -> Arrival:
    """Rules, then the SLA policy for the resulting priority."""
    config = routing_config()
    priority = int(Priority.NORMAL)
    decision = None
    if config.rules:
        segment, language = _contact_facts(cursor, contact_id, config.rules)
        facts = ArrivalFacts(
            channel=channel_class,
            inbox_id=inbox_id,
            text=text,
            reason=str(metadata.get("reason") or ""),
            language=language or str(metadata.get("language") or ""),
            segment=segment,
            public=bool(metadata.get("public")),
        )
        decision = decide(config.rules, facts)
        if decision.priority is not None:
            priority = max(int(Priority.LOW), min(decision.priority, int(Priority.URGENT)))
    policy = config.policy_for(inbox_id, channel_class, priority)
    return Arrival(
        priority=priority,
        team_id=decision.team_id if decision else None,
        skills=decision.skills if decision else {},
        tags=decision.tags if decision else [],
        matched_rules=decision.matched if decision else [],
        policy_id=policy.id if policy else None,
        response_due=_first_due(policy, channel_class, now),
        resolution_due=(resolution_due(policy.targets, policy.calendar, now) if policy else None),
    )


def next_due(policy_id: int | None, channel_class: str, waiting_since: datetime) -> datetime:
    """When the answer to a customer writing again is due."""
    policy = _policy(policy_id)
    if policy is None or policy.targets.next_response is None:
        return response_due(channel_class, waiting_since)
    return next_response_due(policy.targets, policy.calendar, waiting_since)


def first_due(policy_id: int | None, channel_class: str, since: datetime) -> datetime:
    """When the first answer is due to a customer who first wrote at `since`
    (a conversation the bot hands over keeps the clock of its first message)."""
    return _first_due(_policy(policy_id), channel_class, since)


def _first_due(policy: Policy | None, channel_class: str, now: datetime) -> datetime:
    # A policy without a first-response target keeps the channel's default,
    # so every waiting conversation has a place in the queue.
    if policy is None or policy.targets.first_response is None:
        return response_due(channel_class, now)
    return first_response_due(policy.targets, policy.calendar, now)


def _policy(policy_id: int | None) -> Policy | None:
    if policy_id is None:
        return None
    return next((p for p in routing_config().policies if p.id == policy_id), None)


def _contact_facts(cursor, contact_id: int, rules) -> tuple[str, str]:
    if not any("segments" in rule.conditions or "languages" in rule.conditions for rule in rules):
        return "", ""
    cursor.execute(CONTACT_FACTS, [contact_id])
    row = cursor.fetchone()
    return (row[0] or "", row[1] or "") if row else ("", "")
