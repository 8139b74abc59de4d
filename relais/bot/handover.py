"""Requests for a person: whatever else the message says, the bot steps aside."""

import re

from relais.knowledge.retrieval.text import fold_accents

# Matched on lower-cased, accent-folded text, apostrophes turned into spaces.
PERSON = (
    r"(?:un |une |a |an |le |la |the |to |with |votre |your |quelqu un|someone|somebody"
    r"|(?:vrai|real|live|actual)\w* )*"
    r"(?:conseill\w*|humain\w*|human\w*|agent\w*|operat\w*|personnes?\b|persons?\b|people\b"
    r"|quelqu un|someone|somebody"
    r"|vendeu\w*|representative|rep\b|assistant\w* (?:reel|humain)|service client\w*"
    r"|customer (?:service|support|care))"
)
PATTERNS = [
    rf"\b(?:parler|discuter|echanger|causer|joindre|contacter|appeler|avoir|passez|passer|mettre"
    rf"|mettez|transferer|transferez|veux|voudrais|besoin d)\b.{{0,20}}?\b{PERSON}",
    rf"\b(?:talk|speak|chat|connect|transfer|put|get|reach|want|need)\b.{{0,20}}?\b{PERSON}",
    r"\b(?:un|une|vrai|vraie|real|a) (?:humain|human|personne|person|conseiller|conseillere)\b",
    r"^\W*(?:un |une |an? )?(?:conseiller|conseillere|humain|human|agent|operateur|operator"
    r"|representative)\W*(?:please|pls|svp|stp|s il vous plait|now|maintenant)?\W*$",
    r"\bpas\b.{0,20}\b(?:robot|bot|machine)\b",
    r"\b(?:not|no|don t)\b.{0,20}\b(?:robot|bot|machine)\b",
]
HUMAN_REQUEST = re.compile("|".join(f"(?:{pattern})" for pattern in PATTERNS))


def asks_for_a_person(message: str) -> bool:
    """'Je veux parler à un conseiller', 'agent please', 'un humain svp' -> True."""
    text = fold_accents(message.lower()).replace("'", " ").replace("’", " ")
    return HUMAN_REQUEST.search(" ".join(text.split())) is not None
