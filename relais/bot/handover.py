"""Requests for a person: whatever else the message says, the bot steps aside.

The patterns are narrow on purpose: "a spare card for someone else" or "an
uber for 3 people" are not requests for an agent, "I want to talk to someone"
is. Matched on lower-cased, accent-folded text, apostrophes turned into spaces.
"""

import re

from relais.knowledge.retrieval.text import fold_accents

FR_PERSON = (
    r"(?:(?:un|une|le|la|l|votre|vrai|vraie|veritable|autre)\s+)*"
    r"(?:conseill\w*|humain\w*|agent\w*|operat\w*|personne|quelqu un|service client\w*"
    r"|vendeu\w*|responsable|interlocut\w*|etre humain)"
)
EN_PERSON = (
    r"(?:(?:a|an|the|your|some|real|live|actual|human)\s+)*"
    r"(?:human\w*|agent\w*|person|people|someone|somebody|representative|rep|operator"
    r"|advis[eo]r|customer (?:service|support|care)|support team|staff)"
)
PATTERNS = [
    rf"\b(?:parler|discuter|echanger|causer)\s+(?:a|avec|au)\s+{FR_PERSON}",
    rf"\b(?:passez|passer|mettez|mettre|transferez|transferer|redirigez)[\s-]*(?:moi|me)?\b"
    rf".{{0,25}}\b{FR_PERSON}",
    rf"\b(?:joindre|contacter|appeler|avoir|veux|voudrais|besoin d)\s+{FR_PERSON}",
    rf"\b(?:talk|speak|chat)\s+(?:to|with)\s+{EN_PERSON}",
    rf"\b(?:connect|transfer|put)\s+me\s+(?:to|with|through to)\s+{EN_PERSON}",
    r"\b(?:want|need|get me|give me|request)\s+(?:to\s+)?(?:a|an)\s+(?:real\s+|live\s+)?"
    r"(?:human|agent|person|representative|operator)\b",
    r"\b(?:vrai|vraie|veritable) (?:humain|personne|conseiller|conseillere)\b",
    r"\b(?:real|live|actual) (?:human|person|agent)\b",
    r"^\W*(?:un |une |an? )?(?:conseiller|conseillere|humain|human|agent|operateur|operator"
    r"|representative)\W*(?:please|pls|svp|stp|s il vous plait|now|maintenant)?\W*$",
    r"\bpas\b.{0,20}\b(?:a un |avec un |un )(?:robot|bot|machine)\b",
    r"\b(?:not|no|don t want)\b.{0,20}\b(?:a |to a |with a )(?:robot|bot|machine)\b",
]
HUMAN_REQUEST = re.compile("|".join(f"(?:{pattern})" for pattern in PATTERNS))


def asks_for_a_person(message: str) -> bool:
    """'Je veux parler à un conseiller', 'agent please', 'un humain svp' -> True."""
    text = fold_accents(message.lower()).replace("'", " ").replace("’", " ")
    return HUMAN_REQUEST.search(" ".join(text.split())) is not None
