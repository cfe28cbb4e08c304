"""Inventory's stock take: units leave the free stock (quantity − allocated − what another app says it
holds) in a lock statement and a counting statement, only if every stock has them."""

import pytest
from django.db import transaction

from marketplace.inventory.allocation import stocks_allocate_free
from marketplace.inventory.models import Stock
from tests.marketplace.factories import listed_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(farmer, farmer_shop, rural):
    product = listed_product(farmer_shop, farmer, rural, quantity=20)
    return Stock.objects.get(variant=product.variants.get())


def _allocated(stock) -> int:
    return Stock.objects.values_list("quantity_allocated", flat=True).get(pk=stock.pk)


def test_takes_free_units_in_two_statements(stock, django_assert_num_queries):
    with django_assert_num_queries(2):  # the lock, then the take on a snapshot taken under it
        [row] = stocks_allocate_free({stock.pk: 20})
    assert row == (stock.pk, 20, 20, stock.low_stock_threshold, stock.warehouse_id, stock.variant_id)
    assert stocks_allocate_free({stock.pk: 1}) is None  # nothing free left
    with django_assert_num_queries(0):
        assert stocks_allocate_free({}) == []


def test_units_another_app_holds_are_not_free(stock):
    held = ("SELECT unnest(%(ids)s::bigint[]) AS stock_id, %(held)s::integer AS units", {"held": 5})
    with pytest.raises(LookupError), transaction.atomic():
        if stocks_allocate_free({stock.pk: 16}, held_elsewhere=held) is None:
            raise LookupError("short: the caller rolls back")
    assert _allocated(stock) == 0
    assert stocks_allocate_free({stock.pk: 15}, held_elsewhere=held) is not None
    assert _allocated(stock) == 15
