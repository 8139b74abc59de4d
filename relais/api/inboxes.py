"""Inboxes: everyone lists the inboxes they can see; admins create and
reconfigure them. The signing secret is shown once, when the inbox is created."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from relais.accounts.access import NotVisible, visible_inboxes
from relais.api.auth import current_agent
from relais.api.pagination import paginate
from relais.api.schemas.common import READ_ERRORS, WRITE_ERRORS, PageQuery
from relais.api.schemas.inboxes import (
    InboxCreatedOut,
    InboxCreateIn,
    InboxOut,
    InboxPage,
    InboxUpdateIn,
)
from relais.connectors import actions
from relais.connectors.models import Inbox
from relais.connectors.registry import UnknownChannelKind
from relais.connectors.webhooks import public_url

router = Router(tags=["inboxes"])


def represent(request: HttpRequest, inbox: Inbox) -> dict[str, Any]:
    """Settings first so that a setting can never shadow the inbox's own fields."""
    try:
        connector = inbox.connector
    except UnknownChannelKind:  # a kind whose connector was removed: show the basics
        settings, paths = {}, {}
    else:
        settings, paths = connector.public_config(inbox), connector.public_urls(inbox)
    return {
        **settings,
        **{name: public_url(request, path) for name, path in paths.items()},
        "id": inbox.pk,
        "kind": inbox.kind,
        "name": inbox.name,
        "is_active": inbox.is_active,
        "public_key": inbox.public_key,
        "created_at": inbox.created_at,
    }


def _visible_inbox(request: HttpRequest, inbox_id: int) -> Inbox:
    inbox = visible_inboxes(current_agent(request)).filter(pk=inbox_id).first()
    if inbox is None:
        raise NotVisible(inbox_id)
    return inbox


@router.get("/inboxes", response={200: InboxPage, **READ_ERRORS})
def list_inboxes(request: HttpRequest, page: Query[PageQuery]):
    result = paginate(visible_inboxes(current_agent(request)), cursor=page.cursor, limit=page.limit)
    return {**result, "items": [represent(request, inbox) for inbox in result["items"]]}


@router.get("/inboxes/{int:inbox_id}", response={200: InboxOut, **READ_ERRORS})
def get_inbox(request: HttpRequest, inbox_id: int):
    return represent(request, _visible_inbox(request, inbox_id))


@router.post("/inboxes", response={201: InboxCreatedOut, **WRITE_ERRORS})
def create_inbox(request: HttpRequest, payload: InboxCreateIn):
    """Admins only. Send the kind's settings as further fields (see docs/api.md)."""
    inbox = actions.create_inbox(
        by=current_agent(request), kind=payload.kind, name=payload.name, settings=payload.settings()
    )
    return Status(201, {**represent(request, inbox), "secret": inbox.secret})


@router.patch("/inboxes/{int:inbox_id}", response={200: InboxOut, **WRITE_ERRORS})
def update_inbox(request: HttpRequest, inbox_id: int, payload: InboxUpdateIn):
    """Admins only. Settings are merged into the current ones and re-validated."""
    inbox = actions.update_inbox(
        _visible_inbox(request, inbox_id),
        by=current_agent(request),
        name=payload.name,
        is_active=payload.is_active,
        settings=payload.settings(),
    )
    return represent(request, inbox)
