"""Shared by the owner tests: every write counted, and the refusal a response carries."""

from __future__ import annotations

from django.db import connection


def writes() -> int:
    """Rows inserted, updated or deleted so far in this test's transaction, in every table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return cursor.fetchone()[0]


def refusal_code(body: dict, name: str) -> str | None:
    """The code refusing the call: a payload error's, or the top-level GraphQL error's."""
    payload = (body.get("data") or {}).get(name)
    if body.get("errors"):
        assert payload is None, body
        return body["errors"][0]["extensions"]["exception"]["code"]
    errors = (payload or {}).get("errors") or []
    return errors[0]["code"] if errors else None
