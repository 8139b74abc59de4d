"""What the bot does with one question: answer, ask which article, or hand over.

Pure: the index is built beforehand and the thresholds come from
``calibration.calibrate`` (or the defaults). The bot only ever answers with a
public article of the index: nothing is generated.
"""

from dataclasses import dataclass, field
from typing import Literal

from relais.bot.handover import asks_for_a_person
from relais.knowledge.retrieval import Candidate, Index

Action = Literal["answer", "clarify", "handover"]


@dataclass(frozen=True)
class Thresholds:
    """``answer``: the least confidence to answer outright. ``clarify``: the least
    score for an article to be offered when the bot asks which one is meant.
    ``choices``: how many articles a clarifying question offers at most."""

    answer: float = 0.6
    clarify: float = 0.2
    choices: int = 3

    def __post_init__(self) -> None:
        if not 0 <= self.clarify <= self.answer <= 1:
            raise ValueError("thresholds must satisfy 0 <= clarify <= answer <= 1")
        if self.choices < 1:
            raise ValueError("a clarifying question offers at least one article")


@dataclass(frozen=True)
class Decision:
    """``document_id`` is set only when answering; ``candidates`` are the articles
    offered (clarify) or considered (answer, handover), best first.
    ``reason`` says why, for the Event log: 'confident', 'ambiguous',
    'person_requested', 'no_match' or 'low_confidence'."""

    action: Action
    document_id: int | str | None
    confidence: float
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""


def decide(
    question: str, *, locale: str, index: Index, thresholds: Thresholds | None = None
) -> Decision:
    """Answer above ``thresholds.answer``; clarify when one to ``choices`` articles
    are plausible (score >= ``thresholds.clarify``) but none is sure; otherwise
    hand over. A request for a person always hands over."""
    thresholds = thresholds or Thresholds()
    if asks_for_a_person(question):
        return Decision("handover", None, 0.0, [], "person_requested")
    candidates = index.search(
        question, locale=locale, limit=max(thresholds.choices, 3), visibility=("public",)
    )
    if not candidates:
        return Decision("handover", None, 0.0, [], "no_match")
    best = candidates[0]
    if best.score >= thresholds.answer:
        return Decision("answer", best.document_id, best.score, candidates, "confident")
    plausible = [c for c in candidates if c.score >= thresholds.clarify][: thresholds.choices]
    if plausible:
        return Decision("clarify", None, best.score, plausible, "ambiguous")
    return Decision("handover", None, best.score, candidates, "low_confidence")
