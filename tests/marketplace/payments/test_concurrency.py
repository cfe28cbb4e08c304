"""Real concurrent connections: two refunds racing for the same money, two initialize calls with one key."""

from decimal import Decimal

import pytest

from marketplace.payments import services
from marketplace.payments.models import TransactionItem
from tests.support.races import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_refunds_cannot_both_pass_the_limit(make_checkout, buyer, operator):
    item = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token, gateway_id="meidu.payments.offline", user=buyer
    ).item
    outcomes = race(
        lambda: services.transaction_refund(item, "15.00", actor=operator, reason="race a"),
        lambda: services.transaction_refund(item, "15.00", actor=operator, reason="race b"),
    )
    refused = [outcome.error for outcome in outcomes if not outcome.ok]
    assert len(refused) == 1 and refused[0].code == "amount_exceeds_charged", outcomes
    item.refresh_from_db()
    assert item.refunded_amount == Decimal("15.00")


def test_same_idempotency_key_at_once_gives_one_transaction(make_checkout, buyer):
    token = make_checkout(buyer).token

    def initialize():
        return services.transaction_initialize(
            checkout_token=token,
            gateway_id="meidu.payments.offline",
            amount="10.00",
            idempotency_key="double-tap",
            user=buyer,
        ).item.pk

    outcomes = race(initialize, initialize, initialize)
    results = [outcome.value for outcome in outcomes]
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), outcomes
    item = TransactionItem.objects.get()
    assert item.charged_amount == Decimal("10.00") and item.events.count() == 2


def test_refund_takes_locks_in_documented_order_before_writing(make_checkout, buyer, operator):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    item = services.transaction_initialize(
        checkout_token=make_checkout(buyer).token, gateway_id="meidu.payments.offline", user=buyer
    ).item
    with CaptureQueriesContext(conn) as captured:
        services.transaction_refund(item, "1.00", actor=operator)
    sql = [q["sql"] for q in captured.captured_queries]
    advisory = next(i for i, q in enumerate(sql) if "pg_advisory_xact_lock" in q)
    row_lock = next(i for i, q in enumerate(sql) if "FOR UPDATE" in q and "payments_transactionitem" in q)
    first_write = next(i for i, q in enumerate(sql) if q.startswith(("INSERT", "UPDATE")))
    assert advisory < row_lock < first_write
