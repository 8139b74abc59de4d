"""Opt-outs (STOP / START) per inbox and customer handle. Written by
actions.receive_webhook from what a connector reported; read by `send()`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from relais.connectors.base import IdentityRef
from relais.connectors.models import ChannelConsent
from relais.core.events import record_event


@dataclass(frozen=True)
class ConsentChange:
    identity: IdentityRef
    opted_out: bool


def apply_consent(inbox_id: int, change: ConsentChange) -> None:
    """Record the customer's choice and an Event (contact.opted_out / opted_in)."""
    from relais.contacts.models import Identity

    with transaction.atomic():
        ChannelConsent.objects.update_or_create(
            inbox_id=inbox_id,
            identity_kind=change.identity.kind,
            identity_value=change.identity.value,
            defaults={"opted_out": change.opted_out},
        )
        identity = (
            Identity.objects.select_related("contact")
            .filter(kind=change.identity.kind, value=change.identity.value)
            .first()
        )
        record_event(
            "contact.opted_out" if change.opted_out else "contact.opted_in",
            contact=identity.contact if identity else None,
            inbox_id=inbox_id,
            identity_kind=change.identity.kind,
        )


def is_opted_out(inbox_id: int, identity: IdentityRef) -> bool:
    return ChannelConsent.objects.filter(
        inbox_id=inbox_id,
        identity_kind=identity.kind,
        identity_value=identity.value,
        opted_out=True,
    ).exists()
