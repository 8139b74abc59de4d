"""The bot in conversations: read the customer's message, then answer with an
article, ask which article is meant, or hand over to the agents.

`answer_customer` runs in a task once the customer's message is committed
(conversations.actions.receive_message schedules it for inboxes with a bot).
It reads and decides outside any transaction (search, an optional model
call), then writes its turn in one transaction, after checking that the bot
still holds the conversation (an agent may have taken it meanwhile) and has
not answered this message yet (a task may run twice): idempotent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relais.bot.config import BotConfig, bot_config
from relais.bot.dialogue import HANDOVER, NO, YES, article_choice, choices_from, read_choice
from relais.bot.generative import SourceArticle, generate_answer, is_enabled
from relais.bot.questions import decide_question
from relais.bot.replies import (
    Reply,
    answer_reply,
    article_facts,
    clarify_reply,
    handover_note,
    handover_reply,
    thanks_reply,
)
from relais.bot.thresholds import thresholds_for
from relais.contacts.models import Contact
from relais.conversations.actions import set_status
from relais.conversations.automatic import queue_unauthored_message
from relais.conversations.models import (
    Conversation,
    DeliveryStatus,
    Direction,
    Message,
    MessageKind,
    Status,
)
from relais.conversations.realtime import publish_conversation, publish_message
from relais.core.events import record_event
from relais.routing.arrival import first_due
from relais.routing.availability import inbox_is_live
from relais.routing.live import channel_class

log = logging.getLogger(__name__)

TRANSCRIPT_LINES = 6
TRANSCRIPT_LINE_CHARS = 200
PREVIEW_LENGTH = Conversation._meta.get_field("last_message_preview").max_length

# (article id, title, score), best first: what the bot considered.
Guess = tuple[int, str, float]


@dataclass
class Turn:
    """What the bot does with one message. `step`: answer, clarify, handover
    or thanks; `feedback`: "yes"/"no" when the message judged an answer."""

    step: str
    reason: str
    article_id: int | None = None
    confidence: float = 0.0
    candidates: list[Guess] = field(default_factory=list)
    feedback: str = ""


def answer_customer(message_id: int) -> str:
    """The bot's turn after one customer message; returns what it did."""
    message = (
        Message.objects.select_related("conversation", "inbox")
        .filter(pk=message_id, direction=Direction.INBOUND)
        .first()
    )
    if message is None:
        return "missing"
    conversation = message.conversation
    if conversation.bot_held_since is None or conversation.status == Status.RESOLVED:
        return "not_held"
    if _answered(message):
        return "done"
    bot = bot_config(message.inbox.config)
    locale = _locale(message, bot)
    previous = _previous_turn(conversation)
    if not bot.enabled:
        turn = Turn("handover", "bot_disabled")
    else:
        turn = plan_turn(message, previous, locale, bot)
    reply = compose(turn, message.body, locale)
    if reply is None:  # the articles went away meanwhile
        turn = Turn("handover", "no_match", candidates=turn.candidates)
    return _apply(message, bot, turn, reply, locale)


def plan_turn(message: Message, previous: dict, locale: str, bot: BotConfig) -> Turn:
    """A choice among the bot's last buttons, else `decide` on the text."""
    thresholds = thresholds_for(bot, locale)
    offered = choices_from(previous.get("choices"))
    payload = str((message.metadata or {}).get("payload") or "")
    picked = read_choice(message.body, payload, offered) or ""
    considered = [_guess(item) for item in previous.get("candidates") or []]
    considered = [guess for guess in considered if guess is not None]
    answered = previous.get("article_id")
    if picked == HANDOVER:
        return Turn("handover", "person_requested", candidates=considered)
    if picked == YES:
        return Turn("thanks", "helpful", answered, feedback=YES, candidates=considered)
    if picked == NO:
        others = [g for g in considered if g[0] != answered and g[2] >= thresholds.clarify]
        if others:
            return Turn(
                "clarify", "not_helpful", candidates=others[: thresholds.choices], feedback=NO
            )
        return Turn("handover", "not_helpful", candidates=considered, feedback=NO)
    chosen = article_choice(picked)
    if chosen is not None:
        score = next((g[2] for g in considered if g[0] == chosen), 0.0)
        return Turn("answer", "chosen", chosen, score, considered)
    decision = decide_question(message.body, locale=locale, bot=bot)
    return Turn(
        decision.action,
        decision.reason,
        decision.document_id,
        decision.confidence,
        [(c.document_id, c.title, c.score) for c in decision.candidates],
    )


