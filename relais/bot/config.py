"""The bot's settings on an inbox (part of the inbox's `config`, validated by
the connector like every other setting)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from relais.bot.decision import Thresholds


class ThresholdsOverride(BaseModel):
    """Replaces the calibrated thresholds on one inbox (see bot/decision.py)."""

    model_config = ConfigDict(extra="forbid")

    answer: float = Field(ge=0, le=1)
    clarify: float = Field(ge=0, le=1)
    choices: int = Field(default=3, ge=1, le=3)

    @model_validator(mode="after")
    def _ordered(self) -> ThresholdsOverride:
        if self.clarify > self.answer:
            raise ValueError("clarify must not exceed answer")
        return self

    def thresholds(self) -> Thresholds:
        return Thresholds(answer=self.answer, clarify=self.clarify, choices=self.choices)


class BotConfig(BaseModel):
    """`enabled`: new conversations go to the bot first. `locale`: the language
    it searches and speaks when the customer's is unknown."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    name: str = Field(default="Relais", min_length=1, max_length=60)
    locale: str = Field(default="fr", pattern="^(fr|en)$")
    thresholds: ThresholdsOverride | None = None


def bot_config(config: dict[str, Any]) -> BotConfig:
    """The bot settings of an inbox's (already validated) config."""
    return BotConfig.model_validate(config.get("bot") or {})
