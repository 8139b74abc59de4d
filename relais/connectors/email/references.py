"""How a mail points back at its conversation when threading headers are lost:
a reference in the subject ("[#123]") and a plus-address in the reply address
("support+123@example.com"). Message-IDs we generate name the message they
belong to. Pure functions; the caller checks that the conversation found is the
sender's on the same inbox (a reference is guessable, the sender is not)."""

from __future__ import annotations

import re
import secrets

SUBJECT_REFERENCE = re.compile(r"\[#(\d{1,12})\]")
REPLY_PREFIX = re.compile(r"^\s*((re|tr|fw|fwd|aw|wg|sv|antw|rif|r)\s*(\[\d+\])?\s*:\s*)+", re.I)


def subject_reference(conversation_id: int) -> str:
    return f"[#{conversation_id}]"


def find_subject_reference(subject: str) -> int | None:
    """The conversation id of the last "[#123]" in a subject, if any."""
    found = SUBJECT_REFERENCE.findall(subject or "")
    return int(found[-1]) if found else None


def reply_subject(subject: str, conversation_id: int) -> str:
    """'Re: <subject> [#123]', without piling up prefixes or references."""
    bare = SUBJECT_REFERENCE.sub("", REPLY_PREFIX.sub("", subject or "")).strip()
    return f"Re: {bare} {subject_reference(conversation_id)}".replace("  ", " ")


def plus_address(address: str, conversation_id: int) -> str:
    local, _, domain = address.partition("@")
    return f"{local}+{conversation_id}@{domain}"


def split_plus_address(recipient: str) -> tuple[str, int | None]:
    """('support@example.com', 123) for 'support+123@example.com'; any other
    tag is dropped: ('support@example.com', None) for 'support+news@example.com'."""
    local, _, domain = (recipient or "").strip().lower().partition("@")
    base, plus, tag = local.partition("+")
    if not plus:
        return f"{local}@{domain}", None
    return f"{base}@{domain}", int(tag) if tag.isdigit() and len(tag) <= 12 else None


def new_message_id(message_pk: int, domain: str) -> str:
    """A Message-ID for an outbound message; the random part keeps it unguessable."""
    return f"<relais.{message_pk}.{secrets.token_hex(8)}@{domain or 'relais.invalid'}>"


MESSAGE_ID = re.compile(r"<([^<>\s]{1,900})>")


def message_ids(header_value: str | None) -> list[str]:
    """The '<…>' ids of a Message-ID, In-Reply-To or References value, in order,
    without repeats."""
    return list(dict.fromkeys(f"<{found}>" for found in MESSAGE_ID.findall(header_value or "")))
