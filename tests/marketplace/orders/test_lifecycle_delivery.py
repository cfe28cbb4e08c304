"""DELIVERED ends the hand-over, so it never comes while cash on delivery is still due or before a
pickup order's code is checked: the buyer's confirmation is refused, the automatic confirmation
skips such orders, and the hand-over and the pickup code still deliver them."""

from decimal import Decimal

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.orders.models import Order, OrderEvent, OrderStatus
from marketplace.orders.services.delivery import order_handover
from marketplace.orders.services.lifecycle import order_deliver, order_fulfill, orders_auto_confirm_due
from marketplace.orders.services.pickup import order_pickup_verify
from marketplace.payments.models import TransactionItem
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders

CONFIRM_RECEIPT = "mutation($id: ID!) { orderConfirmReceipt(id: $id) { order { status } errors { field code } } }"
LATER = timezone.timedelta(days=11)


def refresh(obj):
    obj.refresh_from_db()
    return obj


def event_types(order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).values_list("type", flat=True))


def shipped_cod(buyer, rural, pears, key="pay-1"):
    """Cash on delivery by the village delivery run, weighed and shipped."""
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], key=key)
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.0")], local_delivery=True)
    return refresh(order)


def test_the_buyer_cannot_confirm_receipt_while_the_cash_is_due(buyer, buyer_client, rural, pears):
    order = shipped_cod(buyer, rural, pears)
    total = order.total_amount
    assert (
        order.status == OrderStatus.FULFILLED
        and order.charged_amount == 0
        and total == Decimal("25.00") + order.shipping_amount
    )
    before = event_types(order)

    with pytest.raises(DomainError) as refused:
        order_deliver(order, actor=buyer, by_buyer=True)
    assert refused.value.code == "cannot_fulfill_unpaid_order" and refused.value.field == "id"
    assert str(total) in refused.value.message
    response = buyer_client.execute(CONFIRM_RECEIPT, {"id": to_global_id("Order", order.pk)})["orderConfirmReceipt"]
    assert response["errors"] == [{"field": "id", "code": "CANNOT_FULFILL_UNPAID_ORDER"}]

    order = refresh(order)
    assert order.status == OrderStatus.FULFILLED and order.delivered_at is None and order.after_sales_until is None
    assert order.charged_amount == 0 and event_types(order) == before

    # The driver takes the cash at the door: that hand-over delivers it, with the money.
    delivered = order_handover(order, actor=pears["owner"], cash_collected=True)
    assert delivered.status == OrderStatus.DELIVERED and delivered.charged_amount == total
    assert TransactionItem.objects.get(checkout_token=order.checkout_token).charged_amount == total
    assert event_types(order)[-2:] == ["paid", "delivered"]


def test_the_automatic_confirmation_skips_cod_orders_and_still_fills_its_batch(buyer, make_user, rural, pears):
    cod = shipped_cod(buyer, rural, pears)
    [prepaid] = placed_orders(
        make_user(), rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key="pay-2"
    )
    order_fulfill(prepaid, actor=pears["owner"], lines=[(prepaid.lines.get(), 1, "1.0")], tracking_number="SF1")
    # The cash-on-delivery order is due first: a batch of one must not be spent on it.
    Order.objects.filter(pk=cod.pk).update(auto_confirm_at=timezone.now() - timezone.timedelta(days=1))

    assert orders_auto_confirm_due(timezone.now() + LATER, limit=1) == 1
    assert refresh(prepaid).status == OrderStatus.DELIVERED and refresh(prepaid).after_sales_until is not None
    cod = refresh(cod)
    assert cod.status == OrderStatus.FULFILLED and cod.charged_amount == 0 and "delivered" not in event_types(cod)
    assert orders_auto_confirm_due(timezone.now() + LATER) == 0  # nothing left it may confirm
    assert refresh(cod).status == OrderStatus.FULFILLED


def test_a_pickup_order_is_delivered_by_its_code_only(buyer, buyer_client, rural, pears, station, station_agent):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", pickup=station)
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")])
    order = refresh(order)
    assert order.status == OrderStatus.FULFILLED and order.charged_amount == order.total_amount  # prepaid: no cash due
    assert order.auto_confirm_at is None

    with pytest.raises(DomainError) as refused:
        order_deliver(order, actor=buyer, by_buyer=True)
    assert refused.value.code == "invalid" and refused.value.field == "id"
    response = buyer_client.execute(CONFIRM_RECEIPT, {"id": to_global_id("Order", order.pk)})["orderConfirmReceipt"]
    assert response["errors"] == [{"field": "id", "code": "INVALID"}]
    # Even with a confirmation date (set by hand or by an old release) the automatic run leaves it alone.
    Order.objects.filter(pk=order.pk).update(auto_confirm_at=timezone.now() - timezone.timedelta(days=1))
    assert orders_auto_confirm_due(timezone.now()) == 0
    order = refresh(order)
    assert (
        order.status == OrderStatus.FULFILLED and order.picked_up_at is None and "delivered" not in event_types(order)
    )

    delivered = order_pickup_verify(station, order.pickup_code, agent=station_agent)
    assert delivered.status == OrderStatus.DELIVERED and delivered.picked_up_by == station_agent
    assert event_types(order)[-2:] == ["picked_up", "delivered"]


def test_a_prepaid_store_pickup_is_delivered_by_the_stores_own_staff_with_the_code(buyer, rural, cooker):
    [order] = placed_orders(
        buyer, rural, [(cooker["variant"], 1)], gateway=OFFLINE, action="CHARGE", pickup=cooker["store"]
    )
    order_fulfill(order, actor=cooker["owner"], lines=[(order.lines.get(), 1, None)])
    with pytest.raises(DomainError):
        order_deliver(order, actor=buyer, by_buyer=True)
    delivered = order_pickup_verify(cooker["store"], refresh(order).pickup_code, agent=cooker["owner"])
    assert delivered.status == OrderStatus.DELIVERED and delivered.charged_amount == Decimal("199.00")


def test_a_prepaid_shipped_order_is_still_confirmed_by_the_buyer(buyer, buyer_client, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE")
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")], tracking_number="SF2")
    response = buyer_client.execute(CONFIRM_RECEIPT, {"id": to_global_id("Order", order.pk)})["orderConfirmReceipt"]
    assert response == {"order": {"status": "DELIVERED"}, "errors": []}
    order = refresh(order)
    assert order.after_sales_until is not None and order.auto_confirm_at is None
    assert OrderEvent.objects.get(order=order, type="delivered").data["by_buyer"] is True
