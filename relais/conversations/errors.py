"""Typed errors the conversation actions raise; the edges turn them into 4xx."""


class ConversationError(Exception):
    """Base class. `code` is stable for API clients; the message is for people."""

    code = "invalid"


class InvalidInput(ConversationError):
    code = "invalid_input"


class NotAllowed(ConversationError):
    code = "not_allowed"
