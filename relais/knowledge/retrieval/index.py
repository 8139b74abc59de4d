"""The search index: BM25 over weighted fields, fused with a learned scorer
when the optional ``semantic`` extra is installed.

Each language has its own part (its stemmer, its vocabulary); a search with a
locale looks only there, a search without one looks everywhere.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from relais.knowledge.retrieval import learned
from relais.knowledge.retrieval.bm25 import FieldedBM25
from relais.knowledge.retrieval.documents import Candidate, Document
from relais.knowledge.retrieval.spelling import SpellingCorrector
from relais.knowledge.retrieval.text import language_of, tokenize

# BM25 scores become probabilities through a softmax, on the scale of the
# score a perfect match would get: two articles a tenth of that apart share
# the query about 66/34.
TEMPERATURE = 0.15
# Weight of the learned scorer against the lexical probability when fused.
LEARNED_WEIGHT = 0.85
# The floor under every search. The learned scorer spreads its probability
# over all the articles, whatever the query: on a small knowledge base
# "zzzz qqqq" would find them all. So a query finds something only if it
# shares a word other than a stop word with the articles, or, with the
# embedding model, if it is this close (cosine) to one of their examples:
# paraphrases ("mon paquet" for "mon colis") are near 0.45 with MiniLM,
# strings of letters under 0.2.
LEAST_SIMILARITY = 0.35
# And an article that shares no word with the query is kept only with at
# least this fused score: below it, it is the scorer's spread, not a match
# (the bot offers nothing under its clarify threshold, 0.1 or more).
LEAST_UNMATCHED = 0.1


@dataclass
class LanguageIndex:
    """The documents of one language and everything needed to rank them."""

    language: str
    documents: list[Document]
    lexical: FieldedBM25 = field(default_factory=FieldedBM25)
    terms: list[set[str]] = field(default_factory=list)
    corrector: SpellingCorrector | None = None
    scorer: "learned.LearnedScorer | None" = None

    def build(self, semantic: bool | None) -> None:
        for number, document in enumerate(self.documents):
            title = tokenize(document.title, self.language)
            body = tokenize(document.body, self.language)
            self.lexical.add(number, "title", title)
            self.lexical.add(number, "body", body)
            seen = set(title) | set(body)
            for question in document.questions:
                terms = tokenize(question, self.language)
                self.lexical.add(number, "questions", terms)
                seen.update(terms)
            self.terms.append(seen)
        self.lexical.finish()
        self.corrector = SpellingCorrector(self.lexical.vocabulary())
        if semantic is not False:
            self.scorer = learned.train(self.documents, self.language, required=bool(semantic))

    def query_terms(self, query: str, *, fallback: bool = True) -> list[str]:
        assert self.corrector is not None
        terms = tokenize(query, self.language, fallback=fallback)
        return [self.corrector.correct(term) for term in terms]

    def lexical_probabilities(self, terms: Sequence[str]) -> dict[int, float]:
        """Softmax of the BM25 scores, scaled by how much of the query each covers.

        The scale matters for refusing: a query whose rare words no article
        holds ("parking", "horoscope") matches on its common words only, and
        its probabilities shrink with the share of the query left unmatched.
        """
        scores = self.lexical.scores(terms)
        if not scores:
            return {}
        scale = TEMPERATURE * self.lexical.perfect_score(terms)
        top = max(scores.values())
        weights = {doc: math.exp((score - top) / scale) for doc, score in scores.items()}
        # Documents that match nothing still share the softmax's mass (at score 0).
        unmatched = (len(self.documents) - len(scores)) * math.exp(-top / scale)
        total = sum(weights.values()) + unmatched
        idf = {term: self.lexical.idf(term) for term in set(terms)}
        return {
            doc: weight / total * self.lexical.coverage(self.terms[doc], idf)
            for doc, weight in weights.items()
        }

    def rank(self, query: str) -> dict[int, float]:
        """Document number -> probability that it answers the query (nothing
        below the floor, see ``LEAST_SIMILARITY``)."""
        # Stop words alone have no subject, however close their embedding.
        content = self.query_terms(query, fallback=False)
        if not content:
            return {}
        shared = any(self.lexical.holds(term) for term in content)
        if self.scorer is None:
            return self.lexical_probabilities(self.query_terms(query)) if shared else {}
        learned_scores = self.scorer.score(query)
        closest = learned_scores.closest
        if not shared and (closest is None or closest < LEAST_SIMILARITY):
            return {}
        lexical = self.lexical_probabilities(self.query_terms(query))
        fused = {
            doc: LEARNED_WEIGHT * learned_scores.probabilities.get(doc, 0.0)
            + (1 - LEARNED_WEIGHT) * lexical.get(doc, 0.0)
            for doc in set(lexical) | set(learned_scores.probabilities)
        }
        return {
            doc: score for doc, score in fused.items() if doc in lexical or score >= LEAST_UNMATCHED
        }


@dataclass
class Index:
    """Every language's part; ``search`` is the one way in."""

    parts: dict[str, LanguageIndex]

    @property
    def documents(self) -> list[Document]:
        return [document for part in self.parts.values() for document in part.documents]

    @property
    def semantic(self) -> bool:
        """Whether a learned scorer is fused in (the ``semantic`` extra is installed)."""
        return any(part.scorer is not None for part in self.parts.values())

    def search(
        self,
        query: str,
        *,
        locale: str | None = None,
        limit: int = 10,
        visibility: Iterable[str] | None = None,
    ) -> list[Candidate]:
        """The best documents for a query, best first, scores in 0-1.

        ``visibility`` keeps only documents of those visibilities (the bot
        passes ``("public",)``); ``None`` keeps all.
        """
        languages = [language_of(locale)] if locale else list(self.parts)
        allowed = set(visibility) if visibility is not None else None
        found: list[Candidate] = []
        for language in languages:
            part = self.parts.get(language)
            if part is None or not query.strip():
                continue
            for number, score in part.rank(query).items():
                document = part.documents[number]
                if allowed is None or document.visibility in allowed:
                    found.append(Candidate(document.id, document.title, score))
        found.sort(key=lambda candidate: (-candidate.score, str(candidate.document_id)))
        return found[:limit]


def build_index(documents: Iterable[Document], *, semantic: bool | None = None) -> Index:
    """Index documents for search.

    ``semantic``: ``None`` fuses the learned scorer when the optional extra is
    installed, ``False`` never does (BM25 alone), ``True`` requires it and
    raises ``ImportError`` without it.
    """
    by_language: dict[str, list[Document]] = {}
    for document in documents:
        by_language.setdefault(language_of(document.locale), []).append(document)
    parts = {}
    for language, members in by_language.items():
        part = LanguageIndex(language, members)
        part.build(semantic)
        parts[language] = part
    return Index(parts)