def compose(turn: Turn, question: str, locale: str) -> Reply | None:
    """The turn's message (None when its articles are no longer public). An
    answer may be generated (generative.py) from the articles considered."""
    if turn.step == "thanks":
        return thanks_reply(locale)
    if turn.step == "handover":
        return handover_reply(locale)
    ids = [turn.article_id] if turn.step == "answer" else []
    ids += [guess[0] for guess in turn.candidates if guess[0] not in ids]
    facts = article_facts(ids)
    if turn.step == "clarify":
        offered = [facts[guess[0]] for guess in turn.candidates if guess[0] in facts]
        return clarify_reply(offered, locale) if offered else None
    article = facts.get(turn.article_id)
    if article is None:
        return None
    generated = None
    if is_enabled():
        sources = [article, *(f for i, f in facts.items() if i != article.article_id)][:3]
        generated = generate_answer(
            question,
            [SourceArticle(f.article_id, f.title, f.text) for f in sources],
            locale=locale,
        )
    return answer_reply(article, locale, generated)


def _apply(message: Message, bot: BotConfig, turn: Turn, reply: Reply | None, locale: str) -> str:
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        if conversation.bot_held_since is None:
            return "not_held"  # an agent took it while the bot was thinking
        if _answered(message):
            return "done"
        if turn.feedback:
            record_event(
                "bot.feedback",
                conversation=conversation,
                message=message,
                value=turn.feedback,
                article_id=_previous_turn(conversation).get("article_id"),
            )
        if turn.step == "handover" or reply is None:
            hand_over(conversation, message, bot, turn, locale)
            return "handover"
        _send(conversation, message, bot, turn, reply)
        if turn.step in ("answer", "clarify"):
            record_event(
                "bot.answered" if turn.step == "answer" else "bot.clarified",
                conversation=conversation,
                message=message,
                reason=turn.reason,
                article_id=turn.article_id,
                confidence=round(turn.confidence, 4),
                candidates=[guess[0] for guess in turn.candidates],
            )
        elif turn.step == "thanks":
            set_status(conversation, Status.RESOLVED, by=None)
    return turn.step


def hand_over(
    conversation: Conversation, message: Message, bot: BotConfig, turn: Turn, locale: str
) -> None:
    """Give the conversation to the agents' queue, the response deadline counted
    from the customer's first message to the bot, with a note saying why and
    what the bot guessed. With no agent available now (the test the widget uses
    to go offline), the customer is told so and, on a web chat without a known
    address, asked for an e-mail; the conversation still waits in the queue.
    Call on the locked row, inside a transaction."""
    reply = away_handover_reply(conversation, message, locale)
    _send(conversation, message, bot, turn, reply)
    facts = {
        **_handover_facts(turn),
        "agents_available": reply.facts.get("agents_available", True),
        "email_asked": reply.facts.get("ask_email", False),
    }
    note = _leave_handover_note(conversation, bot, turn, facts)
    since = conversation.bot_held_since or timezone.now()
    conversation.bot_held_since = None
    conversation.waiting_since = since
    conversation.due_at = first_due(
        conversation.sla_policy_id, channel_class(conversation.channel), since
    )
    conversation.save(update_fields=["bot_held_since", "waiting_since", "due_at", "updated_at"])
    record_event(
        "bot.handed_over",
        conversation=conversation,
        message=message,
        **facts,
    )
    publish_message(note)
    publish_conversation(conversation)


