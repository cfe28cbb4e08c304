"""Weighed heavier than estimated on a prepaid order: the shop absorbs the excess off the lines
that got heavier (each at most its own increase), so no line total goes below its estimate and a
later return of one line refunds that line's price only."""

from decimal import Decimal

import pytest

from marketplace.inventory.models import Stock
from marketplace.orders.models import OrderEvent, OrderLine, OrderStatus
from marketplace.orders.services.lifecycle import order_fulfill, order_return
from marketplace.payments.models import TransactionItem
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.factories import listed_product


def refresh(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def apples(pears, rural):
    """A second by-weight product of the pear farmer, 5.00 a jin."""
    return listed_product(pears["shop"], pears["owner"], rural, name="寒富苹果", price="5.00").variants.get()


@pytest.fixture
def grapes(pears, rural):
    """A third by-weight product of the pear farmer, 10.00 a jin."""
    return listed_product(pears["shop"], pears["owner"], rural, name="巨峰葡萄", price="10.00").variants.get()


def lines_by_variant(order):
    return {line.variant_id: line for line in order.lines.all()}


def test_the_excess_comes_off_the_heavier_line_and_a_return_refunds_that_line_only(buyer, rural, pears, apples):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 4), (apples, 1)], gateway=OFFLINE, action="CHARGE")
    shipping = order.shipping_amount
    assert order.charged_amount == order.total_amount == Decimal("55.00") + shipping
    lines = lines_by_variant(order)
    pear_line, apple_line = lines[pears["variant"].pk], lines[apples.pk]

    order_fulfill(order, actor=pears["owner"], lines=[(pear_line, 4, "8.0"), (apple_line, 1, "0.5")])

    order = refresh(order)
    # Pears 8.0 jin = 100.00 (+50.00), apples 0.5 jin = 2.50 (-2.50): the buyer paid 55.00 for the goods,
    # so the shop absorbs 47.50, all of it off the pears (the only line that got heavier).
    assert (refresh(pear_line).total_price_amount, refresh(apple_line).total_price_amount) == (
        Decimal("52.50"),
        Decimal("2.50"),
    )
    assert order.status == OrderStatus.FULFILLED
    assert order.total_amount == order.charged_amount == Decimal("55.00") + shipping and order.refunded_amount == 0
    assert not OrderLine.objects.filter(order=order, total_price_amount__lt=0).exists()
    note = OrderEvent.objects.get(order=order, type="note", data__has_key="absorbed_by_shop")
    assert note.data["absorbed_by_shop"] == "47.50" and note.data["lines"] == {pear_line.product_sku: "47.50"}
    assert (
        Stock.objects.get(variant=pears["variant"]).quantity == 16 and Stock.objects.get(variant=apples).quantity == 19
    )

    order_return(order, actor=pears["owner"], lines=[(pear_line, 4)], reason="太熟了")
    order = refresh(order)
    assert order.status == OrderStatus.PARTIALLY_RETURNED
    assert order.refunded_amount == Decimal("52.50")  # the pears' price: not the apples, not the delivery fee
    item = TransactionItem.objects.get(checkout_token=order.checkout_token)
    assert item.charged_amount - item.refunded_amount == Decimal("2.50") + shipping


def test_several_heavier_lines_share_the_excess_in_proportion_each_capped_at_its_increase(
    buyer, rural, pears, apples, grapes
):
    [order] = placed_orders(
        buyer, rural, [(pears["variant"], 4), (apples, 2), (grapes, 3)], gateway=OFFLINE, action="CHARGE"
    )
    shipping = order.shipping_amount
    assert order.total_amount == Decimal("90.00") + shipping  # 50.00 + 10.00 + 30.00
    lines = lines_by_variant(order)
    pear_line, apple_line, grape_line = lines[pears["variant"].pk], lines[apples.pk], lines[grapes.pk]

    order_fulfill(
        order, actor=pears["owner"], lines=[(pear_line, 4, "6.0"), (apple_line, 2, "3.0"), (grape_line, 3, "1.999")]
    )

    # +25.00, +5.00 and -10.01: 19.99 absorbed, 25/30 and 5/30 of it, the odd fen to the first line with room.
    totals = [refresh(line).total_price_amount for line in (pear_line, apple_line, grape_line)]
    assert totals == [Decimal("58.34"), Decimal("11.67"), Decimal("19.99")]
    assert totals[0] >= Decimal("50.00") and totals[1] >= Decimal("10.00")
    order = refresh(order)
    assert sum(totals) == Decimal("90.00") and order.total_amount == order.charged_amount == Decimal("90.00") + shipping
    assert order.refunded_amount == 0
    note = OrderEvent.objects.get(order=order, type="note", data__has_key="absorbed_by_shop")
    assert note.data["absorbed_by_shop"] == "19.99"
    assert note.data["lines"] == {pear_line.product_sku: "16.66", apple_line.product_sku: "3.33"}


def test_lighter_overall_refunds_the_difference_and_absorbs_nothing(buyer, rural, pears, apples):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 4), (apples, 2)], gateway=OFFLINE, action="CHARGE")
    lines = lines_by_variant(order)
    pear_line, apple_line = lines[pears["variant"].pk], lines[apples.pk]
    order_fulfill(order, actor=pears["owner"], lines=[(pear_line, 4, "4.2"), (apple_line, 2, "1.0")])
    # +2.50 and -5.00: 2.50 lighter in all; the buyer gets 2.50 back and each line keeps its weighed price.
    assert (refresh(pear_line).total_price_amount, refresh(apple_line).total_price_amount) == (
        Decimal("52.50"),
        Decimal("5.00"),
    )
    order = refresh(order)
    assert order.refunded_amount == Decimal("2.50") and order.total_amount == Decimal("57.50") + order.shipping_amount
    assert not OrderEvent.objects.filter(order=order, data__has_key="absorbed_by_shop").exists()


def test_a_bad_weight_on_the_second_line_writes_nothing(buyer, rural, pears, apples):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 4), (apples, 1)], gateway=OFFLINE, action="CHARGE")
    lines = lines_by_variant(order)
    pear_line, apple_line = lines[pears["variant"].pk], lines[apples.pk]
    events = OrderEvent.objects.filter(order=order).count()
    for weight, code in (("0", "invalid"), ("1.0005", "invalid"), ("abc", "invalid"), (None, "required")):
        with pytest.raises(DomainError) as refused:
            order_fulfill(order, actor=pears["owner"], lines=[(pear_line, 4, "8.0"), (apple_line, 1, weight)])
        assert refused.value.code == code
    order = refresh(order)
    assert order.status == OrderStatus.UNCONFIRMED and not order.fulfillments.exists()
    assert (refresh(pear_line).total_price_amount, refresh(pear_line).quantity_fulfilled) == (Decimal("50.00"), 0)
    assert order.total_amount == order.charged_amount == Decimal("55.00") + order.shipping_amount
    assert OrderEvent.objects.filter(order=order).count() == events
    assert Stock.objects.get(variant=pears["variant"]).quantity == 20
