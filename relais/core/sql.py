"""SQL helpers for the few hot paths that speak SQL rather than the ORM.

The models stay the schema's source of truth: table and column names come
from their `_meta`, values are converted by their fields as the ORM would store
them, and rows read or written come back as real model instances. A cursor
skips Django's wrappers on SQLite, where they cost more than the statements.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import DEFERRED, DateTimeField, JSONField, Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field_name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field_name).column)


def stored_fields(model: type[Model]) -> list:
    """The concrete fields an INSERT writes (all but the primary key), in order."""
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def insert_sql(model: type[Model], *, returning_id: bool, rows: int = 1) -> str:
    """INSERT of `rows` rows of every stored field, in stored_fields() order;
    the parameters are the rows' db_values(), one after the other."""
    columns = [connection.ops.quote_name(field.column) for field in stored_fields(model)]
    row = f"({', '.join(['%s'] * len(columns))})"
    sql = (
        f"INSERT INTO {table(model)} ({', '.join(columns)}) "  # noqa: S608 (names from _meta)
        f"VALUES {', '.join([row] * rows)}"
    )
    return f"{sql} RETURNING {column(model, 'id')}" if returning_id else sql


def db_values(db, model: type[Model], values: dict[str, Any]) -> list:
    """The parameters of insert_sql(model), from values by attname. Datetimes
    and JSON are converted by their field, as the ORM would store them; the
    other values must be plain strings, numbers, booleans or None, stored as
    they are. A field missing from `values` is a KeyError, on purpose: a new
    column needs a value."""
    params = []
    for field, conversion in _insert_conversions(model):
        value = values[field.attname]
        if conversion is DateTimeField and value is not None:
            value = db_datetime(db, value)
        elif conversion is JSONField:
            value = field.get_db_prep_save(value, db)
        params.append(value)
    return params


@cache
def _insert_conversions(model: type[Model]) -> list[tuple[Any, type | None]]:
    return [(field, _conversion(field)) for field in stored_fields(model)]


def _conversion(field) -> type | None:
    for kind in (DateTimeField, JSONField):
        if isinstance(field, kind):
            return kind
    return None


_last_datetime: tuple[datetime | None, Any] = (None, None)


def db_datetime(db, value: datetime) -> Any:
    """An aware datetime as DateTimeField stores it on `db`. A message writes
    the same instant into several rows: it is converted once."""
    global _last_datetime
    last_value, last_converted = _last_datetime
    if value is last_value:
        return last_converted
    converted = db.ops.adapt_datetimefield_value(value)
    _last_datetime = (value, converted)
    return converted


def loaded(alias: str, model: type[Model], values: dict[str, Any]) -> Model:
    """An instance as if read from database `alias` with `values` (by
    attname, Python values); the other fields are deferred (loaded on first
    access). Without init signal receivers, as here, the values are set
    directly: building it through the constructor costs ten times more."""
    if pre_init.receivers or post_init.receivers:
        instance = model(*[values.get(name, DEFERRED) for name in _attnames(model)])
    else:
        instance = model.__new__(model)
        instance._state = ModelState()
        instance.__dict__.update(values)
    instance._state.adding = False
    instance._state.db = alias
    return instance


@cache
def _attnames(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


class hot_cursor:  # noqa: N801 (used like connection.cursor())
    """`with hot_cursor() as cursor:` a cursor for statements written with
    Django's `%s` placeholders, run with lists of plain parameters.

    On SQLite it is the driver's own cursor behind a thin shim: Django's
    wrapper layers and its per-call `%s` → `?` rewrite cost more than a
    prepared statement itself (sqlite3 keeps the compiled statements, by SQL
    text, per connection). Errors still surface as Django's exceptions
    (IntegrityError…), the transaction rules are Django's (a broken atomic
    block refuses new statements). On PostgreSQL it is psycopg's
    server-side-binding cursor (_PreparedCursor). Whenever someone watches the
    statements (DEBUG, assertNumQueries, CaptureQueriesContext, execute
    wrappers), and on other databases, it is Django's own cursor, so nothing
    goes unseen."""

    __slots__ = ("_db", "_cursor")

    def __enter__(self):
        db = connections[DEFAULT_DB_ALIAS]
        if db.vendor not in _DRIVER_CURSORS or db.queries_logged or db.execute_wrappers:
            self._db = None
            self._cursor = db.cursor()
            return self._cursor.__enter__()
        if db.connection is None:
            db.ensure_connection()
        db.validate_no_broken_transaction()
        self._db = db
        self._cursor = _DRIVER_CURSORS[db.vendor](db)
        return self._cursor

    def __exit__(self, exc_type, exc_value, traceback) -> bool | None:
        if self._db is None:
            return self._cursor.__exit__(exc_type, exc_value, traceback)
        self._cursor.close()
        # Driver errors become Django's, as CursorWrapper would raise them.
        return self._db.wrap_database_errors.__exit__(exc_type, exc_value, traceback)


class _DriverCursor:
    """sqlite3's cursor with the part of Django's cursor interface the hot paths use."""

    __slots__ = ("db", "_cursor")

    def __init__(self, db, cursor) -> None:
        self.db = db
        self._cursor = cursor

    def execute(self, sql: str, params: list | tuple) -> None:
        self._cursor.execute(qmark(sql), params)

    def executemany(self, sql: str, param_list: list) -> None:
        self._cursor.executemany(qmark(sql), param_list)

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        return self._cursor.fetchall()

    def close(self) -> None:
        self._cursor.close()


class _PreparedCursor(_DriverCursor):
    """PostgreSQL: psycopg's server-side-binding cursor. Django's default
    (client-side binding) quotes every parameter into the SQL text in Python
    and has the server parse and plan each statement anew; this one sends the
    parameters apart, and psycopg prepares a statement once it has run
    `prepare_threshold` times on the connection (settings.py), so the hot
    statements are parsed and planned once per connection."""

    def execute(self, sql: str, params: list | tuple) -> None:
        self._cursor.execute(sql, params)

    def executemany(self, sql: str, param_list: list) -> None:
        self._cursor.executemany(sql, param_list)


def _sqlite_cursor(db) -> _DriverCursor:
    return _DriverCursor(db, db.connection.cursor())


def _postgresql_cursor(db) -> _DriverCursor:
    import psycopg

    return _PreparedCursor(db, psycopg.Cursor(db.connection))


_DRIVER_CURSORS = {"sqlite": _sqlite_cursor, "postgresql": _postgresql_cursor}

_FORMAT_PLACEHOLDER = re.compile(r"(?<!%)%s")


@lru_cache(maxsize=256)
def qmark(sql: str) -> str:
    """A statement with `%s` placeholders in sqlite3's `?` style, as Django's
    SQLite backend rewrites it (`%%` is a literal `%`); computed once per text."""
    return _FORMAT_PLACEHOLDER.sub("?", sql).replace("%%", "%")
