"""SQL expressions that read one key of a JSONField the way Python reads the
decoded dict, on SQLite and PostgreSQL alike.

Django's key lookups compare JSON values; counting in SQL what Python code
counts with `isinstance(...)` and `bool(...)` needs the key's JSON type too,
which each database names its own way (`json_type` on SQLite, `jsonb_typeof`
on PostgreSQL). The key is always a parameter, never spliced into the SQL.
"""

from __future__ import annotations

from django.db.models import BigIntegerField, BooleanField, CharField, F, Func


class _JSONKey(Func):
    """Base: one key of a JSONField column; subclasses give each vendor's SQL,
    where `{d}` is the column and `%s` placeholders take the key (or path)."""

    sqlite = ""
    postgresql = ""

    def __init__(self, field: str, key: str) -> None:
        super().__init__(F(field))
        self.key = key

    def as_sqlite(self, compiler, connection, **extra):
        return self._render(self.sqlite, compiler, f"$.{self.key}")

    def as_postgresql(self, compiler, connection, **extra):
        return self._render(self.postgresql, compiler, self.key)

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"{type(self).__name__} supports SQLite and PostgreSQL")

    def _render(self, template: str, compiler, key: str) -> tuple[str, list]:
        column, params = compiler.compile(self.source_expressions[0])
        if params:  # a plain column compiles without any
            raise NotImplementedError("a JSON key of a computed expression")
        sql = template.replace("{d}", column)
        return sql, [key] * sql.count("%s")


class JSONString(_JSONKey):
    """The key's text when it holds a JSON string, else NULL (missing, a
    number, null…): Python's `isinstance(data.get(key), str)`."""

    output_field = CharField()
    sqlite = "(CASE WHEN json_type({d}, %s) = 'text' THEN json_extract({d}, %s) END)"
    postgresql = "(CASE WHEN jsonb_typeof({d} -> %s) = 'string' THEN {d} ->> %s END)"


class JSONInteger(_JSONKey):
    """The key's value when it holds a JSON integer, else NULL (booleans and
    decimals included): Python's `isinstance(value, int)` on decoded JSON."""

    output_field = BigIntegerField()
    sqlite = "(CASE WHEN json_type({d}, %s) = 'integer' THEN json_extract({d}, %s) END)"
    postgresql = (
        "(CASE WHEN jsonb_typeof({d} -> %s) = 'number' AND ({d} ->> %s) ~ '^-?[0-9]+$' "
        "THEN ({d} ->> %s)::bigint END)"
    )


class JSONTruthy(_JSONKey):
    """Python's `bool(data.get(key))`: false for a missing key, null, false,
    0, "", [] and {}; true otherwise."""

    output_field = BooleanField()
    sqlite = (
        "(CASE json_type({d}, %s) WHEN 'true' THEN 1"
        " WHEN 'integer' THEN json_extract({d}, %s) != 0"
        " WHEN 'real' THEN json_extract({d}, %s) != 0"
        " WHEN 'text' THEN json_extract({d}, %s) != ''"
        " WHEN 'array' THEN json_array_length({d}, %s) > 0"
        " WHEN 'object' THEN json_extract({d}, %s) != '{}'"
        " ELSE 0 END)"
    )
    postgresql = (
        "(CASE jsonb_typeof({d} -> %s) WHEN 'boolean' THEN ({d} -> %s)::boolean"
        " WHEN 'number' THEN ({d} ->> %s)::numeric != 0"
        " WHEN 'string' THEN ({d} ->> %s) != ''"
        " WHEN 'array' THEN jsonb_array_length({d} -> %s) > 0"
        " WHEN 'object' THEN ({d} -> %s) != '{}'::jsonb"
        " ELSE false END)"
    )
