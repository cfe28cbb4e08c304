"""A part refunded before shipping (a goodwill discount) leaves an order the buyer paid for: the shop
still ships it. An order refunded in full is not shipped, and the refusal writes nothing."""

from decimal import Decimal

import pytest

from marketplace.orders.models import Fulfillment, OrderStatus
from marketplace.orders.services.lifecycle import order_fulfill, order_refund
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders


def refresh(obj):
    obj.refresh_from_db()
    return obj


def prepaid(buyer, rural, pears, key):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE", key=key)
    assert order.charged_amount == order.total_amount > 0
    return order


def test_an_order_partly_refunded_before_shipping_is_still_shipped(buyer, rural, pears):
    order = prepaid(buyer, rural, pears, "refund-part")
    order_refund(order, "3.00", actor=pears["owner"], reason="goodwill")
    order = refresh(order)
    assert order.refunded_amount == Decimal("3.00")

    line = order.lines.get()
    order_fulfill(order, actor=pears["owner"], lines=[(line, 2, "2.0")])

    order = refresh(order)
    assert order.status == OrderStatus.FULFILLED
    assert order.refunded_amount == Decimal("3.00") and Fulfillment.objects.filter(order=order).count() == 1


def test_an_order_refunded_in_full_is_not_shipped_and_nothing_is_written(buyer, rural, pears):
    order = prepaid(buyer, rural, pears, "refund-all")
    order_refund(order, str(order.charged_amount), actor=pears["owner"], reason="out of stock")
    order = refresh(order)
    line = order.lines.get()

    with pytest.raises(DomainError) as refused:
        order_fulfill(order, actor=pears["owner"], lines=[(line, 2, "2.0")])

    assert refused.value.code == "cannot_fulfill_unpaid_order"
    order = refresh(order)
    assert order.status != OrderStatus.FULFILLED and not Fulfillment.objects.filter(order=order).exists()
    assert refresh(line).quantity_fulfilled == 0
