"""A row locked FOR UPDATE, with the statements that must follow the lock, in one round trip, and
the row returned as the model instance the ORM would build.

Why: on the exchange's bid path every other bid on the auction waits for the auction's row lock, and
the work under it is mostly round trips. `lock_row_with` sends the lock and the statements that need
it (the bidder's account lock and a read of its funds, taken on a snapshot after the lock was
granted) as one `Batch`, then turns the locked row into an instance itself: the rows of a batch do
not come through a queryset. The row is read with its concrete columns only (no select_related).

Django internals relied on (not public API; re-read them on a Django upgrade, see meidu.core.sql):
* `Field.get_col(alias)` and `Col.get_db_converters(connection)` with
  `connection.ops.get_db_converters(expression)`: the converters the compiler applies to a column
  (`SQLCompiler.get_converters`), in the same order (backend's first, then the field's
  `from_db_value`);
* `Model.from_db(alias, field names, values)`: how Django builds an instance from a row (sets
  `_state.adding = False` and `_state.db`);
* `Options.concrete_fields` and `Field.attname`/`column`: the columns of the row, in order;
* through `Batch` (meidu.core.sql.batch), the connection internals it lists.
"""

from __future__ import annotations

from django.db import connection

from meidu.core.sql.batch import Batch


def instance_from_row(model, fields, values, using=None):
    """The instance of `model` for a row of the columns of `fields` (model fields, in the row's order;
    fields left out are deferred), each value converted as the ORM converts it when it reads the column."""
    converted = {}
    for field, value in zip(fields, values, strict=True):
        col = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            value = convert(value, col, connection)
        converted[field.attname] = value
    # from_db takes the values in the model's field order (the others are deferred)
    names = [field.attname for field in model._meta.concrete_fields if field.attname in converted]
    return model.from_db(using or connection.alias, names, [converted[name] for name in names])


def lock_row_with(model, pk, statements=()) -> tuple:
    """Lock `model`'s row `pk` (SELECT its concrete columns ... FOR UPDATE) and run `statements`
    ((sql, positional params) pairs) after it, all in one round trip on the default connection, inside
    the caller's transaction: (the instance, or None when there is no such row; the rows of each of
    `statements`, in order). Each statement runs on its own snapshot, taken after the lock is granted."""
    meta = model._meta
    fields = meta.concrete_fields
    quote = connection.ops.quote_name
    batch = Batch()
    batch.add(
        f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(meta.db_table)} "
        f"WHERE {quote(meta.pk.column)} = %s FOR UPDATE",
        [pk],
    )
    for sql, params in statements:
        batch.add(sql, params)
    first, *rest = batch.execute()
    if not first:
        return None, rest
    return instance_from_row(model, fields, first[0]), rest
