"""Several SQL statements sent to PostgreSQL in one round trip.

Why: a bid's work under its auction's row lock is mostly waiting for the database, one round trip per
statement, and every other bid on the auction waits for that lock. A batch binds its parameters on the
client (a psycopg ClientCursor, whatever DB_PREPARED_STATEMENTS chose for Django's cursors: server-side
binding takes one statement per execute) and psycopg sends it with the simple protocol, which accepts
several statements separated by semicolons; PostgreSQL runs them in order, each with its own snapshot
(READ COMMITTED), so a statement after a lock sees what the lock waited for. A batch is one entry in
Django's query log (what the query-count tests see) and returns each statement's rows.

Values are adapted by the model fields (`get_db_prep_save`), as the ORM would.

Django internals relied on (not public API; re-read them on a Django upgrade, see meidu.core.sql):
* `connection.connection`: the psycopg connection under Django's wrapper, to open a ClientCursor on it
  (Django's own cursors may bind on the server when DB_PREPARED_STATEMENTS is on);
* `connection.wrap_database_errors`: so a failure raises Django's exceptions (IntegrityError, ...);
* `connection.queries_logged` and `connection.queries_log`: the log Django's debug cursor appends to
  and the query-count assertions read; a batch is one entry in it, as it is one round trip;
* `connection.ensure_connection()` (public) and psycopg's `ClientCursor.nextset()` (public psycopg 3).
Why: a bid's work under its auction's row lock is round trips; the ORM sends one per statement."""

from __future__ import annotations

import time

from django.db import connection
from psycopg import ClientCursor


class Batch:
    def __init__(self):
        self._sql: list[str] = []
        self._params: list = []

    def __bool__(self) -> bool:
        return bool(self._sql)

    def add(self, sql: str, params=()) -> None:
        self._sql.append(sql)
        self._params.extend(params)

    def insert(self, model, rows: list[dict]) -> None:
        """INSERT the rows (field name → value; every row the same fields)."""
        if not rows:
            return
        fields = [model._meta.get_field(name) for name in rows[0]]
        quote = connection.ops.quote_name
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        self.add(
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([one] * len(rows))}",
            [field.get_db_prep_save(row[field.name], connection) for row in rows for field in fields],
        )

    def update(self, instance, names) -> None:
        """UPDATE the instance's row with its current values of the fields `names`."""
        if not names:
            return
        meta = instance._meta
        fields = [meta.get_field(name) for name in names]
        quote = connection.ops.quote_name
        self.add(
            f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
            f"WHERE {quote(meta.pk.column)} = %s",
            [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields] + [instance.pk],
        )

    def execute(self) -> list[list[tuple] | None]:
        """Run the statements in one round trip; the rows of each (None for a statement without rows)."""
        if not self._sql:
            return []
        sql, params = ";\n".join(self._sql), self._params
        self._sql, self._params = [], []
        connection.ensure_connection()
        results = []
        started = time.monotonic()
        with ClientCursor(connection.connection) as cursor, connection.wrap_database_errors:
            cursor.execute(sql, params)
            while True:
                results.append(cursor.fetchall() if cursor.description is not None else None)
                if not cursor.nextset():
                    break
            if connection.queries_logged:  # as Django's debug cursor logs a query
                connection.queries_log.append(
                    {"sql": cursor.mogrify(sql, params), "time": f"{time.monotonic() - started:.3f}"}
                )
        return results
