"""Conversations and their messages: the same visibility and actions as the
console. A conversation the agent may not see is a 404 for every route."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from relais.accounts.access import access_conversation
from relais.api.auth import current_agent
from relais.api.pagination import paginate
from relais.api.schemas.common import READ_ERRORS, WRITE_ERRORS, PageQuery
from relais.api.schemas.conversations import (
    AssignIn,
    ConversationOut,
    ConversationPage,
    ConversationQuery,
    MessageIn,
    MessageOut,
    MessagePage,
    PriorityIn,
    StatusIn,
    TagsIn,
)
from relais.api.staff import find_active_agent, find_team
from relais.conversations import actions
from relais.conversations.models import Conversation, Message
from relais.conversations.queries import ConversationFilter, filter_conversations
from relais.routing.live import take_next

router = Router(tags=["conversations"])

CONVERSATION_RELATIONS = ("contact", "assignee", "team")


def _fresh(conversation_id: int) -> Conversation:
    """Re-read after an action, with what the representation needs."""
    return (
        Conversation.objects.select_related(*CONVERSATION_RELATIONS)
        .prefetch_related("tags")
        .get(pk=conversation_id)
    )


@router.get("/conversations", response={200: ConversationPage, **READ_ERRORS})
def list_conversations(request: HttpRequest, filters: Query[ConversationQuery]):
    flt = ConversationFilter(
        view=filters.view,
        status=filters.status,
        channel=filters.channel,
        tag=filters.tag,
        inbox_id=filters.inbox_id,
        q=filters.q.strip(),
    )
    conversations = (
        filter_conversations(current_agent(request), flt)
        .select_related(*CONVERSATION_RELATIONS)
        .prefetch_related("tags")
    )
    return paginate(conversations, cursor=filters.cursor, limit=filters.limit)


@router.post("/conversations/next", response={200: ConversationOut, 204: None, **WRITE_ERRORS})
def take_next_conversation(request: HttpRequest):
    """Pull routing: assign to the caller the most urgent waiting conversation
    they may take now (qualified, with room on its channel); 204 when none."""
    conversation = take_next(current_agent(request))
    if conversation is None:
        return Status(204, None)
    return _fresh(conversation.pk)


@router.get("/conversations/{int:conversation_id}", response={200: ConversationOut, **READ_ERRORS})
def get_conversation(request: HttpRequest, conversation_id: int):
    conversation = access_conversation(current_agent(request), conversation_id)
    return _fresh(conversation.pk)


@router.get(
    "/conversations/{int:conversation_id}/messages", response={200: MessagePage, **READ_ERRORS}
)
def list_messages(request: HttpRequest, conversation_id: int, page: Query[PageQuery]):
    """Oldest first, internal notes included (`kind` = "note")."""
    conversation = access_conversation(current_agent(request), conversation_id)
    messages = Message.objects.filter(conversation=conversation).select_related("author")
    return paginate(messages, cursor=page.cursor, limit=page.limit, ascending=True)


@router.post(
    "/conversations/{int:conversation_id}/messages", response={201: MessageOut, **WRITE_ERRORS}
)
def post_reply(request: HttpRequest, conversation_id: int, payload: MessageIn):
    """Answer the customer: the message is queued, then sent by a background task."""
    agent = current_agent(request)
    conversation = access_conversation(agent, conversation_id)
    return Status(201, actions.reply(conversation, agent, payload.body))


@router.post(
    "/conversations/{int:conversation_id}/notes", response={201: MessageOut, **WRITE_ERRORS}
)
def post_note(request: HttpRequest, conversation_id: int, payload: MessageIn):
    """An internal note, visible to agents only."""
    agent = current_agent(request)
    conversation = access_conversation(agent, conversation_id)
    return Status(201, actions.add_note(conversation, agent, payload.body))


@router.post(
    "/conversations/{int:conversation_id}/assign", response={200: ConversationOut, **WRITE_ERRORS}
)
def assign(request: HttpRequest, conversation_id: int, payload: AssignIn):
    agent = current_agent(request)
    conversation = access_conversation(agent, conversation_id)
    if "agent_id" in payload.model_fields_set:
        assignee = find_active_agent(payload.agent_id) if payload.agent_id else None
    else:
        assignee = conversation.assignee
    team = find_team(payload.team_id) if payload.team_id else None
    actions.assign_conversation(conversation, by=agent, agent=assignee, team=team)
    return _fresh(conversation.pk)


@router.post(
    "/conversations/{int:conversation_id}/status", response={200: ConversationOut, **WRITE_ERRORS}
)
def change_status(request: HttpRequest, conversation_id: int, payload: StatusIn):
    agent = current_agent(request)
    conversation = access_conversation(agent, conversation_id)
    actions.set_status(conversation, payload.status, by=agent, snoozed_until=payload.snoozed_until)
    return _fresh(conversation.pk)


@router.post(
    "/conversations/{int:conversation_id}/priority",
    response={200: ConversationOut, **WRITE_ERRORS},
)
def change_priority(request: HttpRequest, conversation_id: int, payload: PriorityIn):
    agent = current_agent(request)
    conversation = access_conversation(agent, conversation_id)
    actions.set_priority(conversation, payload.priority, by=agent)
    return _fresh(conversation.pk)


@router.put(
    "/conversations/{int:conversation_id}/tags", response={200: ConversationOut, **WRITE_ERRORS}
)
def replace_tags(request: HttpRequest, conversation_id: int, payload: TagsIn):
    agent = current_agent(request)
    conversation = access_conversation(agent, conversation_id)
    actions.set_tags(conversation, payload.tags, by=agent)
    return _fresh(conversation.pk)
