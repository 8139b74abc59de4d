"""Search over help articles: French and English text, BM25, optional embeddings.

Pure code on plain dataclasses, no database: the knowledge app loads its
articles into ``Document``s, builds an index once, and searches it.
"""

from relais.knowledge.retrieval.documents import Candidate, Document
from relais.knowledge.retrieval.index import Index, build_index

__all__ = ["Candidate", "Document", "Index", "build_index"]
