"""What a customer's reply means after the bot offered choices: a button's
payload, a number ("2"), or the words of one choice ("oui", "no").

Pure: the offered choices come from the bot's last message (its metadata).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from relais.knowledge.retrieval.text import fold_accents

YES = "yes"
NO = "no"
HANDOVER = "handover"
ARTICLE = "article:"  # followed by the article id

YES_WORDS = {"oui", "yes", "ok", "merci", "parfait", "super", "thanks", "thank you", "yep", "y"}
NO_WORDS = {"non", "no", "nope", "pas vraiment", "not really", "n"}
NUMBER = re.compile(r"^\W*(\d{1,2})\W*$")


@dataclass(frozen=True)
class Choice:
    """One button: what it says and the payload a click sends back."""

    payload: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"payload": self.payload, "label": self.label}


def choices_from(items: object) -> list[Choice]:
    """The choices stored in a bot message's metadata (hostile-proof: JSON)."""
    if not isinstance(items, list):
        return []
    return [
        Choice(str(item["payload"]), str(item.get("label", "")))
        for item in items
        if isinstance(item, dict) and item.get("payload")
    ]


def read_choice(body: str, payload: str, offered: list[Choice]) -> str | None:
    """The payload the customer picked among `offered`, or None for free text.

    A button click carries its payload; on channels without buttons the
    customer types the choice's number, its label, or yes / no."""
    payloads = {choice.payload for choice in offered}
    if payload and payload in payloads:
        return payload
    text = " ".join(fold_accents((body or "").lower()).split()).strip(" .!?")
    if not text:
        return None
    number = NUMBER.match(text)
    if number and 1 <= int(number.group(1)) <= len(offered):
        return offered[int(number.group(1)) - 1].payload
    for choice in offered:
        if text == " ".join(fold_accents(choice.label.lower()).split()).strip(" .!?"):
            return choice.payload
    if YES in payloads and text in YES_WORDS:
        return YES
    if NO in payloads and text in NO_WORDS:
        return NO
    return None


def article_choice(payload: str) -> int | None:
    """The article id of an "article:<id>" payload."""
    if not payload.startswith(ARTICLE):
        return None
    value = payload.removeprefix(ARTICLE)
    return int(value) if value.isdigit() else None


def numbered(text: str, offered: list[Choice]) -> str:
    """The text with the choices as numbered lines, for channels without buttons."""
    lines = [f"{number}. {choice.label}" for number, choice in enumerate(offered, 1)]
    return "\n".join([text, *lines])