def away_handover_reply(conversation: Conversation, message: Message, locale: str) -> Reply:
    """The handover message as availability has it now: unchanged while an
    agent can take the chat, honest when none can."""
    inbox = message.inbox
    if inbox_is_live(inbox):
        return handover_reply(locale)
    known_email = (
        Contact.objects.filter(pk=conversation.contact_id).values_list("email", flat=True).first()
    )
    ask_email = inbox.connector.asks_email_when_away and not known_email
    return handover_reply(locale, agents_available=False, ask_email=ask_email)


def _leave_handover_note(
    conversation: Conversation, bot: BotConfig, turn: Turn, facts: dict
) -> Message:
    return Message.objects.create(
        conversation=conversation,
        inbox_id=conversation.inbox_id,
        direction=Direction.OUTBOUND,
        kind=MessageKind.NOTE,
        body=handover_note(
            reason=turn.reason,
            transcript=_transcript(conversation),
            guesses=[(title, score) for _id, title, score in turn.candidates],
            locale=settings.LANGUAGE_CODE,
            agents_available=facts["agents_available"],
        ),
        status=DeliveryStatus.SENT,
        metadata={"bot": {"name": bot.name, "handover": facts}},
    )


def _handover_facts(turn: Turn) -> dict:
    return {
        "reason": turn.reason,
        "confidence": round(turn.confidence, 4),
        "guesses": [
            {"article_id": i, "title": title, "score": round(score, 4)}
            for i, title, score in turn.candidates
        ],
    }


def _send(
    conversation: Conversation, message: Message, bot: BotConfig, turn: Turn, reply: Reply
) -> Message:
    """Queue the bot's message through the outbox, as an agent reply would go,
    but without an author and without stopping the agents' clock."""
    buttons = message.inbox.connector.supports_quick_replies
    memory = {
        "name": bot.name,
        "step": turn.step,
        "reply_to": message.pk,
        "choices": [choice.as_dict() for choice in reply.choices],
        "candidates": [list(guess) for guess in turn.candidates],
        "article_id": turn.article_id if turn.step == "answer" else None,
        **reply.facts,
    }
    sent = queue_unauthored_message(
        conversation, reply.body(buttons=buttons), metadata={"bot": memory}, bot=True
    )
    conversation.last_message_at = timezone.now()
    conversation.last_message_preview = sent.body[:PREVIEW_LENGTH]
    conversation.save(update_fields=["last_message_at", "last_message_preview", "updated_at"])
    return sent


def _answered(message: Message) -> bool:
    return Message.objects.filter(
        conversation_id=message.conversation_id,
        direction=Direction.OUTBOUND,
        metadata__bot__reply_to=message.pk,
    ).exists()


def _previous_turn(conversation: Conversation) -> dict:
    """What the bot's latest message offered (its metadata), or {}."""
    latest = (
        Message.objects.filter(
            conversation=conversation, direction=Direction.OUTBOUND, kind=MessageKind.MESSAGE
        )
        .order_by("-id")
        .values_list("metadata", flat=True)
        .first()
    )
    memory = (latest or {}).get("bot") if isinstance(latest, dict) else None
    return memory if isinstance(memory, dict) else {}


def _guess(item) -> Guess | None:
    try:
        return int(item[0]), str(item[1]), float(item[2])
    except (TypeError, ValueError, IndexError):
        return None


def _locale(message: Message, bot: BotConfig) -> str:
    wanted = str((message.metadata or {}).get("locale") or "")[:2]
    return wanted if wanted in ("fr", "en") else bot.locale


def _transcript(conversation: Conversation) -> list[str]:
    bodies = (
        Message.objects.filter(conversation=conversation, direction=Direction.INBOUND)
        .order_by("-id")
        .values_list("body", flat=True)[:TRANSCRIPT_LINES]
    )
    return [" ".join(body.split())[:TRANSCRIPT_LINE_CHARS] for body in reversed(list(bodies))]
