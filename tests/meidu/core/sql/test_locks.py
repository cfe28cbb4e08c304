"""lock_row_with: the row locked FOR UPDATE and the statements after it in one round trip, the row
returned as the instance the ORM builds (converted values, saved state)."""

from __future__ import annotations

from datetime import datetime, timezone

import psycopg
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from meidu.core.audit.models import AuditEvent
from meidu.core.sql.locks import instance_from_row, lock_row_with

WHEN = datetime(2026, 11, 29, 8, 30, 15, 123456, tzinfo=timezone.utc)


def _columns(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


def _event(**extra) -> AuditEvent:
    event = AuditEvent.objects.create(
        action="locks.row",
        target_type="x",
        target_id="7",
        data={"名": "秀英", "n": [1, 2.5]},
        ip_address="2001:db8::1",
        **extra,
    )
    AuditEvent.objects.filter(pk=event.pk).update(created_at=WHEN)
    return event


@pytest.mark.django_db
def test_the_instance_is_the_one_the_orm_reads_and_the_statements_follow_in_the_same_round_trip():
    event = _event()
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        row, results = lock_row_with(
            AuditEvent,
            event.pk,
            [
                (f"SELECT count(*) FROM {table} WHERE id = %s", [event.pk]),
                ("SELECT %s::text", ["后"]),
            ],
        )
    assert len(captured.captured_queries) == 1 and "FOR UPDATE" in captured.captured_queries[0]["sql"]
    assert results == [[(1,)], [("后",)]]
    assert type(row) is AuditEvent and not row._state.adding and row._state.db == "default"
    assert _columns(row) == _columns(AuditEvent.objects.get(pk=event.pk))
    assert row.data == {"名": "秀英", "n": [1, 2.5]} and row.created_at == WHEN  # JSON and time converted


@pytest.mark.django_db
def test_no_such_row_is_none_and_the_statements_still_run():
    with transaction.atomic():
        row, results = lock_row_with(AuditEvent, 2_000_000_000, [("SELECT 1", [])])
    assert row is None and results == [[(1,)]]


@pytest.mark.django_db
def test_instance_from_row_converts_like_the_orm():
    event = _event()
    fields = [AuditEvent._meta.get_field(name) for name in ("id", "data", "created_at", "ip_address")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, data, created_at, ip_address FROM {AuditEvent._meta.db_table} WHERE id = %s", [event.pk]
        )
        built = instance_from_row(AuditEvent, fields, cursor.fetchone())
    assert (built.pk, built.data, built.created_at, built.ip_address) == (event.pk, event.data, WHEN, "2001:db8::1")
    assert built.get_deferred_fields() == {"action", "actor_user_id", "actor_app_id", "target_type", "target_id"}


@pytest.mark.django_db(transaction=True)
def test_the_row_stays_locked_until_the_transaction_ends():
    event = _event()
    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        probe = f"SELECT id FROM {AuditEvent._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT"
        with transaction.atomic():
            row, _ = lock_row_with(AuditEvent, event.pk)
            assert row.pk == event.pk
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(probe, [event.pk])
        assert other.execute(probe, [event.pk]).fetchone() == (event.pk,)
    finally:
        other.close()
