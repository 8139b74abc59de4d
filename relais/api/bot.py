"""The bot's decision for one question, as it would take it in a conversation
(same public index, same calibrated thresholds). Nothing is stored."""

from django.http import HttpRequest
from ninja import Router

from relais.api.schemas.bot import BotDecisionOut, BotQuestionIn
from relais.api.schemas.common import READ_ERRORS
from relais.bot.questions import decide_question

router = Router(tags=["bot"])


@router.post("/bot/answer", response={200: BotDecisionOut, **READ_ERRORS})
def bot_answer(request: HttpRequest, payload: BotQuestionIn):
    decision = decide_question(payload.question, locale=payload.locale)
    return {
        "action": decision.action,
        "article_id": decision.document_id,
        "confidence": min(max(decision.confidence, 0.0), 1.0),
        "reason": decision.reason,
        "candidates": [
            {"article_id": c.document_id, "title": c.title, "score": c.score}
            for c in decision.candidates
        ],
    }
