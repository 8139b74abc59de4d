"""Identity resolution: every channel's handles lead to one contact.

Every inbound message resolves its sender, so this speaks SQL through the
cursor rather than the ORM (see relais.conversations.inbound_store for why);
tables and columns come from the models' `_meta`, which remain the schema's
source of truth.
"""

from functools import cache

from django.db import connection
from django.utils import timezone

from relais.connectors.base import IdentityRef
from relais.contacts.models import Contact, Identity
from relais.core.sql import column, table


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

    The contact returned carries its id, name and e-mail address; its other
    fields load on first access.
    """
    if not identities:
        raise ValueError("an inbound message needs at least one identity")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _known_identities_sql(len(identities), cursor.db.features.has_select_for_update),
            [part for ref in identities for part in (ref.kind, ref.value)],
        )
        # Rows: (kind, value, verified, contact id, name, email), by contact id.
        known = cursor.fetchall()
        if known:
            # Prefer a verified handle when two identities point at different contacts.
            _, _, _, contact_id, known_name, known_email = min(known, key=lambda row: not row[2])
            contact = Contact.from_db(
                cursor.db.alias, ["id", "name", "email"], [contact_id, known_name, known_email]
            )
            _fill_blanks(contact, name=name, email=email, now=now)
        else:
            contact = _create_contact(cursor, name=name[:200], email=email, now=now)
        known_pairs = {(row[0], row[1]) for row in known}
        missing = [ref for ref in identities if (ref.kind, ref.value) not in known_pairs]
        if missing:
            created_at = cursor.db.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                INSERT_IDENTITY,
                [[contact.pk, ref.kind, ref.value, ref.verified, created_at] for ref in missing],
            )
    return contact, not known


@cache
def _known_identities_sql(count: int, lock: bool) -> str:
    """The identities among `count` (kind, value) pairs, with their contact.
    Locks the contacts in one order (contact id) so that two customers'
    handles cannot deadlock."""
    i = lambda name: "i." + column(Identity, name)  # noqa: E731
    c = lambda name: "c." + column(Contact, name)  # noqa: E731
    pair = f"({i('kind')} = %s AND {i('value')} = %s)"
    sql = (
        f"SELECT {i('kind')}, {i('value')}, {i('verified')}, {c('id')}, {c('name')}, {c('email')} "  # noqa: S608 (names from _meta)
        f"FROM {table(Identity)} i JOIN {table(Contact)} c ON {c('id')} = {i('contact')} "
        f"WHERE {' OR '.join([pair] * count)} ORDER BY {i('contact')}"
    )
    return sql + " FOR UPDATE OF c" if lock else sql


INSERT_CONTACT = (
    f"INSERT INTO {table(Contact)} ({column(Contact, 'name')}, {column(Contact, 'email')}, "  # noqa: S608 (names from _meta)
    f"{column(Contact, 'phone')}, {column(Contact, 'locale')}, "
    f"{column(Contact, 'created_at')}, {column(Contact, 'updated_at')}) "
    f"VALUES (%s, %s, %s, %s, %s, %s) RETURNING {column(Contact, 'id')}"
)
INSERT_IDENTITY = (
    f"INSERT INTO {table(Identity)} ({column(Identity, 'contact')}, "  # noqa: S608 (names from _meta)
    f"{column(Identity, 'kind')}, {column(Identity, 'value')}, "
    f"{column(Identity, 'verified')}, {column(Identity, 'created_at')}) "
    "VALUES (%s, %s, %s, %s, %s)"
)


def _create_contact(cursor, *, name: str, email: str, now) -> Contact:
    db_now = cursor.db.ops.adapt_datetimefield_value(now)
    cursor.execute(INSERT_CONTACT, [name, email, "", "", db_now, db_now])
    contact = Contact(
        id=cursor.fetchone()[0],
        name=name,
        email=email,
        phone="",
        locale="",
        created_at=now,
        updated_at=now,
    )
    contact._state.adding = False
    contact._state.db = cursor.db.alias
    return contact


def _fill_blanks(contact: Contact, *, name: str, email: str, now) -> None:
    """Complete a known contact's missing name or e-mail address (rare: the
    ORM will do)."""
    changed = {}
    if name and not contact.name:
        changed["name"] = name[:200]
    if email and not contact.email:
        changed["email"] = email
    if changed:
        Contact.objects.filter(pk=contact.pk).update(**changed, updated_at=now)
        for field_name, value in {**changed, "updated_at": now}.items():
            setattr(contact, field_name, value)
