"""The HTTP API under /api/v1/: OpenAPI at openapi.json, interactive docs at docs."""

from ninja import NinjaAPI

from relais.api import (
    articles,
    bot,
    channel_api,
    contacts,
    conversations,
    inboxes,
    saved_replies,
)
from relais.api.auth import ApiTokenAuth
from relais.api.errors import install_error_handlers, not_found_router

api = NinjaAPI(
    title="Relais API",
    version="1",
    urls_namespace="api",
    auth=ApiTokenAuth(),
    description=(
        "Conversations, contacts, inboxes, saved replies and articles of Relais. See docs/api.md."
    ),
)
install_error_handlers(api)
api.add_router("", contacts.router)
api.add_router("", conversations.router)
api.add_router("", inboxes.router)
api.add_router("", saved_replies.router)
api.add_router("", channel_api.router)
api.add_router("", articles.router)
api.add_router("", bot.router)
api.add_router("", not_found_router)  # last: it matches any path
