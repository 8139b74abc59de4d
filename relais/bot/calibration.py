"""Thresholds calibrated per knowledge base, from the knowledge base itself.

Question variants are held out, an index is built on the rest, and the
held-out questions are asked of it: questions whose right article is known.
A small knowledge base is cut into folds so that every variant is asked once;
a large one holds out one share.

Out-of-scope questions are what a threshold must also refuse, and a knowledge
base rarely comes with examples. Each held-out question gives one for free:
its scores with its own article taken out (renormalised over the others) are
those of a question about a subject the knowledge base lacks, close to its
domain, the hard kind. Known out-of-scope questions (an "unanswered" log) may
be added. Together they weigh as ``out_of_scope_share`` of the traffic, and
the known ones must moreover be refused (handed over or clarified) at least
``refusal`` of the time, by the same lower bound.

The answer threshold is the lowest confidence at which the answered share
stays precise enough. On a large sample it is judged by the lower Wilson bound,
so that a few hundred lucky questions do not pass for 97%. On a small one (a
help center's few hundred variants) the bound is not informative: one standard
error there is as wide as the whole 3% error budget, and it would only ever say
"never answer". There the held-out precision itself must meet the target, on
at least ``MIN_ANSWERED`` answered questions, enough for a single wrong answer
to show. A knowledge base on which no threshold passes gets the defaults and
the reason (``Calibration.reason``), never a silent "never answer".
The clarify threshold is the lowest score at which an offered article is
still right often enough to be worth a click.
"""

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from relais.bot.decision import Thresholds
from relais.knowledge.retrieval import Document, Index, build_index

PRECISION = 0.97
PLAUSIBLE = 0.25  # an article offered in a clarifying question is right this often
OUT_OF_SCOPE_SHARE = 0.15
REFUSAL = 0.9  # share of the known out-of-scope questions that must not be answered
HELD_OUT = 0.2  # share held out of a large knowledge base, in one fold
LARGE = 5_000  # variants from which one fold is enough
FOLDS = 5
Z = 1.0  # one standard error: strict on a few dozen questions, close to the rate on thousands
SEARCHED = 5  # candidates looked at per question
BAND = 10  # fewest candidates judged together for the clarify threshold
# From this many in-scope held-out questions the Wilson bound judges precision:
# one standard error at 97% is then about half a point, a sixth of the budget.
BOUND_SAMPLE = 1_000
# Fewest answered questions a threshold is judged on when the bound is not:
# among 34, one wrong answer still meets 97%, a second does not.
MIN_ANSWERED = math.ceil(1 / (1 - PRECISION))
# Scores read as the chance an article answers: the bot never answers with one
# its scorer finds less likely than not, however clean the held-out sample.
LEAST_ANSWER = 0.5

# Calibration.reason: how the answer threshold was chosen, or why the defaults.
BOUND = "bound"  # the lower Wilson bound of the precision meets the target
ESTIMATE = "estimate"  # small sample: the held-out precision meets it
NO_VARIANTS = "no_variants"  # nothing to hold out: defaults
TOO_FEW = "too_few_variants"  # never MIN_ANSWERED questions answered: defaults
AMBIGUOUS = "ambiguous"  # no threshold is precise enough: defaults


@dataclass(frozen=True)
class Calibration:
    thresholds: Thresholds
    held_out: int  # in-scope questions asked
    precision: float  # of what the thresholds answer, in-scope questions only
    coverage: float  # share of in-scope questions answered right
    reason: str = BOUND  # see BOUND, ESTIMATE, NO_VARIANTS, TOO_FEW, AMBIGUOUS

    @property
    def calibrated(self) -> bool:
        """False when the thresholds are the defaults (``reason`` says why)."""
        return self.reason in (BOUND, ESTIMATE)


@dataclass(frozen=True)
class Asked:
    """One question: its candidates' scores, best first, which are right, its weight."""

    scores: list[float]
    right: list[bool]
    weight: float = 1.0


def wilson_lower_bound(successes: float, total: float, z: float = Z) -> float:
    if total <= 0:
        return 0.0
    p = successes / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return (centre - spread) / (1 + z * z / total)


