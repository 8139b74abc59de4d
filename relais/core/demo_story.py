"""How the demo's conversations are written down: a scenario is one
conversation as it happened, step by step, minute by minute from when the
customer first wrote (played by `relais.core.demo_data`). Agents and teams are
named by key."""

from dataclasses import dataclass

from relais.conversations.models import Priority, Status


@dataclass(frozen=True)
class Step:
    """One thing that happened, `at` minutes after the customer first wrote."""

    at: int
    action: str  # customer | auto_reply | reply | note | assign | status
    body: str = ""  # for status: the new status
    agent: str = ""  # who replies, notes or sets the status; for assign, the new assignee
    team: str = ""  # for assign: the team the conversation goes to
    files: tuple[str, ...] = ()  # for customer: names of `demo_channels.DEMO_FILES` attached


def customer(at: int, body: str, files: tuple[str, ...] = ()) -> Step:
    return Step(at, "customer", body, files=files)


def auto_reply(at: int, body: str) -> Step:
    """The customer's mailbox answers by itself (an out-of-office)."""
    return Step(at, "auto_reply", body)


def reply(at: int, agent: str, body: str) -> Step:
    return Step(at, "reply", body, agent)


def note(at: int, agent: str, body: str) -> Step:
    return Step(at, "note", body, agent)


def assign(at: int, agent: str = "", team: str = "") -> Step:
    """The supervisor dispatches the conversation to an agent and/or a team."""
    return Step(at, "assign", agent=agent, team=team)


def set_status(at: int, agent: str, status: str) -> Step:
    """An agent parks or resolves the conversation before the story ends (the
    scenario's own `status` is applied once it has ended)."""
    return Step(at, "status", status, agent)


@dataclass(frozen=True)
class Scenario:
    contact: str
    channel: str
    subject: str
    steps: tuple[Step, ...]
    # When the customer first wrote: `clock` (HH:MM, local time) `days_ago`,
    # or `minutes_ago` for today's conversations.
    days_ago: int = 0
    clock: str = ""
    minutes_ago: int = 0
    status: str = Status.OPEN
    tags: tuple[str, ...] = ()
    priority: int = Priority.NORMAL
    snooze_days: int = 0
