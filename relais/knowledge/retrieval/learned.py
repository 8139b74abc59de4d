"""The learned scorer fused with BM25 (optional ``semantic`` extra).

Placeholder until the classifier lands: BM25 alone.
"""

from relais.knowledge.retrieval.documents import Document


class LearnedScorer:
    def probabilities(self, query: str) -> dict[int, float]:
        raise NotImplementedError


def train(documents: list[Document], language: str, *, required: bool) -> LearnedScorer | None:
    if required:
        raise ImportError("the semantic scorer is not available yet")
    return None
