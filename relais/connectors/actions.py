"""Inbox actions: create and reconfigure channel endpoints (admins only).

Kind-specific settings are validated by the kind's connector; the Event log
records which settings changed, never their values (some are credentials).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from pydantic import ValidationError as PydanticValidationError

from relais.accounts.models import Agent, Role
from relais.connectors.base import Connector
from relais.connectors.models import Inbox
from relais.connectors.registry import UnknownChannelKind, get_connector
from relais.conversations.errors import InvalidInput, NotAllowed
from relais.core.events import record_event

NAME_MAX_LENGTH = 120


class InvalidInboxConfig(InvalidInput):
    """The connector refused the kind-specific settings; `fields` says which."""

    code = "invalid_config"

    def __init__(self, fields: list[dict[str, str]]) -> None:
        super().__init__("the channel settings are not valid")
        self.fields = fields


def check_can_manage_inboxes(agent: Agent) -> None:
    if not (agent.role == Role.ADMIN or agent.is_superuser):
        raise NotAllowed("only administrators manage inboxes")


def create_inbox(*, by: Agent, kind: str, name: str, settings: dict[str, Any]) -> Inbox:
    """Create an inbox of `kind` with its connector-validated `settings`.

    Raises NotAllowed unless `by` is an admin, InvalidInput for an unknown kind
    or a blank name, InvalidInboxConfig for settings the connector refuses."""
    check_can_manage_inboxes(by)
    try:
        connector = get_connector(kind)
    except UnknownChannelKind:
        raise InvalidInput(f"unknown channel kind: {kind}") from None
    name = _clean_name(name)
    config = _validated(connector, settings, inbox_id=None)
    with transaction.atomic():
        inbox = Inbox.objects.create(kind=kind, name=name, config=config)
        record_event(
            "inbox.created", actor=by, inbox_id=inbox.pk, channel=kind, settings=sorted(config)
        )
    return inbox


def update_inbox(
    inbox: Inbox,
    *,
    by: Agent,
    name: str | None = None,
    is_active: bool | None = None,
    settings: dict[str, Any] | None = None,
) -> Inbox:
    """Rename, (de)activate or reconfigure an inbox. `settings` are merged into
    the current ones and the result re-validated; None leaves a value alone.

    Same errors as create_inbox; nothing is written when one is raised."""
    check_can_manage_inboxes(by)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _clean_name(name)
    if is_active is not None:
        changes["is_active"] = is_active
    if settings:
        changes["config"] = _validated(
            inbox.connector, {**inbox.config, **settings}, inbox_id=inbox.pk
        )
    with transaction.atomic():
        inbox = Inbox.objects.select_for_update().get(pk=inbox.pk)
        changed = [field for field, value in changes.items() if getattr(inbox, field) != value]
        new_config = changes.get("config", inbox.config)
        changed_settings = sorted(
            key
            for key in set(inbox.config) | set(new_config)
            if inbox.config.get(key) != new_config.get(key)
        )
        for field, value in changes.items():
            setattr(inbox, field, value)
        if changed:
            inbox.save(update_fields=changed)
            record_event(
                "inbox.updated",
                actor=by,
                inbox_id=inbox.pk,
                changed=[field for field in changed if field != "config"],
                settings=changed_settings,
            )
    return inbox


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("the inbox needs a name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(f"the name is longer than {NAME_MAX_LENGTH} characters")
    return name


def _validated(
    connector: Connector, settings: dict[str, Any], *, inbox_id: int | None
) -> dict[str, Any]:
    try:
        config = connector.validate_config(settings)
    except PydanticValidationError as error:
        raise InvalidInboxConfig(
            [
                {"field": ".".join(str(part) for part in item["loc"]), "message": item["msg"]}
                for item in error.errors(include_url=False)
            ]
        ) from None
    conflicts = connector.conflicts(config, inbox_id)
    if conflicts:
        raise InvalidInboxConfig(conflicts)
    return config
