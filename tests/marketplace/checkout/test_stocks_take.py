"""The last step of checkoutComplete: units leave the free stock in one statement, only if every
stock still has them (other checkouts' live reservations count), else nothing is taken."""

import pytest
from django.db import transaction

from marketplace.checkout.availability import stocks_take
from marketplace.checkout.services import checkout_create
from marketplace.inventory.models import Stock
from marketplace.inventory.services import stock_update, warehouse_create

pytestmark = pytest.mark.django_db


def _counts(*stocks):
    return [tuple(Stock.objects.filter(pk=s.pk).values_list("quantity", "quantity_allocated").get()) for s in stocks]


def test_takes_the_units_and_returns_the_new_counts(pears, rural, buyer):
    stock = Stock.objects.get(variant=pears["variant"])
    mine = checkout_create(channel=rural, user=buyer, lines=[])
    [(pk, quantity, allocated, _threshold, warehouse, variant)] = stocks_take({stock.pk: 3}, mine.pk)
    assert (pk, allocated, warehouse, variant) == (
        stock.pk,
        stock.quantity_allocated + 3,
        stock.warehouse_id,
        stock.variant_id,
    )
    assert _counts(stock) == [(quantity, stock.quantity_allocated + 3)]


def test_another_checkouts_reservation_is_not_free(pears, rural, buyer, make_user, settings):
    settings.CHECKOUT_RESERVATION_MINUTES = 15
    stock = Stock.objects.get(variant=pears["variant"])
    free = stock.quantity - stock.quantity_allocated
    checkout_create(channel=rural, user=make_user(), lines=[(pears["variant"], 2)])  # reserves 2
    mine = checkout_create(channel=rural, user=buyer, lines=[])
    assert stocks_take({stock.pk: free - 1}, mine.pk) is None
    assert _counts(stock) == [(stock.quantity, stock.quantity_allocated)]
    assert stocks_take({stock.pk: free - 2}, mine.pk) is not None


def test_one_short_stock_takes_nothing_once_rolled_back(pears, rural, buyer):
    variant = pears["variant"]
    first = Stock.objects.get(variant=variant)
    second = stock_update(
        warehouse_create(pears["shop"], actor=pears["owner"], name="二号仓", kind="home"),
        variant,
        actor=pears["owner"],
        quantity=1,
    )
    mine = checkout_create(channel=rural, user=buyer, lines=[])
    before = _counts(first, second)
    with pytest.raises(LookupError), transaction.atomic():
        if stocks_take({first.pk: 1, second.pk: 2}, mine.pk) is None:
            raise LookupError("short: the completion rolls back")
    assert _counts(first, second) == before


def test_rows_written_with_the_take_go_with_its_rollback(pears, rural, buyer, django_assert_num_queries):
    """The allocation journal of the units is written by the same statement: kept when the units are
    taken, and undone with everything else when one stock falls short."""
    from marketplace.inventory.allocation import stock_allocation_movements
    from marketplace.inventory.models import StockMovement
    from meidu.core.sql.bulk import InsertPart

    variant = pears["variant"]
    first = Stock.objects.get(variant=variant)
    second = stock_update(
        warehouse_create(pears["shop"], actor=pears["owner"], name="二号仓", kind="home"),
        variant,
        actor=pears["owner"],
        quantity=1,
    )
    mine = checkout_create(channel=rural, user=buyer, lines=[])
    movements = stock_allocation_movements([(first, 1)], note="#1")
    with django_assert_num_queries(2):  # the lock, then the take on a snapshot taken under it
        [row] = stocks_take({first.pk: 1}, mine.pk, also=(InsertPart("movements", movements),))
    assert len(row) == 6 and movements[0].pk
    assert StockMovement.objects.get(pk=movements[0].pk).allocated_delta == 1
    journal = StockMovement.objects.count()
    with pytest.raises(LookupError), transaction.atomic():
        short = stock_allocation_movements([(first, 1), (second, 2)], note="#2")
        if stocks_take({first.pk: 1, second.pk: 2}, mine.pk, also=(InsertPart("movements", short),)) is None:
            raise LookupError("short: the completion rolls back")
    assert StockMovement.objects.count() == journal
