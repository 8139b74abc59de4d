"""Identity resolution: every channel's handles lead to one contact."""

from functools import reduce
from operator import or_

from django.db.models import Q

from relais.connectors.base import IdentityRef
from relais.contacts.models import Contact, Identity


def resolve_contact(identities: list[IdentityRef], *, name: str = "", email: str = "") -> Contact:
    """Return the contact one of `identities` already belongs to, or a new one
    (see get_or_create_contact)."""
    return get_or_create_contact(identities, name=name, email=email)[0]


def get_or_create_contact(
    identities: list[IdentityRef], *, name: str = "", email: str = ""
) -> tuple[Contact, bool]:
    """Return (the contact one of `identities` already belongs to, False), or
    (a new contact, True).

    Identities not yet known are attached to the contact found. Call inside a
    transaction: a known contact's row stays locked until it ends, so that
    concurrent messages of one customer are threaded one after the other; a
    concurrent insert of the same new identity raises IntegrityError, which the
    caller turns into a retry or a clean failure.
    """
    if not identities:
        raise ValueError("an inbound message needs at least one identity")
    lookup = reduce(or_, (Q(kind=ref.kind, value=ref.value) for ref in identities))
    known = list(
        Identity.objects.filter(lookup)
        .select_related("contact")
        # Lock in one order (contact id) so two customers' handles cannot deadlock.
        .select_for_update(of=("contact",))
        .order_by("contact_id")
    )
    if known:
        # Prefer a verified handle when two identities point at different contacts.
        known.sort(key=lambda identity: not identity.verified)
        contact = known[0].contact
        _fill_blanks(contact, name=name, email=email)
    else:
        contact = Contact.objects.create(name=name[:200], email=email)
    known_pairs = {(identity.kind, identity.value) for identity in known}
    missing = [ref for ref in identities if (ref.kind, ref.value) not in known_pairs]
    if missing:
        Identity.objects.bulk_create(
            [
                Identity(contact=contact, kind=ref.kind, value=ref.value, verified=ref.verified)
                for ref in missing
            ]
        )
    return contact, not known


def _fill_blanks(contact: Contact, *, name: str, email: str) -> None:
    changed = []
    if name and not contact.name:
        contact.name = name[:200]
        changed.append("name")
    if email and not contact.email:
        contact.email = email
        changed.append("email")
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
