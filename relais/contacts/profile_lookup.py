"""Naming a new contact from their provider profile, after their first message
is stored.

Messenger and Instagram messages carry no name: the Graph API knows it. Asked
during the webhook request, a slow or down Graph API would slow or break
intake, so the connector only names the sender to look up
(`InboundMessage.lookup_profile`, on the first message of a sender not known
yet: one look-up per identity) and this task asks after the commit, outside
any transaction. The name is written only if the contact still has none, on
the locked row: a name an agent typed meanwhile is never overwritten. A
provider error or timeout is logged, never raised, and not retried: the
contact stays unnamed until an agent names them.
"""

from __future__ import annotations

import logging

from django.db import transaction

from relais.connectors.base import IdentityRef, ProfileUnavailable
from relais.connectors.models import Inbox
from relais.contacts.models import Contact, Identity
from relais.core.events import record_event

log = logging.getLogger(__name__)

NAME_LENGTH = Contact._meta.get_field("name").max_length


def schedule_profile_lookup(inbox_id: int, identity: IdentityRef) -> None:
    from relais.contacts.tasks import look_up_profile_task

    look_up_profile_task.enqueue(inbox_id, identity.kind, identity.value)


def look_up_profile(inbox_id: int, kind: str, value: str) -> str:
    """Fill the contact's blank name from the provider; returns "named",
    "named_already", "unnamed" (the provider knows no name), "unavailable"
    (the provider failed) or "missing" (no such identity or inbox)."""
    identity = Identity.objects.filter(kind=kind, value=value).select_related("contact").first()
    inbox = Inbox.objects.filter(pk=inbox_id).first()
    if identity is None or inbox is None:
        return "missing"
    if identity.contact.name:
        return "named_already"
    facts = {"inbox_id": inbox_id, "contact_id": identity.contact_id, "identity": kind}
    try:
        name = inbox.connector.fetch_profile_name(inbox, IdentityRef(kind, value))
    except ProfileUnavailable as error:
        log.info("profile look-up failed", extra={**facts, "reason": str(error)})
        return "unavailable"
    except Exception:  # a connector bug must not turn into a retried, failing task
        log.exception("profile look-up crashed", extra=facts)
        return "unavailable"
    name = " ".join(name.split())[:NAME_LENGTH]
    if not name:
        return "unnamed"
    return _name_contact(identity.contact_id, name, inbox_id, kind)


def _name_contact(contact_id: int, name: str, inbox_id: int, kind: str) -> str:
    with transaction.atomic():
        contact = Contact.objects.select_for_update().filter(pk=contact_id).first()
        if contact is None:
            return "missing"
        if contact.name:
            return "named_already"  # an agent (or another message) named them meanwhile
        contact.name = name
        contact.save(update_fields=["name", "updated_at"])
        record_event(
            "contact.profile_fetched",
            contact=contact,
            inbox_id=inbox_id,
            identity=kind,
            fields=["name"],
        )
    return "named"
