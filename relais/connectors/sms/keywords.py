"""Opt-out keywords: a customer who texts one of them may not be sent SMS any
more until they text a START keyword (carriers' rules, and Twilio's defaults,
with the French words)."""

from __future__ import annotations

import unicodedata

STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ARRET", "ARRETER"}
START_WORDS = {"START", "UNSTOP", "YES", "DEMARRER"}


def _keyword(text: str) -> str:
    """The message as one upper-case word without accents ("Arrêt" -> "ARRET")."""
    word = text.strip().strip(".!").upper()
    return "".join(
        char for char in unicodedata.normalize("NFD", word) if unicodedata.category(char) != "Mn"
    )


def consent_change(text: str) -> bool | None:
    """True: the customer opts out; False: back in; None: an ordinary message."""
    word = _keyword(text)
    if word in STOP_WORDS:
        return True
    if word in START_WORDS:
        return False
    return None
