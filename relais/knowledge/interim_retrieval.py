"""A stand-in for `relais.knowledge.retrieval` (the bot's BM25 core, written on
its own branch) with the same API, so the help center searches until it is
merged. Word overlap with accent folding and crude plural stripping; delete
this module once the real core is in."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

_WORD = re.compile(r"\w+")
_STOPWORDS = (
    "a au aux ce ces de des du en et il je la le les ma mes mon ne nous on ou par pas pour "
    "que qui sa se ses son sur un une vos votre the an and are do does how i in is it my "
    "of on or to what when where with you your"
)
_STOP = frozenset(_STOPWORDS.split())


@dataclass(frozen=True)
class Document:
    id: int | str
    locale: str
    title: str
    body: str
    questions: list[str] = field(default_factory=list)
    visibility: str = "public"


@dataclass(frozen=True)
class Candidate:
    document_id: int | str
    title: str
    score: float


def _terms(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    words = (w for w in _WORD.findall(folded) if w not in _STOP and len(w) > 1)
    return [w[:-1] if len(w) > 3 and w.endswith(("s", "x")) else w for w in words]


class _Index:
    def __init__(self, documents: list[Document]) -> None:
        self.documents = documents
        self.terms = []
        frequency: Counter[str] = Counter()
        for doc in documents:
            weighted = Counter(_terms(doc.body))
            for term in _terms(doc.title + " " + " ".join(doc.questions)):
                weighted[term] += 3  # titles and question variants say what it answers
            self.terms.append(weighted)
            frequency.update(weighted.keys())
        total = max(len(documents), 1)
        self.idf = {t: math.log(1 + total / n) for t, n in frequency.items()}

    def search(self, query: str, *, locale: str | None = None, limit: int = 10) -> list[Candidate]:
        wanted = set(_terms(query))
        scored = []
        for doc, weighted in zip(self.documents, self.terms, strict=True):
            if locale and doc.locale != locale:
                continue
            score = sum(self.idf[t] * math.log(1 + weighted[t]) for t in wanted if t in weighted)
            if score > 0:
                scored.append(Candidate(doc.id, doc.title, round(score, 4)))
        scored.sort(key=lambda c: -c.score)
        return scored[:limit]


def build_index(documents) -> _Index:
    return _Index(list(documents))
