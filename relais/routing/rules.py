"""Routing rules (pure): what a new conversation's facts decide about its team,
priority, tags and required skills.

A rule matches when every condition it states holds; a condition lists the
accepted values (any of them will do). Keywords match whole words of the
subject and first message, without regard to case or accents.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

CONDITION_KEYS = {"channels", "inboxes", "reasons", "languages", "segments", "keywords", "public"}
SKILL_PATTERN = re.compile(r"^[a-z0-9_-]+:[a-z0-9_.-]+$")


@dataclass(frozen=True)
class ArrivalFacts:
    """What is known of a conversation when it arrives."""

    channel: str  # channel class: call, chat, messaging, email
    inbox_id: int
    text: str = ""  # subject and first message
    reason: str = ""  # reason for contact chosen on a form
    language: str = ""
    segment: str = ""
    public: bool = False  # a public social post


@dataclass(frozen=True)
class Rule:
    id: int
    conditions: Mapping[str, object]
    team_id: int | None = None
    priority: int | None = None
    tags: tuple[str, ...] = ()
    skills: Mapping[str, int] = field(default_factory=dict)
    stop: bool = False


@dataclass
class RoutingDecision:
    team_id: int | None = None
    priority: int | None = None
    tags: list[str] = field(default_factory=list)
    skills: dict[str, int] = field(default_factory=dict)
    matched: list[int] = field(default_factory=list)  # rule ids, in order


def fold(text: str) -> str:
    """Lower case without accents: "Résiliation" and "resiliation" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def _keyword_matches(keywords: Iterable[str], words: set[str], folded: str) -> bool:
    for keyword in keywords:
        keyword = fold(str(keyword)).strip()
        # A phrase matches as a phrase; a single word as a whole word.
        if (" " in keyword and keyword in folded) or keyword in words:
            return True
    return False


def rule_matches(conditions: Mapping[str, object], facts: ArrivalFacts) -> bool:
    def accepts(key: str, value: object) -> bool:
        wanted = conditions.get(key)
        return not wanted or value in wanted  # type: ignore[operator]

    if not (
        accepts("channels", facts.channel)
        and accepts("inboxes", facts.inbox_id)
        and accepts("languages", facts.language.split("-")[0].lower())
        and accepts("segments", facts.segment)
    ):
        return False
    reasons = conditions.get("reasons")
    if reasons and fold(facts.reason) not in {fold(str(reason)) for reason in reasons}:  # type: ignore[union-attr]
        return False
    if "public" in conditions and bool(conditions["public"]) != facts.public:
        return False
    keywords = conditions.get("keywords")
    if keywords:
        folded = fold(facts.text)
        if not _keyword_matches(keywords, _words(facts.text), folded):  # type: ignore[arg-type]
            return False
    return True


def decide(rules: Iterable[Rule], facts: ArrivalFacts) -> RoutingDecision:
    """Apply the matching rules in order (the caller passes them sorted)."""
    decision = RoutingDecision()
    for rule in rules:
        if not rule_matches(rule.conditions, facts):
            continue
        decision.matched.append(rule.id)
        if rule.team_id is not None:
            decision.team_id = rule.team_id
        if rule.priority is not None:
            decision.priority = rule.priority
        decision.tags.extend(tag for tag in rule.tags if tag not in decision.tags)
        for skill, level in rule.skills.items():
            decision.skills[skill] = max(level, decision.skills.get(skill, 0))
        if rule.stop:
            break
    return decision


def check_conditions(conditions: object) -> None:
    """Raise ValueError with a clear message for a malformed condition set."""
    if not isinstance(conditions, dict):
        raise ValueError("conditions must be an object")
    unknown = set(conditions) - CONDITION_KEYS
    if unknown:
        raise ValueError(f"unknown condition: {', '.join(sorted(unknown))}")
    for key, value in conditions.items():
        if key == "public":
            if not isinstance(value, bool):
                raise ValueError("public must be true or false")
        elif not isinstance(value, list):
            raise ValueError(f"{key} must be a list")
        elif key == "inboxes" and not all(isinstance(item, int) for item in value):
            raise ValueError("inboxes must be inbox ids")


def check_skills(skills: object) -> None:
    if not isinstance(skills, dict):
        raise ValueError('skills must be an object such as {"lang:fr": 1}')
    for name, level in skills.items():
        if not SKILL_PATTERN.match(str(name)):
            raise ValueError(f'skill "{name}" must look like "lang:fr" or "topic:billing"')
        if not isinstance(level, int) or not 1 <= level <= 5:
            raise ValueError(f"skill {name}: the level must be a whole number from 1 to 5")
