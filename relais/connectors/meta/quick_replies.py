"""The bot's choices as Send API quick replies (Messenger and Instagram).

Meta shows at most 13 quick replies, plain text, with titles of at most 20
characters (longer ones are cut). A tapped quick reply comes back as a message
whose text is the title and whose `quick_reply.payload` is ours: the payload,
not the title, tells the bot what was picked. When every label fits, the
buttons say it all; otherwise (an article's title, most French labels) the
text lists the choices in full, numbered, and each button carries its number
and the start of its label. That list also serves Instagram on desktop, which
shows no quick replies: the customer types the number (bot/dialogue.py).

Pure: choices in, the Send API's `message` object out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relais.bot.dialogue import Choice, choices_from, numbered

if TYPE_CHECKING:
    from relais.conversations.models import Message

MAX_QUICK_REPLIES = 13
MAX_TITLE = 20
MAX_PAYLOAD = 1000
ELLIPSIS = "…"


def bot_choices(message: Message) -> list[Choice]:
    """The choices the bot offered in this outbound message ([] for an agent's)."""
    if message.author_id is not None:
        return []
    memory = (message.metadata or {}).get("bot")
    return choices_from(memory.get("choices")) if isinstance(memory, dict) else []


def message_with_choices(text: str, choices: list[Choice], max_length: int) -> dict[str, Any]:
    """The Send API `message` for `text` offering `choices` (none: plain text).
    The numbered list is left out if it would make the text too long."""
    choices = choices[:MAX_QUICK_REPLIES]
    if not choices:
        return {"text": text}
    titles = [choice.label for choice in choices]
    if any(len(title) > MAX_TITLE for title in titles):
        listed = numbered(text, choices)
        if len(listed) <= max_length:
            text = listed
            titles = [f"{number}. {title}" for number, title in enumerate(titles, 1)]
    quick_replies = [
        {"content_type": "text", "title": short_title(title), "payload": choice.payload}
        for title, choice in zip(titles, choices, strict=True)
        if choice.payload and len(choice.payload) <= MAX_PAYLOAD
    ]
    return {"text": text, "quick_replies": quick_replies} if quick_replies else {"text": text}


def short_title(title: str) -> str:
    """The title within Meta's 20 characters, cut at a word where it can be."""
    title = " ".join(title.split()) or "?"
    if len(title) <= MAX_TITLE:
        return title
    cut = title[: MAX_TITLE - len(ELLIPSIS)]
    words = cut.rsplit(" ", 1)[0]
    # Cut at a word boundary unless that throws away most of the title.
    if " " in cut and len(words) >= MAX_TITLE // 2:
        cut = words
    return cut.rstrip(" —–-,.:;") + ELLIPSIS
