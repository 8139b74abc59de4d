"""One webhook delivery translated for the pipeline: the customer messages to
receive, the status changes to apply to our messages, and what was ignored
(acknowledged and logged, never refused)."""

from __future__ import annotations

from dataclasses import dataclass, field

from relais.connectors.base import InboundMessage


@dataclass(frozen=True)
class StatusReport:
    provider_message_id: str
    status: str  # delivered | read | failed | sent
    error: str = ""


@dataclass
class Translation:
    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusReport] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
