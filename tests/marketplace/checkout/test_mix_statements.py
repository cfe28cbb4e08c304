"""The writes of the checkout mix (benchmarks/load/checkout.py: create with the address, delivery, cash on
delivery, complete) cost a fixed number of SQL statements; each is ~0.5-1 ms of Python besides the round
trip, so a statement that creeps back in shows here before it shows in the mix's orders/s."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.checkout.selectors import checkout_payment_source
from marketplace.checkout.services import checkout_create, checkout_delivery_method_update
from marketplace.payments.models import TransactionItem
from marketplace.payments.services import transaction_initialize
from tests.marketplace.checkout.helpers import ADDRESS, COD

pytestmark = pytest.mark.django_db


def _count(call):
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, len(captured.captured_queries)


def test_delivery_and_cash_on_delivery_statements(buyer, rural, pears):
    checkout = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 1)], shipping_address=dict(ADDRESS))
    county = pears["shop"].shipping_methods.get(kind="county")
    # the lock, lines, deliveries, the shop's methods, one zone per method, the new delivery, updated_at;
    # begin and end (no update_or_create: the delivery read under the lock is inserted or updated)
    _chosen, statements = _count(lambda: checkout_delivery_method_update(checkout, shipping_method=county))
    # choosing again updates the row it read (no re-read, no savepoint; the chosen method's quote adds its zone)
    _again, again = _count(lambda: checkout_delivery_method_update(checkout, shipping_method=county))
    source = checkout_payment_source(checkout.pk)
    # the payment lock, the checkout's items (replay and totals at once), the item (its pending amount in the
    # INSERT), both events in one INSERT, one amount update, the orders' shares (none yet); begin and end
    outcome, paying = _count(
        lambda: transaction_initialize(
            checkout_token=checkout.pk, gateway_id=COD, idempotency_key="cod-1", user=buyer, source=source
        )
    )
    assert outcome.item.authorized_amount == source.total and outcome.event.type == "AUTHORIZATION_SUCCESS"
    # the same key again replays the first item, writing nothing (the source is read here: four statements)
    replay, replaying = _count(
        lambda: transaction_initialize(checkout_token=checkout.pk, gateway_id=COD, idempotency_key="cod-1", user=buyer)
    )
    assert replay.item.pk == outcome.item.pk and TransactionItem.objects.filter(checkout_token=checkout.pk).count() == 1
    # main before this change (e9caad7): 15, 14 and 20 (update_or_create's re-read and savepoints; the source
    # read again by the service, the items read twice, a savepoint, the orders' shares reading the items too)
    # wt-checkout2: paying 11 -> 8 (two event INSERTs, two amount UPDATEs and two share reads were one each)
    assert (statements, again, paying, replaying) == (10, 11, 8, 9)


def test_create_reads_the_pre_sale_campaigns_once(buyer, rural, pears, cooker):
    """checkoutCreate with two lines reads the open pre-sale campaigns once for both (it read them per line)."""
    lines = [(pears["variant"], 1), (cooker["variant"], 1)]
    checkout, statements = _count(
        lambda: checkout_create(channel=rural, user=buyer, lines=lines, shipping_address=dict(ADDRESS))
    )
    assert checkout.lines.count() == 2
    # 17 -> 16 (the campaigns were read once per line), + 1: two variants' stocks are locked together in
    # ascending pk before the lines are reserved (test_stock_lock_order: a deadlock otherwise)
    assert statements == 17
