"""The self-care bot on real customer queries: answer, clarify or hand over.

    .venv/bin/python -m benchmarks.bot_eval [--sets banking77,clinc150,french]
        [--bm25-only] [--latency-queries 300] [--no-cache]

For each set a knowledge base is built from training data only (one article
per intent, its training queries as question variants), the thresholds are
calibrated on it (``relais.bot.calibration.calibrate``: held-out variants of
the training data, never the test data), and every test query goes through
``relais.bot.decision.decide``, the function the bot runs.

- top1: the best candidate is the right article (whatever the action);
- precision: right answers / answers; coverage: right answers / queries;
- refusal (out-of-scope queries): share handed over or clarified, not answered.

p95 latency: ``decide`` on single queries, one thread, index built
beforehand, the queries' embeddings not cached; wall clock and the thread's
CPU time (the machine is shared: the load average is printed with them).
Embeddings of the evaluation sets are cached in var/bot_eval/ between runs
(``--no-cache`` to skip). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks import bot_data
from relais.bot.calibration import calibrate
from relais.bot.decision import Thresholds, decide
from relais.knowledge.retrieval import Index, build_index, embeddings

CACHE = Path(__file__).resolve().parents[1] / "var/bot_eval/embeddings.npz"


def load_cache(enabled: bool) -> None:
    if not (enabled and CACHE.exists() and embeddings.available()):
        return
    import numpy

    with numpy.load(CACHE, allow_pickle=False) as data:
        embeddings.remembered.update(zip(data["texts"].tolist(), data["vectors"], strict=True))


def save_cache(enabled: bool) -> None:
    if not (enabled and embeddings.remembered):
        return
    import numpy

    CACHE.parent.mkdir(parents=True, exist_ok=True)
    texts = list(embeddings.remembered)
    vectors = numpy.stack([embeddings.remembered[text] for text in texts])
    numpy.savez(CACHE, texts=numpy.array(texts), vectors=vectors)


def warm(texts: Sequence[str], semantic: bool) -> None:
    """Encode the evaluation queries in batches (fast), as the cache would."""
    if semantic and embeddings.available():
        embeddings.encode(list(dict.fromkeys(texts)), batch_size=128)


def evaluate(index: Index, queries: Sequence[tuple[str, str | None]], locale: str, thresholds):
    counts = dict.fromkeys(
        ("queries", "top1", "answered", "right", "clarified", "offered_right", "handover"), 0
    )
    for text, expected in queries:
        decision = decide(text, locale=locale, index=index, thresholds=thresholds)
        counts["queries"] += 1
        top = decision.candidates[0].document_id if decision.candidates else None
        counts["top1"] += top == expected and expected is not None
        counts["answered"] += decision.action == "answer"
        counts["right"] += decision.action == "answer" and decision.document_id == expected
        counts["clarified"] += decision.action == "clarify"
        counts["offered_right"] += decision.action == "clarify" and any(
            candidate.document_id == expected for candidate in decision.candidates
        )
        counts["handover"] += decision.action == "handover"
    return counts


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def run_set(name, documents, locale, in_scope, outside, known_outside, semantic, figures):
    build = (lambda docs: build_index(docs, semantic=False)) if not semantic else build_index
    started = time.perf_counter()
    index = build(documents)
    built = time.perf_counter()
    calibration = calibrate(
        documents, locale=locale, out_of_scope=known_outside, build=build, index=index
    )
    calibrated = time.perf_counter()
    thresholds: Thresholds = calibration.thresholds
    variants = sum(len(d.questions) for d in documents)
    print(
        f"\n{name}: {len(documents)} articles, {variants} variants; index built in "
        f"{built - started:.1f} s (calibration {calibrated - built:.1f} s, "
        f"semantic={index.semantic})"
    )
    print(
        f"  thresholds answer >= {thresholds.answer:.3f}, clarify >= {thresholds.clarify:.3f} "
        f"(held out {calibration.held_out}: precision {calibration.precision:.3f}, "
        f"coverage {calibration.coverage:.3f})"
    )
    inside = evaluate(index, in_scope, locale, thresholds)
    n = inside["queries"]
    figures[f"{name}_top1"] = share(inside["top1"], n)
    figures[f"{name}_precision"] = share(inside["right"], inside["answered"])
    figures[f"{name}_coverage"] = share(inside["right"], n)
    figures[f"{name}_build_s"] = round(built - started, 1)
    print(
        f"  in scope ({n}): top-1 {figures[f'{name}_top1']:.2%}, answered "
        f"{share(inside['answered'], n):.2%} with precision {figures[f'{name}_precision']:.2%} "
        f"(coverage {figures[f'{name}_coverage']:.2%}), clarified "
        f"{share(inside['clarified'], n):.2%} (right article offered in "
        f"{share(inside['offered_right'], inside['clarified']):.2%} of them), handed over "
        f"{share(inside['handover'], n):.2%}"
    )
    if outside:
        out = evaluate(index, outside, locale, thresholds)
        m = out["queries"]
        figures[f"{name}_oos_refusal"] = share(m - out["answered"], m)
        print(
            f"  out of scope ({m}): refused {figures[f'{name}_oos_refusal']:.2%} "
            f"(handed over {share(out['handover'], m):.2%}, clarified "
            f"{share(out['clarified'], m):.2%})"
        )
    return index, thresholds


def latency(runs: list[tuple[Index, str, Thresholds, list[str]]]) -> dict:
    """Milliseconds per ``decide`` on one thread, embeddings computed afresh."""
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    if embeddings.available():
        embeddings.model()  # loaded once per process, before the clock starts
    for index, locale, thresholds, texts in runs:  # one warm-up query per index
        decide(texts[0] + " ?", locale=locale, index=index, thresholds=thresholds)
    wall, cpu = [], []
    for index, locale, thresholds, texts in runs:
        for text in texts:
            embeddings.remembered.pop(text, None)
            started, started_cpu = time.perf_counter(), time.thread_time()
            decide(text, locale=locale, index=index, thresholds=thresholds)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    wall.sort()
    cpu.sort()
    return {
        "queries": len(wall),
        "p50_ms": round(statistics.median(wall), 2),
        "p95_ms": round(wall[int(0.95 * (len(wall) - 1))], 2),
        "max_ms": round(wall[-1], 2),
        "p95_cpu_ms": round(cpu[int(0.95 * (len(cpu) - 1))], 2),
        "load_average": round(os.getloadavg()[0], 1),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="banking77,clinc150,french")
    parser.add_argument("--bm25-only", action="store_true", help="no learned scorer")
    parser.add_argument("--latency-queries", type=int, default=300)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args(argv)
    semantic = not args.bm25_only
    sets = args.sets.split(",")
    load_cache(not args.no_cache)
    figures: dict = {"semantic": semantic and embeddings.available()}
    timed: list[tuple[Index, str, Thresholds, list[str]]] = []
    per_set = max(args.latency_queries // len(sets), 1)
    if "banking77" in sets:
        documents, test = bot_data.banking77()
        warm([q for d in documents for q in d.questions] + [t for t, _ in test], semantic)
        index, thresholds = run_set("banking77", documents, "en", test, [], [], semantic, figures)
        timed.append((index, "en", thresholds, [t for t, _ in test[::7][:per_set]]))
    if "clinc150" in sets:
        documents, test, outside, known = bot_data.clinc150()
        texts = [q for d in documents for q in d.questions] + [t for t, _ in test + outside] + known
        warm(texts, semantic)
        run_set("clinc", documents, "en", test, outside, known, semantic, figures)
    if "french" in sets:
        documents, test, outside = bot_data.french()
        warm([q for d in documents for q in d.questions] + [t for t, _ in test + outside], semantic)
        index, thresholds = run_set("french", documents, "fr", test, outside, [], semantic, figures)
        timed.append((index, "fr", thresholds, [t for t, _ in test[:per_set]]))
    save_cache(not args.no_cache)
    figures["clinc_oos_refusal"] = figures.pop("clinc_oos_refusal", None)
    if timed:
        figures.update(latency(timed))
        print(
            f"\nlatency ({figures['queries']} queries, one thread): p50 {figures['p50_ms']} ms, "
            f"p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms; CPU time p95 "
            f"{figures['p95_cpu_ms']} ms (load average {figures['load_average']} on "
            f"{os.cpu_count()} CPUs)"
        )
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
