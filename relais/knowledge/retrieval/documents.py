"""The plain data at the boundary of retrieval: what goes in, what comes out."""

from dataclasses import dataclass, field


@dataclass
class Document:
    """One help article as retrieval sees it (no database row, no Markdown rendering)."""

    id: int | str
    locale: str
    title: str
    body: str
    questions: list[str] = field(default_factory=list)
    visibility: str = "public"


@dataclass(frozen=True)
class Candidate:
    """A document found for a query. ``score`` lies in 0-1 and candidates of one
    search add up to at most 1: it reads as the chance this article answers."""

    document_id: int | str
    title: str
    score: float
