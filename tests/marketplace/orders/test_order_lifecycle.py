"""After checkout: confirm, fulfil, weigh, pick up, deliver, cancel, return, refund."""

from decimal import Decimal

import pytest

from marketplace.inventory.models import Stock
from marketplace.orders.models import OrderEvent, OrderStatus
from marketplace.orders.services.lifecycle import (
    order_cancel,
    order_confirm,
    order_fulfill,
    order_refund,
    order_return,
    orders_auto_confirm_due,
)
from marketplace.orders.services.pickup import order_pickup_verify
from marketplace.payments.models import TransactionItem
from meidu.core.errors import DomainError
from tests.marketplace.checkout.helpers import BANK, OFFLINE, placed_orders


def refresh(obj):
    obj.refresh_from_db()
    return obj


def test_pickup_at_the_station_with_cash(buyer, rural, pears, station, station_agent, make_user):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], pickup=station)
    owner = pears["owner"]
    order_confirm(order, actor=owner)
    line = order.lines.get()
    order_fulfill(order, actor=owner, lines=[(line, 2, "1.8")])
    order = refresh(order)
    # Nanguo pears sell by the jin: 2 jin estimated at 12.50, 1.8 weighed -> 22.50 to pay at the counter.
    assert order.status == OrderStatus.FULFILLED and order.total_amount == Decimal("22.50")
    assert order.authorized_amount == Decimal("22.50")
    assert refresh(line).actual_weight == Decimal("1.800")
    stranger = make_user()
    with pytest.raises(DomainError) as wrong_agent:
        order_pickup_verify(station, order.pickup_code, agent=stranger, cash_collected=True)
    assert wrong_agent.value.code == "not_collection_point_agent"
    with pytest.raises(DomainError) as no_cash:
        order_pickup_verify(station, order.pickup_code, agent=station_agent)
    assert no_cash.value.code == "cannot_fulfill_unpaid_order"
    with pytest.raises(DomainError) as wrong_code:
        order_pickup_verify(
            station, "000000" if order.pickup_code != "000000" else "111111", agent=station_agent, cash_collected=True
        )
    assert wrong_code.value.code == "wrong_pickup_code"
    delivered = order_pickup_verify(station, order.pickup_code, agent=station_agent, cash_collected=True)
    assert delivered.status == OrderStatus.DELIVERED and delivered.charged_amount == Decimal("22.50")
    assert delivered.after_sales_until is not None
    with pytest.raises(DomainError) as twice:
        order_pickup_verify(station, order.pickup_code, agent=station_agent, cash_collected=True)
    assert twice.value.code == "pickup_code_used"
    item = TransactionItem.objects.get(checkout_token=order.checkout_token)
    assert (item.charged_amount, item.canceled_amount) == (Decimal("22.50"), Decimal("2.50"))
    stock = Stock.objects.get(variant=pears["variant"])
    assert (stock.quantity, stock.quantity_allocated) == (18, 0)
    assert list(OrderEvent.objects.filter(order=order).values_list("type", flat=True)) == [
        "created",
        "confirmed",
        "weighed",
        "ready_for_pickup",
        "paid",
        "picked_up",
        "delivered",
    ]


def test_prepaid_by_weight_refunds_the_lighter_difference(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 4)], gateway=OFFLINE, action="CHARGE")
    shipping = order.shipping_amount
    assert shipping > 0 and order.charged_amount == order.total_amount == Decimal("50.00") + shipping
    order_fulfill(
        order,
        actor=pears["owner"],
        lines=[(order.lines.get(), 4, "3.6")],
        tracking_number="LOCAL-1",
        local_delivery=True,
    )
    order = refresh(order)
    assert order.total_amount == Decimal("45.00") + shipping and order.refunded_amount == Decimal("5.00")
    item = TransactionItem.objects.get(checkout_token=order.checkout_token)
    assert (item.charged_amount, item.refunded_amount) == (Decimal("50.00") + shipping, Decimal("5.00"))
    assert order.auto_confirm_at is not None


def test_heavier_than_estimated_is_absorbed_by_the_shop_when_prepaid(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.4")])
    order = refresh(order)
    assert order.total_amount == order.charged_amount == Decimal("25.00") + order.shipping_amount
    assert order.refunded_amount == 0 and order.events.filter(type="note").exists()


def test_cancel_releases_stock_and_refunds(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 3)], gateway=OFFLINE, action="CHARGE")
    assert Stock.objects.get(variant=pears["variant"]).quantity_allocated == 3
    order_cancel(order, actor=buyer, reason="买错了")
    order = refresh(order)
    assert order.status == OrderStatus.CANCELED and order.refunded_amount == order.charged_amount
    assert Stock.objects.get(variant=pears["variant"]).quantity_allocated == 0
    with pytest.raises(DomainError) as again:
        order_cancel(order, actor=buyer)
    assert again.value.code == "cannot_cancel_order"


