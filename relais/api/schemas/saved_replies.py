from datetime import datetime

from ninja import Schema
from pydantic import Field

from relais.replies.models import Scope


class SavedReplyOut(Schema):
    id: int
    title: str
    shortcut: str
    body: str
    body_short: str
    body_email: str
    scope: Scope
    team_id: int | None
    language: str
    owner_id: int
    created_at: datetime
    updated_at: datetime


class SavedReplyIn(Schema):
    title: str = Field(max_length=120)
    shortcut: str = Field(max_length=41, description="Typed as /shortcut in the reply box.")
    body: str
    body_short: str = Field("", description="Variant for chat, messaging and social channels.")
    body_email: str = Field("", description="Variant for e-mail.")
    scope: Scope = Scope.PERSONAL
    team_id: int | None = None
    language: str = Field("", max_length=8)


class SavedReplyPatch(Schema):
    title: str | None = Field(None, max_length=120)
    shortcut: str | None = Field(None, max_length=41)
    body: str | None = None
    body_short: str | None = None
    body_email: str | None = None
    scope: Scope | None = None
    team_id: int | None = None
    language: str | None = Field(None, max_length=8)


class SavedReplyQuery(Schema):
    language: str = Field("", max_length=8, description="Only replies in this language or none.")


class RenderedReplyOut(Schema):
    saved_reply_id: int
    conversation_id: int
    body: str
