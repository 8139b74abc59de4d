"""Contacts, visibility-filtered: agents see the contacts who wrote to an inbox
they can see; supervisors and admins see everyone."""

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router

from relais.accounts.access import NotVisible, visible_contacts
from relais.api.auth import current_agent
from relais.api.pagination import paginate
from relais.api.schemas.common import READ_ERRORS
from relais.api.schemas.contacts import ContactDetailOut, ContactPage, ContactQuery

router = Router(tags=["contacts"])


@router.get("/contacts", response={200: ContactPage, **READ_ERRORS})
def list_contacts(request: HttpRequest, filters: Query[ContactQuery]):
    contacts = visible_contacts(current_agent(request))
    if q := filters.q.strip():
        contacts = contacts.filter(
            Q(name__icontains=q) | Q(email__icontains=q) | Q(phone__icontains=q)
        )
    return paginate(contacts, cursor=filters.cursor, limit=filters.limit)


@router.get("/contacts/{int:contact_id}", response={200: ContactDetailOut, **READ_ERRORS})
def get_contact(request: HttpRequest, contact_id: int):
    contact = (
        visible_contacts(current_agent(request))
        .prefetch_related("identities")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        raise NotVisible(contact_id)
    return contact