def test_refund_above_what_was_paid_is_refused(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")
    with pytest.raises(DomainError) as too_much:
        order_refund(order, order.charged_amount + Decimal("0.01"), actor=pears["owner"])
    assert too_much.value.code == "cannot_refund"
    order_refund(order, "10.00", actor=pears["owner"], reason="坏果")
    with pytest.raises(DomainError) as over:
        order_refund(order, order.charged_amount - Decimal("9.99"), actor=pears["owner"])
    assert over.value.code == "cannot_refund"
    order = refresh(order)
    assert order.refunded_amount == Decimal("10.00")
    assert TransactionItem.objects.get(checkout_token=order.checkout_token).refunded_amount == Decimal("10.00")


def test_partial_return_restocks_and_refunds(buyer, rural, cooker):
    [order] = placed_orders(
        buyer, rural, [(cooker["variant"], 2)], gateway=OFFLINE, action="CHARGE", pickup=cooker["store"]
    )
    line = order.lines.get()
    order_fulfill(order, actor=cooker["owner"], lines=[(line, 2, None)])
    order_pickup_verify(cooker["store"], refresh(order).pickup_code, agent=cooker["owner"])
    order_return(order, actor=cooker["owner"], lines=[(line, 1)], reason="外壳破损")
    order = refresh(order)
    assert order.status == OrderStatus.PARTIALLY_RETURNED and order.refunded_amount == Decimal("199.00")
    stock = Stock.objects.get(variant=cooker["variant"])
    assert (stock.quantity, stock.quantity_allocated) == (4, 0)
    with pytest.raises(DomainError) as beyond:
        order_return(order, actor=cooker["owner"], lines=[(line, 2)])
    assert beyond.value.code == "invalid_quantity"


def test_bank_transfer_order_waits_for_the_money(buyer, rural, pears, operator):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=BANK)
    assert order.charged_amount == 0
    with pytest.raises(DomainError) as unpaid:
        order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")])
    assert unpaid.value.code == "cannot_fulfill_unpaid_order"
    from marketplace.payments.services import transaction_bank_transfer_confirm

    item = TransactionItem.objects.get(checkout_token=order.checkout_token)
    transaction_bank_transfer_confirm(item, actor=operator, amount=order.total_amount)
    order = refresh(order)
    assert order.is_paid and order.events.filter(type="paid").exists()


def test_auto_confirm_after_the_days(buyer, rural, pears):
    from django.utils import timezone

    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE")
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 1, "1.0")], tracking_number="SF123")
    assert orders_auto_confirm_due(timezone.now()) == 0
    assert orders_auto_confirm_due(timezone.now() + timezone.timedelta(days=11)) == 1
    assert refresh(order).status == OrderStatus.DELIVERED


def test_authorised_card_is_captured_on_the_weighed_total_and_the_rest_released(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 4)], gateway=OFFLINE, action="AUTHORIZATION")
    assert order.authorized_amount == order.total_amount and order.charged_amount == 0
    shipping = order.shipping_amount
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 4, "3.6")])
    order = refresh(order)
    assert order.total_amount == Decimal("45.00") + shipping
    assert (order.charged_amount, order.authorized_amount, order.refunded_amount) == (order.total_amount, 0, 0)
    item = TransactionItem.objects.get(checkout_token=order.checkout_token)
    assert (item.charged_amount, item.authorized_amount, item.canceled_amount) == (
        order.total_amount,
        0,
        Decimal("5.00"),
    )


def test_order_line_keeps_the_first_photos_thumbnail(buyer, rural, pears, station):
    from marketplace.catalog.models import ProductMedia

    product = pears["variant"].product
    ProductMedia.objects.create(product=product, sort_order=2, renditions={"thumbnail": "products/later-thumb.webp"})
    ProductMedia.objects.create(product=product, sort_order=1, renditions={"thumbnail": "products/first-thumb.webp"})
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], pickup=station)
    assert order.lines.get().thumbnail_name == "products/first-thumb.webp"


def test_a_buyers_cancel_that_loses_the_race_to_the_sellers_confirmation_is_refused(buyer, rural, pears):
    """The API lets the buyer cancel an unconfirmed order; the seller may confirm between that check and
    the cancellation: the service looks again under the order's lock."""
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE")
    seen_unconfirmed = refresh(order)  # what the API checked
    order_confirm(order, actor=pears["owner"])
    with pytest.raises(DomainError) as err:
        order_cancel(seen_unconfirmed, actor=buyer, by_buyer=True)
    assert err.value.code == "cannot_cancel_order"
    order = refresh(order)
    assert order.status == OrderStatus.UNFULFILLED and order.refunded_amount == 0
    assert Stock.objects.get(variant=pears["variant"]).quantity_allocated == 1
