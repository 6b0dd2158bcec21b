"""Model instances from rows that fixed SQL statements read, converted as the ORM would.

A few statements run on every request of the busiest endpoints. Written once as SQL they
cost a fraction of what building the same query with the ORM does each time; this keeps
the instances they produce identical to the ORM's.
"""

from functools import cached_property

from django.db import connection


class ModelColumns:
    """The concrete columns of `model` (or of the given `fields`) in a fixed statement."""

    def __init__(self, model, fields=None):
        self.model = model
        self.fields = list(model._meta.concrete_fields if fields is None else fields)
        self.attnames = [field.attname for field in self.fields]

    def __len__(self) -> int:
        return len(self.fields)

    def select_list(self, table_alias: str) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{table_alias}.{quote(field.column)}" for field in self.fields)

    @cached_property
    def _converters(self) -> list[tuple]:
        # Per column, the backend's conversions (SQLite keeps datetimes as text), then the
        # field's own (a JSON field decodes its text).
        converters = []
        for field in self.fields:
            column = field.get_col(self.model._meta.db_table)
            backend = connection.ops.get_db_converters(column)
            converters.append((column, backend + column.get_db_converters(connection)))
        return converters

    def instance(self, values):
        """A model instance from this part of a row, as the ORM would have loaded it."""
        converted = []
        for value, (column, converters) in zip(values, self._converters, strict=True):
            for convert in converters:
                value = convert(value, column, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, self.attnames, converted)
