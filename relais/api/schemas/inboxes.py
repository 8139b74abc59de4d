from datetime import datetime

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field


class InboxOut(BaseModel):
    """The inbox, its kind-specific settings (no secrets) and the URLs to give
    the provider (e.g. "webhook_url", "widget_script_url", "inbound_url")."""

    # A plain pydantic model: ninja's Schema reads attributes and would drop
    # the kind-specific extra fields.
    model_config = ConfigDict(extra="allow")

    id: int
    kind: str
    name: str
    is_active: bool
    public_key: str
    created_at: datetime


class InboxCreatedOut(InboxOut):
    secret: str = Field(
        description="The signing secret: shown only in this response, keep it safe."
    )


class InboxPage(Schema):
    items: list[InboxOut]
    next: str | None


class InboxCreateIn(BaseModel):
    """`kind`, `name` and the kind's own settings as further fields."""

    model_config = ConfigDict(extra="allow")

    kind: str = Field(max_length=32)
    name: str = Field(max_length=120)

    def settings(self) -> dict:
        return dict(self.model_extra or {})


class InboxUpdateIn(BaseModel):
    """Fields to change; kind-specific settings are merged into the current ones."""

    model_config = ConfigDict(extra="allow")

    name: str | None = Field(None, max_length=120)
    is_active: bool | None = None

    def settings(self) -> dict:
        return dict(self.model_extra or {})
