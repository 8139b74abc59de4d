"""The realtime events the conversation actions publish (after commit)."""

from relais.conversations.models import Conversation, Message
from relais.core.realtime import broadcast_on_commit, conversation_group, inbox_group


def message_payload(message: Message) -> dict:
    """The public shape of a message, as the widget and API clients see it."""
    author = message.author
    payload = {
        "id": message.pk,
        "direction": message.direction,
        "kind": message.kind,
        "body": message.body,
        "status": message.status,
        "author": (author.name or author.email.split("@")[0]) if author else "",
        "created_at": message.created_at.isoformat(),
    }
    bot = (message.metadata or {}).get("bot") if message.author_id is None else None
    if isinstance(bot, dict):
        # The self-care bot's message: its name, its buttons, its article link.
        payload["author"] = str(bot.get("name") or "")
        payload["bot"] = True
        payload["quick_replies"] = bot.get("choices") or []
        if bot.get("ask_email") is True:
            payload["ask_email"] = True  # no agent now: the widget asks for an address
        if isinstance(bot.get("article"), dict):
            payload["article_url"] = str(bot["article"].get("url") or "")
    return payload


def publish_message(message: Message, name: str = "message.created") -> None:
    conversation_id = message.conversation_id
    broadcast_on_commit(
        [inbox_group(message.inbox_id), conversation_group(conversation_id)],
        {"name": name, "conversation_id": conversation_id, "message": message_payload(message)},
    )


def publish_conversation(conversation: Conversation, name: str = "conversation.updated") -> None:
    broadcast_on_commit(
        [inbox_group(conversation.inbox_id), conversation_group(conversation.pk)],
        {
            "name": name,
            "conversation_id": conversation.pk,
            "status": conversation.status,
            "assignee_id": conversation.assignee_id,
        },
    )