def folds(documents: Sequence[Document], seed: int) -> list[tuple[list[Document], list]]:
    """(kept documents, held-out (question, document id)) for each fold.

    An article keeps at least one variant in every fold; one with a single
    variant lends none.
    """
    rng = random.Random(seed)
    shuffled = []
    for document in documents:
        questions = list(document.questions)
        rng.shuffle(questions)
        shuffled.append((document, questions))
    total = sum(len(questions) for _, questions in shuffled)
    count = 1 if total >= LARGE else FOLDS
    share = HELD_OUT
    result = []
    for fold in range(count):
        kept, held = [], []
        for document, questions in shuffled:
            out = _held_out(len(questions), fold, count, share)
            held.extend((q, document.id) for i, q in enumerate(questions) if i in out)
            rest = [q for i, q in enumerate(questions) if i not in out]
            kept.append(replace(document, questions=rest))
        if held:
            result.append((kept, held))
    return result


def _held_out(size: int, fold: int, count: int, share: float) -> set[int]:
    """Positions of the variants held out in one fold (never all of them)."""
    if size < 2:
        return set()
    if count == 1:
        return set(range(min(size - 1, math.ceil(share * size))))
    return {i for i in range(size) if i % count == fold}


def ask(index: Index, questions: Sequence[tuple[str, object]], locale: str) -> list[Asked]:
    asked = []
    for question, expected in questions:
        found = index.search(question, locale=locale, limit=SEARCHED, visibility=("public",))
        asked.append(Asked([c.score for c in found], [c.document_id == expected for c in found]))
    return asked


def without_right_article(asked: Asked) -> Asked | None:
    """The question as if its article were missing: the others' scores, renormalised."""
    right = sum(s for s, r in zip(asked.scores, asked.right, strict=True) if r)
    others = [s for s, r in zip(asked.scores, asked.right, strict=True) if not r]
    if not others or right >= 1:
        return None
    return Asked([s / (1 - right) for s in others], [False] * len(others))


def answer_threshold(asked: Sequence[Asked], precision: float, *, bound: bool = True) -> float:
    """The lowest top score whose answered share is precise enough (1.0: none is).

    ``bound``: judged by the Wilson lower bound; otherwise by the precision
    itself, on at least ``MIN_ANSWERED`` answered questions.
    """
    tops = sorted(((a.scores[0], a.right[0], a.weight) for a in asked if a.scores), reverse=True)
    best, right, answered = 1.0, 0.0, 0.0
    for position, (score, correct, weight) in enumerate(tops):
        right += weight * correct
        answered += weight
        tied = position + 1 < len(tops) and tops[position + 1][0] == score
        # Equal scores are answered together: judge the threshold after the last.
        if tied:
            continue
        if bound:
            precise = wilson_lower_bound(right, answered) >= precision
        else:
            precise = answered >= MIN_ANSWERED and right >= precision * answered
        if precise:
            best = score
    return best


def _answer_threshold(asked: Sequence[Asked], precision: float, sample: int) -> tuple[float, str]:
    """The answer threshold and how it was chosen (``reason``), 1.0 when none."""
    if sample >= BOUND_SAMPLE:
        found = answer_threshold(asked, precision)
        return found, BOUND if found < 1.0 else AMBIGUOUS
    found = answer_threshold(asked, precision, bound=False)
    if found < 1.0:
        return found, ESTIMATE
    if sum(a.weight for a in asked if a.scores) < MIN_ANSWERED:
        return found, TOO_FEW
    return found, AMBIGUOUS


def judged_answer_threshold(
    in_scope: Sequence[Asked],
    asked: Sequence[Asked],
    stand_ins: Sequence[Asked],
    precision: float,
    refusal: float,
) -> tuple[float, str]:
    """The answer threshold before its floors, and how it was chosen.

    A large sample judges ``asked`` (the stand-ins counted as wrong answers,
    weighed as out-of-scope traffic) by the lower bound. A small one judges
    the precision of the in-scope questions alone, by estimate, and requires
    the stand-ins to be refused as known out-of-scope questions are
    (``refusal`` of them, by the lower bound). A stand-in is the hardest kind
    of out-of-scope question, one right beside an article; mixed into a
    precision judged without the bound, a few dozen of them alone set a small
    knowledge base's threshold (the French demo's: 31 stand-ins above 0.83
    held it there, where its held-out questions are 97 % right from 0.71).
    """
    if len(in_scope) >= BOUND_SAMPLE:
        return _answer_threshold(asked, precision, len(in_scope))
    answer, reason = _answer_threshold(in_scope, precision, len(in_scope))
    return max(answer, refusal_threshold(stand_ins, refusal)), reason


