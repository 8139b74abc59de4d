"""The realtime events the conversation actions publish (after commit)."""

from relais.conversations.models import Conversation, Message
from relais.core.realtime import broadcast_on_commit, conversation_group, inbox_group


def message_payload(message: Message) -> dict:
    """The public shape of a message, as the widget and API clients see it."""
    author = message.author
    return {
        "id": message.pk,
        "direction": message.direction,
        "kind": message.kind,
        "body": message.body,
        "status": message.status,
        "author": (author.name or author.email.split("@")[0]) if author else "",
        "created_at": message.created_at.isoformat(),
    }


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
