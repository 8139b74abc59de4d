"""The learned scorer fused with BM25 (optional ``semantic`` extra).

One knowledge base, one classifier: each article is a class, its question
variants and title are the training examples. Features are TF-IDF over stemmed
words and word pairs, TF-IDF over character n-grams of the normalised text
(they carry typos and unknown word forms), and, when the embedding model is
installed, the query's sentence embedding. A multinomial logistic regression
turns them into one probability per article, and that probability is what the
bot's thresholds are calibrated on.

scikit-learn (and numpy, scipy) come with the extra; without them ``train``
returns ``None`` and the index ranks with BM25 alone.
"""

import re
from dataclasses import dataclass
from importlib.util import find_spec
from typing import Any

from relais.knowledge.retrieval import embeddings
from relais.knowledge.retrieval.documents import Document
from relais.knowledge.retrieval.text import normalise, tokenize

# Weight of the embedding block against the two unit-length TF-IDF blocks.
EMBEDDING_WEIGHT = 2.0
# Inverse regularisation of the logistic regression.
C = 20.0
# Sentences of an article's body taken as training examples, at most.
BODY_SENTENCES = 12


def available() -> bool:
    return find_spec("sklearn") is not None


def _word_features(text: str, language: str) -> list[str]:
    terms = tokenize(text, language)
    return terms + [f"{a}_{b}" for a, b in zip(terms, terms[1:], strict=False)]


def examples(documents: list[Document]) -> tuple[list[str], list[int]]:
    """Training texts and their article numbers: variants, title, short bodies."""
    texts, labels = [], []
    for number, document in enumerate(documents):
        own = [document.title, *document.questions, *body_sentences(document.body)]
        texts.extend(own)
        labels.extend([number] * len(own))
    return texts, labels


def body_sentences(body: str) -> list[str]:
    """The body's lines and sentences, Markdown marks dropped: an article's
    answer names what it is about ("transporteur", "samedi", "RGPD") in words
    its question variants may not use."""
    plain = re.sub(r"[*_`#>|]+", " ", body)
    pieces = re.split(r"(?<=[.!?:;])\s+|\n+", plain)
    sentences = [" ".join(piece.split()) for piece in pieces]
    return [sentence for sentence in sentences if len(sentence) > 15][:BODY_SENTENCES]


def _tfidf_product(vectoriser: Any, coefficients: Any, text: str) -> Any:
    """``vectoriser.transform([text]) @ coefficients`` for one text, by hand.

    Same sublinear tf, idf and l2 norm as the fitted TfidfVectorizer, without
    its per-call validation, which costs more than the sum on the answer path.
    """
    import numpy

    counts: dict[int, int] = {}
    vocabulary = vectoriser.vocabulary_
    for feature in vectoriser.build_analyzer()(text):
        column = vocabulary.get(feature)
        if column is not None:
            counts[column] = counts.get(column, 0) + 1
    if not counts:
        return numpy.zeros(coefficients.shape[1])
    columns = numpy.fromiter(counts, dtype=numpy.intp, count=len(counts))
    values = 1 + numpy.log(numpy.fromiter(counts.values(), dtype=float, count=len(counts)))
    values *= vectoriser.idf_[columns]
    values /= numpy.linalg.norm(values)
    return values @ coefficients[columns]


@dataclass(frozen=True)
class Scored:
    """One query's scores. ``closest``: the highest cosine similarity between
    the query's embedding and a training example's (None without embeddings),
    the evidence that a query sharing no word with the articles is still
    about them ("paquet" for "colis")."""

    probabilities: dict[int, float]
    closest: float | None