def refusal_threshold(outside: Sequence[Asked], refusal: float) -> float:
    """The least answer threshold that leaves ``refusal`` of these out-of-scope
    questions unanswered (0 without any)."""
    tops = sorted((a.scores[0] for a in outside if a.scores), reverse=True)
    total = len(outside)
    # As for precision, the refused share is judged by its lower Wilson bound.
    allowed = 0  # how many may be answered
    while allowed < total and wilson_lower_bound(total - allowed - 1, total) >= refusal:
        allowed += 1
    if allowed >= len(tops):
        return 0.0
    return min(math.nextafter(tops[allowed], 2.0), 1.0)


def clarify_threshold(asked: Sequence[Asked], answer: float, plausible: float) -> float:
    """The lowest score at which an article offered below ``answer`` is still
    right ``plausible`` of the time.

    Judged locally, on successive bands of scores going down (a running total
    from the top would let many good high scores carry hopeless low ones),
    and stopping at the first band below the mark.
    """
    offered = sorted(
        (
            (score, correct, a.weight)
            for a in asked
            for score, correct in zip(a.scores[:3], a.right[:3], strict=True)
            if score < answer
        ),
        reverse=True,
    )
    band = max(BAND, len(offered) // 20)
    best = answer
    for start in range(0, len(offered), band):
        members = offered[start : start + band]
        right = sum(weight * correct for _, correct, weight in members)
        if right / sum(weight for _, _, weight in members) < plausible:
            break
        best = members[-1][0]
    return min(best, answer)


def calibrate(
    documents: Sequence[Document],
    *,
    locale: str,
    out_of_scope: Sequence[str] = (),
    precision: float = PRECISION,
    plausible: float = PLAUSIBLE,
    out_of_scope_share: float = OUT_OF_SCOPE_SHARE,
    refusal: float = REFUSAL,
    seed: int = 0,
    build: Callable[[list[Document]], Index] = build_index,
    index: Index | None = None,
) -> Calibration:
    """Thresholds for ``decide`` on an index of these documents.

    Builds one index per fold (one for a large knowledge base, five for a
    small one), and one of all the documents for known out-of-scope questions
    unless ``index`` is given. ``index``, the one the bot will use, if already built, scores
    the known out-of-scope questions. Returns the defaults, with the reason,
    when there is no variant to hold out, too few, or no threshold precise
    enough (``Calibration.calibrated`` is then False).
    """
    in_scope: list[Asked] = []
    outside: list[Asked] = []
    for kept, held in folds(documents, seed):
        in_scope += ask(build(kept), held, locale)
    if out_of_scope:
        # The full index is surer of itself than a fold's: refuse on its scores.
        index = index if index is not None else build(list(documents))
        outside += ask(index, [(question, None) for question in out_of_scope], locale)
    outside_known = list(outside)
    if not in_scope:
        return Calibration(Thresholds(), 0, 0.0, 0.0, NO_VARIANTS)
    stand_ins = [n for n in map(without_right_article, in_scope) if n is not None]
    outside += stand_ins
    # The negatives together weigh as out_of_scope_share of all questions.
    weight = out_of_scope_share / (1 - out_of_scope_share) * len(in_scope) / max(len(outside), 1)
    asked = in_scope + [replace(a, weight=weight) for a in outside]
    answer, reason = judged_answer_threshold(in_scope, asked, stand_ins, precision, refusal)
    if reason not in (BOUND, ESTIMATE):
        thresholds = Thresholds()
    else:
        answer = max(answer, LEAST_ANSWER, refusal_threshold(outside_known, refusal))
        thresholds = Thresholds(answer=answer, clarify=clarify_threshold(asked, answer, plausible))
    answered = [a for a in in_scope if a.scores and a.scores[0] >= thresholds.answer]
    right = sum(a.right[0] for a in answered)
    return Calibration(
        thresholds,
        held_out=len(in_scope),
        precision=right / len(answered) if answered else 1.0,
        coverage=right / len(in_scope),
        reason=reason,
    )
