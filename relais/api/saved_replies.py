"""Saved replies: the ones the agent may use, writing them, and one rendered
for a conversation (its channel's variant, variables filled)."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from relais.accounts.access import access_conversation
from relais.api.auth import current_agent
from relais.api.schemas.common import READ_ERRORS, WRITE_ERRORS
from relais.api.schemas.saved_replies import (
    RenderedReplyOut,
    SavedReplyIn,
    SavedReplyOut,
    SavedReplyPatch,
    SavedReplyQuery,
)
from relais.replies import actions

router = Router(tags=["saved replies"])


@router.get("/saved-replies", response={200: list[SavedReplyOut], **READ_ERRORS})
def list_saved_replies(request: HttpRequest, filters: Query[SavedReplyQuery]):
    replies = actions.visible_saved_replies(current_agent(request))
    if filters.language:
        replies = replies.filter(language__in=["", filters.language])
    return list(replies)


@router.post("/saved-replies", response={201: SavedReplyOut, **WRITE_ERRORS})
def create_saved_reply(request: HttpRequest, payload: SavedReplyIn):
    """Agents create personal replies; supervisors and admins also shared ones."""
    fields = actions.SavedReplyFields(**payload.dict())
    return Status(201, actions.create_saved_reply(current_agent(request), fields))


@router.patch("/saved-replies/{int:reply_id}", response={200: SavedReplyOut, **WRITE_ERRORS})
def update_saved_reply(request: HttpRequest, reply_id: int, payload: SavedReplyPatch):
    agent = current_agent(request)
    reply = actions.access_saved_reply(agent, reply_id)
    return actions.update_saved_reply(agent, reply, payload.dict(exclude_unset=True))


@router.get(
    "/conversations/{int:conversation_id}/saved-replies/{int:reply_id}",
    response={200: RenderedReplyOut, **READ_ERRORS},
)
def render_saved_reply(request: HttpRequest, conversation_id: int, reply_id: int):
    """The reply as it would be inserted in this conversation."""
    agent = current_agent(request)
    conversation = access_conversation(agent, conversation_id)
    reply = actions.access_saved_reply(agent, reply_id)
    body = actions.render_saved_reply(agent, reply, conversation)
    return {"saved_reply_id": reply.pk, "conversation_id": conversation.pk, "body": body}
