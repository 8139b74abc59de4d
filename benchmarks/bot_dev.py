"""Development figures for the bot's retrieval, never the held-out test sets.

    .venv/bin/python -m benchmarks.bot_dev [--sets french,banking77] [--bm25-only]

What tuning may look at, so that ``benchmarks.bot_eval`` stays a held-out
measure:

- the calibration's own figures on each knowledge base (its question variants
  held out in folds: precision and coverage at the calibrated thresholds, and
  top-1 of the held-out variants);
- for French, the queries of ``benchmarks/data/french_dev_queries.json``,
  written by hand from the articles alone before any result was looked at.

BANKING77 is read from its training part only (``train.csv``); its test part
is never opened here. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks import bot_data
from benchmarks.bot_eval import evaluate, share, warm
from relais.bot.calibration import ask, calibrate, folds
from relais.knowledge.retrieval import build_index

DEV_QUERIES = Path(__file__).resolve().parent / "data/french_dev_queries.json"


def remembering(build):
    """``build``, each knowledge base built once: calibration and top-1 ask the
    same folds."""
    built: dict = {}

    def build_once(documents):
        key = tuple((d.id, tuple(d.questions)) for d in documents)
        if key not in built:
            built[key] = build(documents)
        return built[key]

    return build_once


def held_out_top1(documents, locale: str, build) -> float:
    """Top-1 of the held-out variants over the calibration's folds."""
    right = total = 0
    for kept, held in folds(documents, seed=0):
        for asked in ask(build(kept), held, locale):
            total += 1
            right += bool(asked.right and asked.right[0])
    return share(right, total)


def run(name: str, documents, locale: str, build, figures: dict, dev=None) -> None:
    started = time.perf_counter()
    calibration = calibrate(documents, locale=locale, build=build)
    thresholds = calibration.thresholds
    figures[f"{name}_cal_precision"] = round(calibration.precision, 4)
    figures[f"{name}_cal_coverage"] = round(calibration.coverage, 4)
    figures[f"{name}_cal_top1"] = held_out_top1(documents, locale, build)
    print(
        f"{name}: answer >= {thresholds.answer:.3f}, clarify >= {thresholds.clarify:.3f}; "
        f"held-out variants {calibration.held_out}: top-1 {figures[f'{name}_cal_top1']:.2%}, "
        f"precision {calibration.precision:.2%}, coverage {calibration.coverage:.2%} "
        f"({time.perf_counter() - started:.0f} s)"
    )
    if dev is None:
        return
    in_scope, outside = dev
    index = build(documents)
    counts = evaluate(index, in_scope, locale, thresholds)
    n = counts["queries"]
    figures[f"{name}_dev_top1"] = share(counts["top1"], n)
    figures[f"{name}_dev_answered"] = share(counts["answered"], n)
    figures[f"{name}_dev_precision"] = share(counts["right"], counts["answered"])
    out = evaluate(index, outside, locale, thresholds)
    figures[f"{name}_dev_oos_refusal"] = share(out["queries"] - out["answered"], out["queries"])
    print(
        f"  dev queries ({n}): top-1 {figures[f'{name}_dev_top1']:.2%}, answered "
        f"{figures[f'{name}_dev_answered']:.2%} with precision "
        f"{figures[f'{name}_dev_precision']:.2%}; out of scope ({out['queries']}) refused "
        f"{figures[f'{name}_dev_oos_refusal']:.2%}"
    )
    for text, expected in in_scope:
        found = index.search(text, locale=locale, limit=1, visibility=("public",))
        if not found or found[0].document_id != expected:
            print(f"    miss: {text!r} -> {found[0].document_id if found else None}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="french")
    parser.add_argument("--bm25-only", action="store_true", help="no learned scorer")
    args = parser.parse_args(argv)
    semantic = not args.bm25_only
    build = remembering(
        build_index if semantic else (lambda docs: build_index(docs, semantic=False))
    )
    figures: dict = {"semantic": semantic}
    if "french" in args.sets.split(","):
        documents = bot_data.french_knowledge_base()
        queries = json.loads(DEV_QUERIES.read_text())
        in_scope = [(q["text"], q["expected"]) for q in queries["in_scope"]]
        outside = [(text, None) for text in queries["out_of_scope"]]
        warm([q for d in documents for q in d.questions], semantic)
        run("french", documents, "fr", build, figures, (in_scope, outside))
    if "banking77" in args.sets.split(","):
        documents = bot_data.banking77_knowledge_base()
        warm([q for d in documents for q in d.questions], semantic)
        run("banking77", documents, "en", build, figures)
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
