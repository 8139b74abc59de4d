"""One question, one decision: what the bot in a conversation and
`POST /api/v1/bot/answer` both ask (same index, same thresholds)."""

from __future__ import annotations

from relais.bot.config import BotConfig
from relais.bot.decision import Decision, decide
from relais.bot.thresholds import thresholds_for
from relais.knowledge.index import PUBLIC, current_index


def decide_question(question: str, *, locale: str, bot: BotConfig | None = None) -> Decision:
    """`decide` on the public help center's index with the calibrated
    thresholds (or `bot`'s inbox override)."""
    return decide(
        question, locale=locale, index=current_index(PUBLIC), thresholds=thresholds_for(bot, locale)
    )
