"""Typed errors of the forum's actions. They extend the conversations' errors,
which the console and the API already turn into 4xx responses."""

from relais.conversations.errors import ConversationError, InvalidInput, NotAllowed

__all__ = ["InvalidInput", "NotAllowed", "RateLimited", "InvalidToken"]


class RateLimited(ConversationError):
    code = "rate_limited"


class InvalidToken(ConversationError):
    """A sign-in link that is forged, expired or already used."""

    code = "invalid_token"
