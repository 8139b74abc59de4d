"""Typo tolerance: a query term the index does not know is replaced by a known
term one edit away ("remboursment" -> "rembours", "livriason" -> "livraison").

Symmetric deletion (the SymSpell idea): every known term of five letters or
more is stored under each of its one-letter deletions, so one lookup per
deletion of the query term finds insertions, deletions, substitutions and
most transpositions without scanning the vocabulary.
"""

from collections import defaultdict
from dataclasses import dataclass, field

MIN_LENGTH = 5  # shorter terms have too many neighbours to guess right


def _deletions(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


@dataclass
class SpellingCorrector:
    frequency: dict[str, int]
    neighbours: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def __post_init__(self) -> None:
        for term in self.frequency:
            if len(term) >= MIN_LENGTH - 1:
                self.neighbours[term].add(term)
                for deleted in _deletions(term):
                    self.neighbours[deleted].add(term)

    def correct(self, term: str) -> str:
        """The term itself if known or too short, else its most frequent neighbour."""
        if term in self.frequency or len(term) < MIN_LENGTH or term.isdigit():
            return term
        found = set(self.neighbours.get(term, ()))
        for deleted in _deletions(term):
            found |= self.neighbours.get(deleted, set())
        if not found:
            return term
        return max(sorted(found), key=lambda known: self.frequency[known])
