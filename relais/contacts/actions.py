"""Identity resolution: every channel's handles lead to one contact.

Every inbound message resolves its sender, so this speaks SQL through the
cursor rather than the ORM (see relais.conversations.inbound_store for why);
tables and columns come from the models' `_meta`, which remain the schema's
source of truth.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache

from django.utils import timezone

from relais.connectors.base import IdentityRef
from relais.contacts.models import Contact, Identity
from relais.core.sql import column, db_datetime, hot_cursor, loaded, table


def get_or_create_contact(
    identities: list[IdentityRef], *, name: str = "", email: str = ""
) -> tuple[Contact, bool]:
    """Return (the contact one of `identities` already belongs to, False), or
    (a new contact, True).

    Identities not yet known are attached to the contact found. Call inside a
    transaction: a known contact's row stays locked until it ends, so that
    concurrent messages of one customer are threaded one after the other; a
    concurrent insert of the same new identity raises IntegrityError, which the
    caller turns into a retry or a clean failure. Raises ValueError for an
    empty list.

    The contact returned carries its id, name and e-mail address; its other
    fields load on first access.
    """
    with hot_cursor() as cursor:
        known = find_known_identities(cursor, identities)
        return contact_for(cursor, identities, known, name=name, email=email, now=timezone.now())


def find_known_identities(cursor, identities: list[IdentityRef]) -> list[tuple]:
    """Rows (kind, value, verified, contact id, contact name, contact e-mail)
    of those of `identities` already stored, by contact id. Their contacts stay
    locked until the transaction ends (PostgreSQL; SQLite has one writer).
    Raises ValueError for an empty list."""
    params = identity_params(identities)
    cursor.execute(
        _known_identities_sql(len(identities), cursor.db.features.has_select_for_update), params
    )
    return cursor.fetchall()


def identity_params(identities: list[IdentityRef]) -> list[str]:
    """(kind, value) of each identity, flat, as the lookups take them."""
    if not identities:
        raise ValueError("an inbound message needs at least one identity")
    return [part for ref in identities for part in (ref.kind, ref.value)]


def contact_for(
    cursor,
    identities: list[IdentityRef],
    known: Sequence[tuple],
    *,
    name: str,
    email: str,
    now: datetime,
) -> tuple[Contact, bool]:
    """(contact, is new) for a sender: the contact of the known identities
    (rows as find_known_identities returns them; columns after the sixth are
    ignored), preferring a verified handle when two point at different
    contacts, else a new contact. Identities not known yet are attached to it;
    one stored meanwhile by a concurrent transaction raises IntegrityError."""
    if known:
        _, _, _, contact_id, known_name, known_email = min(known, key=_unverified)[:6]
        contact = loaded(
            cursor.db.alias, Contact, {"id": contact_id, "name": known_name, "email": known_email}
        )
        _fill_blanks(contact, name=name, email=email, now=now)
    else:
        contact = _create_contact(cursor, name=name[:200], email=email, now=now)
    known_pairs = {(row[0], row[1]) for row in known}
    missing = [ref for ref in identities if (ref.kind, ref.value) not in known_pairs]
    if missing:
        created_at = db_datetime(cursor.db, now)
        cursor.executemany(
            INSERT_IDENTITY,
            [[contact.pk, ref.kind, ref.value, ref.verified, created_at] for ref in missing],
        )
    return contact, not known


def _unverified(row: tuple) -> bool:
    return not row[2]


@cache
def _known_identities_sql(count: int, lock: bool) -> str:
    """The identities among `count` (kind, value) pairs, with their contact.
    Locks the contacts in one order (contact id) so that two customers'
    handles cannot deadlock."""
    sql = (
        f"SELECT {KNOWN_IDENTITY_COLUMNS} "  # noqa: S608 (names from _meta)
        f"FROM {table(Identity)} i JOIN {table(Contact)} c ON {KNOWN_IDENTITY_JOIN} "
        f"WHERE {identities_match_sql(count)} ORDER BY i.{column(Identity, 'contact')}"
    )
    return sql + " FOR UPDATE OF c" if lock else sql


def identities_match_sql(count: int) -> str:
    """The condition matching `count` (kind, value) pairs of identities `i`."""
    pair = f"(i.{column(Identity, 'kind')} = %s AND i.{column(Identity, 'value')} = %s)"
    return " OR ".join([pair] * count)


# The columns of a known identity row (identity `i`, contact `c`), in the
# order contact_for() reads them, and the join between both tables.
KNOWN_IDENTITY_COLUMNS = ", ".join(
    [f"i.{column(Identity, name)}" for name in ("kind", "value", "verified")]
    + [f"c.{column(Contact, name)}" for name in ("id", "name", "email")]
)
KNOWN_IDENTITY_JOIN = f"c.{column(Contact, 'id')} = i.{column(Identity, 'contact')}"
INSERT_CONTACT = (
    f"INSERT INTO {table(Contact)} ({column(Contact, 'name')}, {column(Contact, 'email')}, "  # noqa: S608 (names from _meta)
    f"{column(Contact, 'phone')}, {column(Contact, 'locale')}, {column(Contact, 'segment')}, "
    f"{column(Contact, 'created_at')}, {column(Contact, 'updated_at')}) "
    f"VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING {column(Contact, 'id')}"
)
INSERT_IDENTITY = (
    f"INSERT INTO {table(Identity)} ({column(Identity, 'contact')}, "  # noqa: S608 (names from _meta)
    f"{column(Identity, 'kind')}, {column(Identity, 'value')}, "
    f"{column(Identity, 'verified')}, {column(Identity, 'created_at')}) "
    "VALUES (%s, %s, %s, %s, %s)"
)


def _create_contact(cursor, *, name: str, email: str, now: datetime) -> Contact:
    db_now = db_datetime(cursor.db, now)
    cursor.execute(INSERT_CONTACT, [name, email, "", "", "", db_now, db_now])
    values = {"name": name, "email": email, "phone": "", "locale": "", "segment": ""}
    values |= {"id": cursor.fetchone()[0], "created_at": now, "updated_at": now}
    return loaded(cursor.db.alias, Contact, values)


def _fill_blanks(contact: Contact, *, name: str, email: str, now: datetime) -> None:
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
