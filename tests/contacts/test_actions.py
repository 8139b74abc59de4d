"""Identity resolution: a sender's handles lead to one contact."""

import pytest
from django.db import IntegrityError, transaction

from relais.connectors.base import IdentityRef
from relais.contacts.actions import get_or_create_contact
from relais.contacts.models import Contact, Identity

VISITOR = IdentityRef("visitor", "v-1")
CUSTOMER = IdentityRef("external_id", "cust-42", verified=True)


def resolve(identities, **details):
    with transaction.atomic():
        return get_or_create_contact(identities, **details)


def test_unknown_handles_make_one_new_contact_with_all_of_them(db):
    contact, created = resolve([VISITOR, CUSTOMER], name="Léa", email="lea@example.com")
    assert created
    stored = Contact.objects.get()
    assert (stored.pk, stored.name, stored.email) == (contact.pk, "Léa", "lea@example.com")
    assert set(stored.identities.values_list("kind", "value", "verified")) == {
        ("visitor", "v-1", False),
        ("external_id", "cust-42", True),
    }


def test_a_known_handle_finds_its_contact_and_brings_the_new_ones(db):
    first, _ = resolve([VISITOR])
    contact, created = resolve([IdentityRef("visitor", "v-2"), VISITOR])
    assert not created and contact.pk == first.pk
    assert Identity.objects.filter(contact=first).count() == 2
    assert Contact.objects.count() == 1


def test_a_verified_handle_wins_over_an_unverified_one(db):
    anonymous, _ = resolve([VISITOR])
    customer, _ = resolve([CUSTOMER])
    contact, created = resolve([VISITOR, CUSTOMER])
    assert not created and contact.pk == customer.pk != anonymous.pk


def test_blank_details_are_completed_never_overwritten(db):
    resolve([VISITOR])
    contact, _ = resolve([VISITOR], name="Léa", email="lea@example.com")
    resolve([VISITOR], name="Someone else", email="other@example.com")
    stored = Contact.objects.get()
    assert (contact.name, stored.name, stored.email) == ("Léa", "Léa", "lea@example.com")


def test_no_handle_is_refused(db):
    with pytest.raises(ValueError):
        resolve([])
    assert not Contact.objects.exists()


def test_a_handle_stored_meanwhile_raises_integrity_error(db, monkeypatch):
    """As when a concurrent first message stored it first: the caller retries."""
    from relais.contacts import actions

    monkeypatch.setattr(actions, "find_known_identities", lambda cursor, identities: [])
    resolve([VISITOR])
    with pytest.raises(IntegrityError):
        resolve([VISITOR])
    assert Contact.objects.count() == 1
