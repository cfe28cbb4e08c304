"""Batch: several statements in one round trip, each statement's rows back, values adapted by the
model fields as the ORM adapts them, Django's exceptions on failure, one entry in the query log."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from meidu.core.audit.models import AuditEvent
from meidu.core.ledger.models import LedgerAccount
from meidu.core.sql.batch import Batch

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 11, 29, 8, 30, 15, 123456, tzinfo=timezone.utc)


def test_statements_run_in_order_in_one_round_trip_each_with_its_rows(django_assert_num_queries):
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    batch = Batch()
    assert not batch
    batch.add(
        f"INSERT INTO {table} (action, target_type, target_id, data, created_at) "
        "VALUES (%s, '', '', '{}'::jsonb, now())",
        ["batch.first"],
    )
    batch.add(f"SELECT action FROM {table} WHERE action LIKE %s ORDER BY id", ["batch.%"])  # sees the insert above
    batch.add("SELECT %s::int + 1, %s::text", [41, "第二"])
    assert batch
    with django_assert_num_queries(1):  # one entry in Django's query log: one round trip
        results = batch.execute()
    assert results == [None, [("batch.first",)], [(42, "第二")]]
    assert not batch and batch.execute() == []  # executed statements are gone


def test_insert_and_update_adapt_values_like_the_orm(make_user):
    user = make_user()
    batch = Batch()
    batch.insert(
        AuditEvent,
        [
            {
                "action": "batch.insert",
                "actor_user": user.pk,
                "target_type": "x",
                "target_id": "1",
                "data": {"名": "秀英", "n": [1, 2.5, None]},
                "ip_address": "2001:db8::1",
                "created_at": WHEN,
            },
            {
                "action": "batch.insert",
                "actor_user": None,
                "target_type": "x",
                "target_id": "2",
                "data": {},
                "ip_address": None,
                "created_at": WHEN,
            },
        ],
    )
    batch.insert(AuditEvent, [])  # nothing to insert adds no statement
    assert batch.execute() == [None]
    first, second = AuditEvent.objects.filter(action="batch.insert").order_by("target_id")
    assert (first.actor_user_id, first.data, first.ip_address, first.created_at) == (
        user.pk,
        {"名": "秀英", "n": [1, 2.5, None]},
        "2001:db8::1",
        WHEN,
    )
    assert (second.actor_user_id, second.data, second.ip_address) == (None, {}, None)

    first.data, first.ip_address, first.target_id = {"changed": True}, "10.0.0.7", "untouched"
    batch.update(first, ["data", "ip_address"])
    batch.update(first, [])  # no field, no statement
    batch.execute()
    first.refresh_from_db()
    assert (first.data, first.ip_address, first.target_id) == ({"changed": True}, "10.0.0.7", "1")


def test_a_failing_statement_raises_djangos_error_and_stops_the_batch():
    account = {"code": "batch:duplicate", "name": "重复", "currency": "CNY", "allow_negative": True, "created_at": WHEN}
    LedgerAccount.objects.create(**account)
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    batch = Batch()
    batch.add(
        f"INSERT INTO {table} (action, target_type, target_id, data, created_at) "
        "VALUES ('batch.before', '', '', '{}'::jsonb, now())"
    )
    batch.insert(LedgerAccount, [account])  # its code is unique
    batch.add("SELECT 1")
    with pytest.raises(IntegrityError), transaction.atomic():
        batch.execute()
    assert not AuditEvent.objects.filter(action="batch.before").exists()  # rolled back with the rest
    assert not batch  # a failed batch is spent too


def test_binds_on_the_client_the_log_shows_the_values():
    """Several statements in one execute need the simple protocol, hence client-side binding (whatever
    DB_PREPARED_STATEMENTS chose for Django's cursors); the query log shows them with their values."""
    batch = Batch()
    batch.add("SELECT %s::text", ["it's"])
    batch.add("SELECT %s::int", [7])
    with CaptureQueriesContext(connection) as captured:
        assert batch.execute() == [[("it's",)], [(7,)]]
    [logged] = captured.captured_queries
    assert logged["sql"] == "SELECT 'it''s'::text;\nSELECT 7::int"
