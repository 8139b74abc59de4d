"""The hot paths' cursor and row helpers: Django's errors and transaction
rules, statements visible to whoever watches, instances as the ORM loads them."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_init
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from relais.contacts.models import Contact, Identity
from relais.core.sql import column, hot_cursor, loaded, qmark, table

INSERT_IDENTITY = (
    f"INSERT INTO {table(Identity)} ({column(Identity, 'contact')}, {column(Identity, 'kind')}, "  # noqa: S608
    f"{column(Identity, 'value')}, {column(Identity, 'verified')}, "
    f"{column(Identity, 'created_at')}) VALUES (%s, %s, %s, %s, %s)"
)


DEFERRED = {"email", "phone", "locale", "segment", "created_at", "updated_at"}


@pytest.fixture
def contact(db):
    return Contact.objects.create(name="Léa")


def add_identity(cursor, contact, value):
    cursor.execute(INSERT_IDENTITY, [contact.pk, "visitor", value, False, "2026-01-01 00:00:00"])


def test_statements_run_in_the_callers_transaction(contact):
    with transaction.atomic():
        with hot_cursor() as cursor:
            add_identity(cursor, contact, "v1")
            cursor.execute(f"SELECT {column(Identity, 'value')} FROM {table(Identity)}", [])  # noqa: S608
            assert cursor.fetchall() == [("v1",)]
        transaction.set_rollback(True)
    assert not Identity.objects.exists()


def test_driver_errors_surface_as_djangos(contact):
    with hot_cursor() as cursor:
        add_identity(cursor, contact, "v1")
    with pytest.raises(IntegrityError), transaction.atomic(), hot_cursor() as cursor:
        add_identity(cursor, contact, "v1")  # (kind, value) is unique
    assert Identity.objects.count() == 1


def test_a_transaction_marked_for_rollback_refuses_statements(contact):
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError), hot_cursor() as cursor:
            add_identity(cursor, contact, "v1")
    assert not Identity.objects.exists()


def test_watched_statements_are_all_seen(contact):
    with CaptureQueriesContext(connection) as queries, hot_cursor() as cursor:
        add_identity(cursor, contact, "v1")
        cursor.executemany(
            INSERT_IDENTITY,
            [[contact.pk, "visitor", value, False, "2026-01-01 00:00:00"] for value in "ab"],
        )
    assert len(queries) == 2 and all("INSERT" in query["sql"] for query in queries)
    assert Identity.objects.count() == 3


def test_qmark_rewrites_placeholders_as_django_does():
    assert qmark("SELECT %s, '%%s', 'a%%' WHERE x = %s") == "SELECT ?, '%s', 'a%' WHERE x = ?"


def test_loaded_instance_defers_unknown_fields(contact):
    instance = loaded("default", Contact, {"id": contact.pk, "name": "Léa"})
    assert instance.pk == contact.pk and instance.name == "Léa"
    assert instance._state.adding is False and instance._state.db == "default"
    assert instance.get_deferred_fields() == DEFERRED
    assert instance.created_at == contact.created_at  # loads on access


def test_loaded_instance_sends_init_signals_when_someone_listens(contact):
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance.name)

    post_init.connect(listener, sender=Contact)
    try:
        instance = loaded("default", Contact, {"id": contact.pk, "name": "Léa"})
    finally:
        post_init.disconnect(listener, sender=Contact)
    assert seen == ["Léa"]
    assert instance.get_deferred_fields() == DEFERRED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_postgresql_hot_statements_are_prepared_once_they_repeat(contact):
    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared()
    with transaction.atomic():
        for number in range(5):  # prepared from the 3rd run (settings.py)
            with hot_cursor() as cursor:
                add_identity(cursor, contact, f"v{number}")
    assert prepared() > before
    assert Identity.objects.filter(contact=contact).count() == 5
