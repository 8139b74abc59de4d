"""Okapi BM25 over short units of text, in plain Python.

A unit is one field of one document (its title, its body, or one of its
question variants); ``FieldedBM25`` scores each field apart and adds the fields
up with weights, taking the best question variant rather than the sum, so that
an article with 130 variants does not outrank one with five just by length.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

K1 = 1.2
B = 0.75


@dataclass
class BM25:
    """One field: postings term -> [(unit, term frequency)], unit lengths."""

    k1: float = K1
    b: float = B
    postings: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    lengths: list[int] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    weights: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    average_length: float = 1.0

    def add(self, terms: Sequence[str]) -> int:
        """Index one unit; returns its number (0, 1, 2… in the order added)."""
        unit = len(self.lengths)
        self.lengths.append(len(terms))
        for term, count in Counter(terms).items():
            self.postings[term].append((unit, count))
        return unit

    def finish(self) -> None:
        """Compute idf, then each posting's whole BM25 contribution, once every
        unit is in: a query only adds numbers up."""
        units = max(len(self.lengths), 1)
        self.average_length = max(sum(self.lengths) / units, 1.0)
        norms = [
            self.k1 * (1 - self.b + self.b * length / self.average_length)
            for length in self.lengths
        ]
        for term, hits in self.postings.items():
            # The "+1" form of idf stays positive for terms in most units.
            idf = math.log(1 + (units - len(hits) + 0.5) / (len(hits) + 0.5))
            self.idf[term] = idf
            self.weights[term] = [
                (unit, idf * count * (self.k1 + 1) / (count + norms[unit])) for unit, count in hits
            ]

    def scores(self, terms: Iterable[str]) -> dict[int, float]:
        """BM25 score of every unit sharing at least one term with the query."""
        result: dict[int, float] = defaultdict(float)
        for term in set(terms):
            for unit, weight in self.weights.get(term, ()):
                result[unit] += weight
        return result


FIELD_WEIGHTS = {"title": 1.0, "questions": 1.0, "body": 0.35}


@dataclass
class FieldedBM25:
    """Title, question variants and body of documents, each its own BM25."""

    weights: dict[str, float] = field(default_factory=lambda: dict(FIELD_WEIGHTS))
    fields: dict[str, BM25] = field(default_factory=dict)
    owner: dict[str, list[int]] = field(default_factory=dict)  # field -> unit -> document

    def __post_init__(self) -> None:
        for name in self.weights:
            self.fields.setdefault(name, BM25())
            self.owner.setdefault(name, [])

    def add(self, document: int, name: str, terms: Sequence[str]) -> None:
        if terms:
            self.fields[name].add(terms)
            self.owner[name].append(document)

    def finish(self) -> None:
        for bm25 in self.fields.values():
            bm25.finish()

    def vocabulary(self) -> dict[str, int]:
        """Term -> number of units holding it, over all fields."""
        counts: Counter[str] = Counter()
        for bm25 in self.fields.values():
            counts.update({term: len(hits) for term, hits in bm25.postings.items()})
        return dict(counts)

    def idf(self, term: str) -> float:
        """The term's weight in matching: its best idf over the fields.

        A term no document holds weighs as much as the rarest known one: the
        query asks about something the index does not know, and that counts.
        """
        known = [bm25.idf[term] for bm25 in self.fields.values() if term in bm25.idf]
        if known:
            return max(known)
        units = max((len(bm25.lengths) for bm25 in self.fields.values()), default=0)
        return math.log(1 + (units + 0.5) / 0.5)

    def scores(self, terms: Sequence[str]) -> dict[int, float]:
        """Document -> weighted sum of its fields' scores (best unit per field)."""
        result: dict[int, float] = defaultdict(float)
        for name, bm25 in self.fields.items():
            best: dict[int, float] = {}
            owners = self.owner[name]
            for unit, score in bm25.scores(terms).items():
                document = owners[unit]
                if score > best.get(document, 0.0):
                    best[document] = score
            for document, score in best.items():
                result[document] += self.weights[name] * score
        return result

    def holds(self, term: str) -> bool:
        """Whether any field of any document holds the term."""
        return any(term in bm25.idf for bm25 in self.fields.values())

    def perfect_score(self, terms: Sequence[str]) -> float:
        """What a question variant identical to the query would score: the scale
        on which a match is good or poor, whatever the size of the collection."""
        unique = set(terms)
        fields = [self.fields[name] for name in ("questions", "title") if name in self.fields]
        bm25 = next((field for field in fields if field.lengths), BM25())
        norm = bm25.k1 * (1 - bm25.b + bm25.b * len(unique) / bm25.average_length)
        return sum(self.idf(term) for term in unique) * (bm25.k1 + 1) / (1 + norm)

    def matched_terms(self, document_terms: set[str], terms: Sequence[str]) -> float:
        """Share of the query's idf mass that a document's terms cover."""
        return self.coverage(document_terms, {term: self.idf(term) for term in set(terms)})

    @staticmethod
    def coverage(document_terms: set[str], idf: dict[str, float]) -> float:
        """``matched_terms`` with the query terms' idf worked out beforehand."""
        total = sum(idf.values())
        if not total:
            return 0.0
        return sum(weight for term, weight in idf.items() if term in document_terms) / total
