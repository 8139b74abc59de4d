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
    from relais.bot.calibration import calibrate

    documents = [d for d in documents_for(PUBLIC) if d.locale == locale]
    try:
        calibration = calibrate(documents, locale=locale)
    except ValueError:
        log.warning("bot calibration failed, using the default thresholds", exc_info=True)
        return Thresholds()
    # A knowledge base too small or too ambiguous to calibrate gets the
    # defaults (calibrate returns them), and the operator is told why.
    log.log(
        logging.INFO if calibration.calibrated else logging.WARNING,
        "bot thresholds for %s: answer %.3f, clarify %.3f (%s; %d variants held out, "
        "precision %.3f, coverage %.3f)",
        locale,
        calibration.thresholds.answer,
        calibration.thresholds.clarify,
        calibration.reason,
        calibration.held_out,
        calibration.precision,
        calibration.coverage,
        extra={"locale": locale, "reason": calibration.reason},
    )
    return calibration.thresholds


def forget_thresholds() -> None:
    with _lock:
        _calibrated.clear()
