"""Inbox actions: create and reconfigure channel endpoints (admins only), and
receive the webhooks providers call them with.

Kind-specific settings are validated by the kind's connector; the Event log
records which settings changed, never their values (some are credentials).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from pydantic import ValidationError as PydanticValidationError

from relais.accounts.models import Agent, Role
from relais.connectors.base import Connector
from relais.connectors.consent import apply_consent
from relais.connectors.models import Inbox
from relais.connectors.registry import UnknownChannelKind, get_connector
from relais.connectors.webhook_inboxes import webhook_inbox
from relais.connectors.webhooks import (
    StatusUpdate,
    WebhookRequest,
    WebhookResponse,
    WebhookResult,
)
from relais.conversations.actions import receive_message
from relais.conversations.errors import InvalidInput, NotAllowed
from relais.conversations.models import Direction, Message
from relais.conversations.outbox import update_delivery_status
from relais.core.events import record_event

log = logging.getLogger(__name__)

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
    if not connector.has_inboxes:
        raise InvalidInput(f"{kind} conversations arrive on other inboxes, not their own")
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


class UnknownWebhook(LookupError):
    """No inbox of this kind has this public key."""


class InboxInactive(Exception):
    """The inbox is deactivated: the provider should try again later."""


@dataclass(frozen=True)
class WebhookOutcome:
    response: WebhookResponse
    stored: int = 0  # new messages
    duplicates: int = 0  # messages already stored (a replayed webhook)
    statuses: int = 0  # delivery statuses applied
    ignored: tuple[str, ...] = ()  # events acknowledged without effect


@dataclass(frozen=True)
class CheckedWebhook:
    """A POSTed webhook whose signature holds, parsed, nothing stored yet."""

    inbox: Inbox
    result: WebhookResult


def receive_webhook(kind: str, public_key: str, request: WebhookRequest) -> WebhookOutcome:
    """Hand a provider's webhook call to its inbox's connector, then store what
    it found (check_webhook, then store_webhook). Same errors as check_webhook."""
    checked = check_webhook(kind, public_key, request)
    if isinstance(checked, WebhookOutcome):
        return checked
    return store_webhook(checked)


def check_webhook(
    kind: str, public_key: str, request: WebhookRequest
) -> CheckedWebhook | WebhookOutcome:
    """The connector's reading of a webhook call, before anything is stored:
    the answer to a GET (the provider's verification handshake), else the
    checked and parsed events. Raises UnknownWebhook, webhooks.InvalidSignature
    (nothing is read further), webhooks.MalformedPayload and, once the
    signature is checked, InboxInactive. The inbox is read through
    webhook_inboxes (a change made by another process shows within seconds)."""
    inbox = webhook_inbox(kind, public_key)
    if inbox is None:
        raise UnknownWebhook(public_key)
    connector = inbox.connector
    if request.method == "GET":
        return WebhookOutcome(connector.handshake(inbox, request))
    result = connector.handle_webhook(inbox, request)
    if not inbox.is_active:
        raise InboxInactive(inbox.pk)
    return CheckedWebhook(inbox, result)


def store_webhook(
    checked: CheckedWebhook, *, in_caller_transaction: bool = False
) -> WebhookOutcome:
    """Store a checked webhook's events: each message through
    conversations.actions.receive_message (idempotent on the provider's message
    id: a replay stores nothing new), each delivery status through the outbox.

    With `in_caller_transaction`, the messages are written in the caller's
    transaction, all or nothing with it (group commit, webhook_batch.py): any
    error, a replayed message id included, propagates and the caller must
    roll back."""
    inbox, result = checked.inbox, checked.result
    stored = duplicates = 0
    ignored = list(result.ignored)
    for inbound in result.messages:
        try:
            received = receive_message(inbound, in_caller_transaction=in_caller_transaction)
        except InvalidInput as error:  # empty or oversized: retrying will not help
            ignored.append(f"message {inbound.provider_message_id}: {error}")
            continue
        stored += received.created
        duplicates += not received.created
    for change in result.consent:
        apply_consent(inbox.pk, change)
    applied = _apply_statuses(inbox, result.statuses, ignored)
    if ignored:
        log.info("webhook events ignored", extra={"inbox_id": inbox.pk, "ignored": ignored})
    return WebhookOutcome(result.response, stored, duplicates, applied, tuple(ignored))


def _apply_statuses(inbox: Inbox, statuses: list[StatusUpdate], ignored: list[str]) -> int:
    applied = 0
    for update in statuses:
        message = (
            Message.objects.select_related("inbox", "conversation")
            .filter(
                inbox=inbox,
                provider_message_id=update.provider_message_id,
                direction=Direction.OUTBOUND,
            )
            .first()
        )
        if message is None:
            ignored.append(
                f"status {update.status} of unknown message {update.provider_message_id}"
            )
            continue
        update_delivery_status(message, update.status, update.error)
        applied += 1
    return applied
