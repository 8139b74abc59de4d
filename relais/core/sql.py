"""Quoted table and column names taken from the models, for the few hot paths
that speak SQL through the cursor (the models stay the schema's source of truth)."""

from django.db import connection
from django.db.models import Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field_name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field_name).column)
