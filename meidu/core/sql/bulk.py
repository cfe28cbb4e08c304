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

`InsertPart` is the same insert as a common table expression with named parameters, for a
statement that writes several tables at once (a checkout's order lines and events; its allocations,
movements and stock counts): each part returns its new primary keys in insertion order.
`StatementPart` adds other data-modifying steps (the owner's DELETEs) to such a statement.

Django internals relied on (not public API; re-read them on a Django upgrade, see meidu.core.sql):
* `Model._prepare_related_fields_for_save(operation_name=...)`: the check `save()`/`bulk_create` make
  that related objects are saved, and the copy of their keys into the `*_id` attributes;
* `Field.pre_save(obj, add=True)` (auto_now, defaults computed at save) and
  `Field.get_db_prep_save(value, connection)`: the values `bulk_create` would send;
* `Field.db_returning`, `Field.has_db_default()`, `Field.generated`, `Options.parents`,
  `Options.concrete_fields`, `DatabaseDefault` (django.db.models.expressions): which columns are sent
  and which are read back, as `bulk_create` decides;
* `connection.data_types` and `Field.db_type(connection)`: the PostgreSQL type of each column array;
  a field with its own `get_placeholder` (e.g. a geometry) is left to `bulk_create`;
* `obj._state.adding` / `obj._state.db`: what `bulk_create` sets on saved instances.
Why: `bulk_create` compiles anew at every call and its SQL text varies with the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, router
from django.db.models.expressions import DatabaseDefault


@dataclass(frozen=True)
class _Statement:
    template: str  # the INSERT with one {} per column array
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
    arrays = ", ".join(f"({{}})::{field.db_type(connection).split('(')[0]}[]" for field in fields)
    returning = ", ".join(quote(field.column) for field in returned)
    template = f"INSERT INTO {quote(opts.db_table)} ({columns}) SELECT * FROM UNNEST({arrays})"
    return _Statement(
        template=template + (f" RETURNING {returning}" if returning else ""),
        fields=tuple(fields),
        returned=tuple(returned),
    )


def _columns(objs: list, statement: _Statement, connection) -> list[list] | None:
    """The column arrays of `objs` prepared as Django prepares values, or None when a value is an
    expression (bulk_create must compile it)."""
    columns: list[list] = [[] for _ in statement.fields]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_insert")
        for column, field in zip(columns, statement.fields, strict=True):
            value = field.pre_save(obj, add=True)
            if hasattr(value, "resolve_expression"):
                return None
            column.append(field.get_db_prep_save(value, connection))
    return columns


def _saved(objs: list, statement: _Statement, rows, alias: str) -> None:
    for obj, row in zip(objs, rows, strict=False):  # no rows when nothing is read back
        for field, value in zip(statement.returned, row, strict=True):
            setattr(obj, field.attname, value)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def bulk_insert(objs: list) -> list:
    """Insert `objs` (instances of one model, not saved yet) and set what the database gave them
    (primary keys, database defaults such as an order's number), as bulk_create does."""
    if not objs:
        return objs
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    statement = _statement(model, connection)
    columns = None
    if statement is not None and all(
        isinstance(getattr(obj, field.attname), DatabaseDefault)
        for obj in objs
        for field in statement.returned
        if field.has_db_default()
    ):
        columns = _columns(objs, statement, connection)
    if columns is None:
        return model._default_manager.using(alias).bulk_create(objs)
    assert statement is not None  # columns come from it
    with connection.cursor() as cursor:
        cursor.execute(statement.template.format(*["%s"] * len(columns)), columns)
        rows = cursor.fetchall() if statement.returned else []
    _saved(objs, statement, rows, alias)
    return objs


class InsertPart:
    """The insert of `objs` (one model, with a generated primary key and no other database default)
    as `name AS (INSERT ... RETURNING pk)` for a larger statement, with its named parameters;
    `select` reads its keys back as one array and `saved(keys)` sets them on the objects."""

    def __init__(self, name: str, objs: list):
        if not objs:
            raise ValueError("an InsertPart needs rows")
        model = type(objs[0])
        self.name, self.objs, self.alias = name, objs, router.db_for_write(model)
        connection = connections[self.alias]
        statement = _statement(model, connection)
        pk = model._meta.pk
        if statement is None or statement.returned != (pk,):
            raise TypeError(f"{model.__name__} rows cannot be inserted as a part of a statement")
        self.statement: _Statement = statement
        columns = _columns(objs, self.statement, connection)
        if columns is None:
            raise TypeError(f"{model.__name__} rows with expressions cannot be inserted as a part of a statement")
        self.params = {f"{name}_{n}": column for n, column in enumerate(columns)}
        self.cte = f"{name} AS ({self.statement.template.format(*(f'%({key})s' for key in self.params))})"
        column = connection.ops.quote_name(pk.column)
        self.select = f"(SELECT array_agg({column} ORDER BY {column}) FROM {name})"

    def saved(self, keys: list) -> None:
        """Keys come from a sequence in insertion order, so sorted keys match the objects' order."""
        _saved(self.objs, self.statement, [(key,) for key in keys], self.alias)


class StatementPart:
    """Other data-modifying steps (DELETEs, UPDATEs) to run in the same statement as some inserts:
    `ctes` are (name, SQL with named parameters) pairs; nothing is read back. PostgreSQL runs every
    step on the same snapshot and checks deferred foreign keys at commit."""

    select = None

    def __init__(self, alias: str, ctes: list[tuple[str, str]], params: dict):
        self.alias, self.params = alias, params
        self.cte = ", ".join(f"{name} AS ({sql})" for name, sql in ctes)


def insert_together(*parts: InsertPart | StatementPart) -> None:
    """Several independent inserts (none refers to another's new rows), and any other steps, in one
    statement."""
    inserts = [part for part in parts if part.select is not None]
    if not inserts:
        raise ValueError("insert_together needs at least one InsertPart")
    connection = connections[parts[0].alias]
    sql = f"WITH {', '.join(part.cte for part in parts)} SELECT {', '.join(part.select for part in inserts)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, {key: value for part in parts for key, value in part.params.items()})
        keys = cursor.fetchone()
    for part, part_keys in zip(inserts, keys, strict=True):
        part.saved(part_keys)
