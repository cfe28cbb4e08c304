"""A harvest and a cancellation at the same moment, on separate database connections: the harvest
locks the orders before it reads their lines and status, so an order cancelled while it waited
gets no stock and the harvest goes to the next order."""

import time
from decimal import Decimal

import pytest
from django.db import connection

from marketplace.orders.models import Allocation, OrderEventType, OrderStatus
from marketplace.orders.services.lifecycle import order_cancel
from marketplace.presale.services import presale_harvest
from tests.marketplace.presale.helpers import pear_stock, place, refunded_on_items
from tests.support.races import holding, in_background

pytestmark = pytest.mark.django_db(transaction=True)


def _lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_an_order_cancelled_while_the_harvest_waits_gets_nothing(make_user, rural, pears, campaign):  # noqa: F811
    buyers = [make_user() for _ in range(3)]
    first, middle, last = (
        place(buyer, rural, pears["shop"], [(pears["variant"], 2)], key)
        for buyer, key in zip(buyers, "abc", strict=True)
    )
    before = pear_stock(pears)
    # The cancellation holds its transaction (and the order's locks) open while the harvest starts.
    with holding(lambda: order_cancel(middle, actor=buyers[1], reason="changed my mind"), timeout=30):
        harvester = in_background(
            lambda: presale_harvest(campaign, actor=pears["owner"], harvested_quantity=4, warehouse=pears["warehouse"])
        )
        deadline = time.monotonic() + 30
        while not _lock_waiters() and time.monotonic() < deadline:
            time.sleep(0.05)
        waited = _lock_waiters() > 0  # the harvest is blocked on the cancelled order's locks
    harvester.result(timeout=30)
    assert waited

    for order in (first, middle, last):
        order.refresh_from_db()
    assert middle.status == OrderStatus.CANCELED and not Allocation.objects.filter(order_line__order=middle).exists()
    assert middle.refunded_amount == middle.charged_amount and refunded_on_items(middle) == middle.charged_amount
    assert middle.events.filter(type=OrderEventType.NOTE, data__harvested=True).count() == 0
    for served in (first, last):
        assert served.status == OrderStatus.UNCONFIRMED and served.refunded_amount == Decimal("0.00")
        assert Allocation.objects.get(order_line__order=served).quantity_allocated == 2
    stock = pear_stock(pears)
    assert stock.quantity == before.quantity + 4 and stock.quantity_allocated == before.quantity_allocated + 4
