"""The thresholds the bot decides with: an inbox's override, else the ones
calibrated on the knowledge base, else the defaults.

Calibrating builds several indexes, so it runs once per knowledge-base
version (the index's stamp) and language, per process, never per message.
"""

from __future__ import annotations

import logging
import threading

from relais.bot.config import BotConfig
from relais.bot.decision import Thresholds
from relais.knowledge.index import PUBLIC, documents_for, knowledge_stamp

log = logging.getLogger(__name__)

# Question variants a knowledge base needs before its calibration is trusted.
MIN_HELD_OUT = 50

_calibrated: dict[str, tuple[tuple, Thresholds]] = {}
_lock = threading.Lock()


def thresholds_for(bot: BotConfig | None, locale: str) -> Thresholds:
    """What `decide` uses for this inbox's bot (None: the API's, no override)."""
    if bot is not None and bot.thresholds is not None:
        return bot.thresholds.thresholds()
    return calibrated_thresholds(locale)


def calibrated_thresholds(locale: str) -> Thresholds:
    stamp = knowledge_stamp()
    cached = _calibrated.get(locale)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _lock:
        cached = _calibrated.get(locale)
        if cached is None or cached[0] != stamp:
            cached = (stamp, _calibrate(locale))
            _calibrated[locale] = cached
    return cached[1]


def _calibrate(locale: str) -> Thresholds:
    try:
        from relais.bot.calibration import calibrate
    except ImportError:  # the calibration core is not there yet: the defaults
        return Thresholds()
    documents = [d for d in documents_for(PUBLIC) if d.locale == locale]
    try:
        calibration = calibrate(documents, locale=locale)
    except ValueError:
        log.warning("bot calibration failed, using the default thresholds", exc_info=True)
        return Thresholds()
    # A few variants cannot show a precision high enough (the Wilson bound
    # stays low) and the calibrated bot would never answer: keep the defaults.
    if calibration.held_out < MIN_HELD_OUT or calibration.coverage <= 0:
        return Thresholds()
    return calibration.thresholds


def forget_thresholds() -> None:
    with _lock:
        _calibrated.clear()
