"""Saved-reply text with its variables filled in (pure).

Agents write `{{ contact.first_name }}`; only names in the values given are
replaced, anything else — an unknown name, a typo, `{% … %}`, filters — stays
exactly as written, so the agent sees it before sending. Nothing is ever
evaluated: this is a search-and-replace, not a template engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

VARIABLE = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)*)\s*\}\}")
# Which variant each channel class uses (routing's classes: call, chat,
# messaging, email); the rest use the default text.
VARIANT_OF_CLASS = {"chat": "short", "messaging": "short", "email": "email"}
VARIABLES = (
    "contact.first_name",
    "contact.name",
    "contact.email",
    "agent.first_name",
    "agent.name",
    "conversation.reference",
    "conversation.subject",
    "inbox.name",
)


@dataclass(frozen=True)
class ReplyText:
    body: str
    body_short: str = ""
    body_email: str = ""


def choose_variant(reply: ReplyText, channel_class: str) -> str:
    """The variant written for `channel_class`, else the default text."""
    variant = VARIANT_OF_CLASS.get(channel_class)
    chosen = {"short": reply.body_short, "email": reply.body_email}.get(variant or "", "")
    return chosen if chosen.strip() else reply.body


def fill_variables(text: str, values: Mapping[str, str]) -> str:
    """`text` with each known {{ name }} replaced by its value."""
    return VARIABLE.sub(lambda found: values.get(found.group(1), found.group(0)), text)


def first_name(full_name: str) -> str:
    return full_name.split()[0] if full_name.split() else ""
