"""Partial returns refund the growth of the returned share of the line, so the parts add up to the
line total exactly (rounding each part alone would refund more than the line cost)."""

from decimal import Decimal

import pytest

from marketplace.inventory.models import Stock
from marketplace.orders.models import OrderEvent, OrderStatus
from marketplace.orders.services.lifecycle import order_fulfill, order_return
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders


def refresh(obj):
    obj.refresh_from_db()
    return obj


def test_four_single_returns_of_a_41_66_line_refund_41_66(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 4)], gateway=OFFLINE, action="CHARGE")
    shipping = order.shipping_amount
    line = order.lines.get()
    order_fulfill(order, actor=pears["owner"], lines=[(line, 4, "3.333")])
    order = refresh(order)
    # 3.333 jin at 12.50 = 41.6625 -> 41.66; the 8.34 prepaid above it went back at fulfilment.
    assert refresh(line).total_price_amount == Decimal("41.66") and order.refunded_amount == Decimal("8.34")

    refunds = []
    for number in range(4):
        before = refresh(order).refunded_amount
        order_return(order, actor=pears["owner"], lines=[(line, 1)], reason=f"第{number + 1}斤坏了")
        refunds.append(refresh(order).refunded_amount - before)
    assert refunds == [Decimal("10.42"), Decimal("10.41"), Decimal("10.42"), Decimal("10.41")]
    assert sum(refunds) == Decimal("41.66")
    order = refresh(order)
    assert order.status == OrderStatus.RETURNED and refresh(line).quantity_returned == 4
    assert order.charged_amount - order.refunded_amount == shipping  # the goods' price back, the delivery fee kept
    returned = OrderEvent.objects.filter(order=order, type="returned").values_list("data__amount", flat=True)
    assert list(returned) == ["10.42", "10.41", "10.42", "10.41"]

    with pytest.raises(DomainError) as again:  # a returned order takes nothing more back
        order_return(order, actor=pears["owner"], lines=[(line, 1)])
    assert again.value.code == "invalid"
    assert refresh(order).refunded_amount == Decimal("50.00") and refresh(line).quantity_returned == 4


def test_a_return_of_three_then_one_adds_up_too_and_a_refused_return_writes_nothing(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 4)], gateway=OFFLINE, action="CHARGE")
    line = order.lines.get()
    order_fulfill(order, actor=pears["owner"], lines=[(line, 4, "3.333")])
    order_return(order, actor=pears["owner"], lines=[(line, 3)])
    assert refresh(order).refunded_amount == Decimal("8.34") + Decimal("31.25")

    events = OrderEvent.objects.filter(order=order).count()
    for quantity in (0, -1, 2, None):
        with pytest.raises(DomainError) as refused:
            order_return(order, actor=pears["owner"], lines=[(line, quantity)])
        assert refused.value.code == "invalid_quantity"
    order = refresh(order)
    assert order.status == OrderStatus.PARTIALLY_RETURNED and refresh(line).quantity_returned == 3
    assert order.refunded_amount == Decimal("39.59") and OrderEvent.objects.filter(order=order).count() == events

    order_return(order, actor=pears["owner"], lines=[(line, 1)])
    assert refresh(order).refunded_amount == Decimal("8.34") + Decimal("41.66")


def test_returns_by_the_piece_restock_and_refund_the_unit_price(buyer, rural, cooker):
    [order] = placed_orders(
        buyer, rural, [(cooker["variant"], 3)], gateway=OFFLINE, action="CHARGE", pickup=cooker["store"]
    )
    line = order.lines.get()
    order_fulfill(order, actor=cooker["owner"], lines=[(line, 3, None)])
    assert Stock.objects.get(variant=cooker["variant"]).quantity == 2
    order_return(order, actor=cooker["owner"], lines=[(line, 2)])
    order_return(order, actor=cooker["owner"], lines=[(line, 1)], refund=False, restock=False)
    order = refresh(order)
    assert order.status == OrderStatus.RETURNED and order.refunded_amount == Decimal("398.00")
    stock = Stock.objects.get(variant=cooker["variant"])
    assert (stock.quantity, stock.quantity_allocated) == (4, 0)
