from typing import Literal

from ninja import Schema
from pydantic import Field


class BotQuestionIn(Schema):
    question: str = Field(min_length=1, max_length=2000)
    locale: Literal["fr", "en"] = "fr"


class BotCandidateOut(Schema):
    article_id: int | str
    title: str
    score: float


class BotDecisionOut(Schema):
    action: Literal["answer", "clarify", "handover"]
    article_id: int | str | None
    confidence: float = Field(ge=0, le=1)
    reason: str
    candidates: list[BotCandidateOut]