@dataclass
class LearnedScorer:
    language: str
    word_vectoriser: Any
    char_vectoriser: Any
    model: Any
    semantic: bool
    blocks: tuple[Any, Any, Any] | None = None  # coefficients (words, chars, embedding)
    example_vectors: Any = None  # embeddings of the training examples, one row each

    def features(self, texts: list[str]) -> Any:
        from scipy import sparse

        blocks = [self.word_vectoriser.transform(texts), self.char_vectoriser.transform(texts)]
        if self.semantic:
            blocks.append(sparse.csr_matrix(EMBEDDING_WEIGHT * embeddings.encode(texts)))
        return sparse.hstack(blocks).tocsr()

    def probabilities(self, query: str) -> dict[int, float]:
        """Article number -> probability, for the articles worth keeping (> 0.1%)."""
        return self.score(query).probabilities

    def score(self, query: str) -> Scored:
        """The query's probabilities and closeness, its embedding computed once."""
        vectors = embeddings.encode([query]) if self.semantic else None
        row = self.predict([query], vectors)[0]
        pairs = zip(self.model.classes_, row, strict=True)
        closest = None
        if vectors is not None and self.example_vectors is not None:
            closest = float((self.example_vectors @ vectors[0]).max())
        return Scored({int(label): float(p) for label, p in pairs if p > 1e-3}, closest)

    def predict(self, texts: list[str], vectors: Any = None) -> Any:
        """Probabilities, one row per text: the model's own softmax, worked out
        block by block (sparse words, sparse characters, dense embedding) to
        spare scikit-learn's per-call checks on the answer path. ``vectors``:
        the texts' embeddings, if already computed."""
        import numpy

        if self.blocks is None:  # two articles: scikit-learn's binary form
            return self.model.predict_proba(self.features(texts))
        words, chars, embedded = self.blocks
        if len(texts) == 1:
            logits = self.model.intercept_ + (
                _tfidf_product(self.word_vectoriser, words, texts[0])
                + _tfidf_product(self.char_vectoriser, chars, texts[0])
            )
            logits = logits.reshape(1, -1)
        else:
            logits = (
                self.word_vectoriser.transform(texts) @ words
                + self.char_vectoriser.transform(texts) @ chars
                + self.model.intercept_
            )
        if self.semantic:
            vectors = embeddings.encode(texts) if vectors is None else vectors
            logits += EMBEDDING_WEIGHT * vectors @ embedded
        logits -= logits.max(axis=1, keepdims=True)
        exp = numpy.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def split_coefficients(self) -> None:
        coefficients = self.model.coef_
        if coefficients.shape[0] == 1:
            return
        words = len(self.word_vectoriser.vocabulary_)
        chars = len(self.char_vectoriser.vocabulary_)
        self.blocks = (
            coefficients[:, :words].T.copy(),
            coefficients[:, words : words + chars].T.copy(),
            coefficients[:, words + chars :].T.copy(),
        )


def train(documents: list[Document], language: str, *, required: bool) -> LearnedScorer | None:
    """The classifier of these documents, or ``None`` without the extra (or with
    fewer than two articles, where there is nothing to tell apart)."""
    if not available():
        if required:
            raise ImportError("the learned scorer needs the 'semantic' extra (scikit-learn)")
        return None
    if len(documents) < 2:
        return None
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, labels = examples(documents)
    scorer = LearnedScorer(
        language=language,
        word_vectoriser=TfidfVectorizer(
            analyzer=lambda text: _word_features(text, language), sublinear_tf=True
        ),
        char_vectoriser=TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            # Rare n-grams are noise in a large knowledge base, all there is in a tiny one.
            min_df=2 if len(texts) > 200 else 1,
            sublinear_tf=True,
            preprocessor=lambda text: normalise(text, language),
        ),
        model=LogisticRegression(C=C, max_iter=300),
        semantic=embeddings.available(),
    )
    if required and not scorer.semantic:
        raise ImportError("the semantic scorer needs the 'semantic' extra (embedding model)")
    scorer.word_vectoriser.fit(texts)
    scorer.char_vectoriser.fit(texts)
    scorer.model.fit(scorer.features(texts), labels)
    scorer.split_coefficients()
    if scorer.semantic:  # the batch was encoded (and remembered) for the features
        scorer.example_vectors = embeddings.encode(texts)
    return scorer
