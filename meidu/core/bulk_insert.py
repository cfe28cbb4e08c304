"""Model instances inserted by one statement whose SQL is built once per model.

`QuerySet.bulk_create` compiles its INSERT anew at every call, and its SQL changes with the number
of rows (VALUES for one row, UNNEST for more), so prepared statements are rarely reused. On a hot
path (a checkout completion writes four such inserts) that costs about a third of a millisecond
each. `bulk_insert` always sends `INSERT ... SELECT * FROM UNNEST(column arrays) RETURNING` the
primary key and any database defaults: one SQL text per model whatever the number of rows.
Values are prepared as Django prepares them (`pre_save`, `get_db_prep_save`, related objects saved
before); anything this shortcut cannot express (a field with its own placeholder, a type PostgreSQL
arrays cannot hold, an explicit value for a database-default column, an expression) goes through
`bulk_create` instead, so the result is always the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, router
from django.db.models.expressions import DatabaseDefault


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: tuple  # the columns sent, in order
    returned: tuple  # the fields read back: the primary key first when it is generated


_statements: dict[tuple, _Statement | None] = {}


def _statement(model, connection) -> _Statement | None:
    key = (connection.alias, model)
    if key not in _statements:
        _statements[key] = _build(model, connection)
    return _statements[key]


def _build(model, connection) -> _Statement | None:
    opts = model._meta
    if opts.parents:
        return None  # multi-table inheritance: bulk_create refuses it too
    pk = opts.pk
    generated_pk = pk.db_returning
    fields, returned = [], [pk] if generated_pk else []
    for field in opts.concrete_fields:
        if field.generated or (field is pk and generated_pk):
            continue
        if field.has_db_default():
            returned.append(field)
            continue
        internal = (field.target_field if field.is_relation else field).get_internal_type()
        if hasattr(field, "get_placeholder") or internal not in connection.data_types:
            return None
        fields.append(field)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    arrays = ", ".join(f"(%s)::{field.db_type(connection).split('(')[0]}[]" for field in fields)
    returning = ", ".join(quote(field.column) for field in returned)
    sql = f"INSERT INTO {quote(opts.db_table)} ({columns}) SELECT * FROM UNNEST({arrays})"
    return _Statement(sql=sql + (f" RETURNING {returning}" if returning else ""), fields=tuple(fields), returned=tuple(returned))


def bulk_insert(objs: list) -> list:
    """Insert `objs` (instances of one model, not saved yet) and set what the database gave them
    (primary keys, database defaults such as an order's number), as bulk_create does."""
    if not objs:
        return objs
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    statement = _statement(model, connection)
    if statement is None or any(not isinstance(getattr(obj, field.attname), DatabaseDefault)
                                for obj in objs for field in statement.returned if field.has_db_default()):
        return model._default_manager.using(alias).bulk_create(objs)
    columns = [[] for _ in statement.fields]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_insert")
        for column, field in zip(columns, statement.fields):
            value = field.pre_save(obj, add=True)
            if hasattr(value, "resolve_expression"):
                return model._default_manager.using(alias).bulk_create(objs)
            column.append(field.get_db_prep_save(value, connection))
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, columns)
        rows = cursor.fetchall() if statement.returned else []
    for obj, row in zip(objs, rows):
        for field, value in zip(statement.returned, row):
            setattr(obj, field.attname, value)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
    return objs
