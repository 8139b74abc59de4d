"""Typed errors of the knowledge actions; the API and views turn them into 4xx."""


class KnowledgeError(Exception):
    """Base class. `code` is stable for API clients; the message is for people."""

    code = "invalid_input"
    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidArticle(KnowledgeError):
    code = "invalid_input"


class DuplicateArticle(KnowledgeError):
    code = "duplicate"
    status = 409


class NotAllowedToEdit(KnowledgeError):
    code = "forbidden"
    status = 403


class AlreadyRated(KnowledgeError):
    code = "already_rated"
    status = 409


class RatedTooOften(KnowledgeError):
    code = "throttled"
    status = 429
