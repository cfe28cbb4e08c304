"""A pre-sale line ships only after the harvest (before it there is no stock to ship), and the
ORDER_FULFILLED webhook goes out once, when the last part of an order leaves."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.inventory.models import Stock
from marketplace.orders.models import OrderEvent, OrderStatus
from marketplace.orders.services.lifecycle import order_fulfill
from marketplace.payments.services import transaction_initialize
from marketplace.presale.services import presale_campaign_open, presale_harvest
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError
from meidu.core.permissions import OrderPermissions
from meidu.integrations.models import EventPayload
from meidu.integrations.services.apps import app_create
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE, placed_orders
from tests.marketplace.factories import listed_product
from tests.meidu.integrations.webhook_rows import webhook_row_insert


def refresh(obj):
    obj.refresh_from_db()
    return obj


def stock_of(variant) -> tuple[int, int]:
    stock = Stock.objects.get(variant=variant)
    return stock.quantity, stock.quantity_allocated


@pytest.fixture
def campaign(pears, rural):
    return presale_campaign_open(
        pears["variant"],
        rural,
        actor=pears["owner"],
        deposit_percent="30",
        expected_quantity=10,
        harvest_expected_on=timezone.localdate() + timedelta(days=30),
    )


def paid_in_full_before_harvest(buyer, rural, pears):
    """The deposit at checkout, then the balance straight away (nothing stops an early payer)."""
    checkout = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 4)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=pears["shop"].shipping_methods.get(kind="county"))
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key="deposit", user=buyer
    )
    [order] = checkout_complete(checkout.pk, user=buyer).orders
    transaction_initialize(
        checkout_token=order.checkout_token, gateway_id=OFFLINE, action="CHARGE", idempotency_key="balance", user=buyer
    )
    return refresh(order)


def test_a_presale_line_is_not_shipped_before_the_harvest(buyer, rural, pears, campaign):
    order = paid_in_full_before_harvest(buyer, rural, pears)
    line = order.lines.get()
    assert line.presale_campaign_id == campaign.pk and order.is_paid
    stock_before = stock_of(pears["variant"])
    events = OrderEvent.objects.filter(order=order).count()

    with pytest.raises(DomainError) as early:
        order_fulfill(order, actor=pears["owner"], lines=[(line, 4, "4.0")])
    assert early.value.code == "fulfill_order_line" and early.value.field == "lines"
    assert line.product_sku in early.value.message

    order = refresh(order)
    assert order.status == OrderStatus.UNCONFIRMED and not order.fulfillments.exists()
    assert refresh(line).quantity_fulfilled == 0 and OrderEvent.objects.filter(order=order).count() == events
    assert stock_of(pears["variant"]) == stock_before

    presale_harvest(campaign, actor=pears["owner"], harvested_quantity=6, warehouse=pears["warehouse"])
    quantity, allocated = stock_of(pears["variant"])
    assert (quantity, allocated) == (stock_before[0] + 6, stock_before[1] + 4)
    order_fulfill(order, actor=pears["owner"], lines=[(line, 4, "4.0")])
    order = refresh(order)
    assert order.status == OrderStatus.FULFILLED and refresh(line).quantity_fulfilled == 4
    assert stock_of(pears["variant"]) == (quantity - 4, allocated - 4)  # the harvest left with the parcel


@pytest.fixture
def erp(make_user):
    """An app subscribed to every event, so each webhook leaves an outbox payload to count."""
    app, _raw = app_create(
        name="县供销社ERP", permissions=[OrderPermissions.MANAGE_ORDERS], actor=make_user(Role.OPERATOR)
    )
    webhook_row_insert(app=app, target_url="https://erp.example/hooks", events=["any_events"])
    return app


def fulfilled_webhooks(order) -> list[dict]:
    payloads = EventPayload.objects.filter(event_type="order_fulfilled").order_by("pk")
    return [
        data for data in (json.loads(p.payload)["data"] for p in payloads) if data["order"]["token"] == str(order.token)
    ]


def test_order_fulfilled_goes_out_once_when_the_last_part_ships(erp, buyer, rural, pears):
    apples = listed_product(pears["shop"], pears["owner"], rural, name="寒富苹果", price="5.00").variants.get()
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2), (apples, 3)], gateway=OFFLINE, action="CHARGE")
    lines = {line.variant_id: line for line in order.lines.all()}

    order_fulfill(order, actor=pears["owner"], lines=[(lines[pears["variant"].pk], 2, "2.0")], tracking_number="SF-1")
    order = refresh(order)
    assert (
        order.status == OrderStatus.PARTIALLY_FULFILLED and order.fulfilled_at is None and order.auto_confirm_at is None
    )
    assert fulfilled_webhooks(order) == [] and not OrderEvent.objects.filter(order=order, type="fulfilled").exists()
    part = OrderEvent.objects.get(order=order, type="note", data__partial_shipment=True)
    assert (part.data["fulfillment"], part.data["tracking_number"]) == (1, "SF-1")
    assert stock_of(pears["variant"]) == (18, 0) and stock_of(apples) == (20, 3)

    order_fulfill(order, actor=pears["owner"], lines=[(lines[apples.pk], 3, "3.0")], tracking_number="SF-2")
    order = refresh(order)
    assert order.status == OrderStatus.FULFILLED and order.auto_confirm_at is not None
    [sent] = fulfilled_webhooks(order)
    assert (
        sent["event"] == "fulfilled"
        and sent["order"]["status"] == OrderStatus.FULFILLED
        and sent["tracking_number"] == "SF-2"
    )
    assert OrderEvent.objects.filter(order=order, type="fulfilled").count() == 1
    assert stock_of(apples) == (17, 0)
    assert order.total_amount == order.charged_amount == Decimal("40.00") + order.shipping_amount


def test_a_pickup_order_is_ready_once_the_last_part_arrives(erp, buyer, rural, pears, station):
    apples = listed_product(pears["shop"], pears["owner"], rural, name="寒富苹果", price="5.00").variants.get()
    [order] = placed_orders(
        buyer, rural, [(pears["variant"], 1), (apples, 1)], gateway=OFFLINE, action="CHARGE", pickup=station
    )
    lines = {line.variant_id: line for line in order.lines.all()}
    order_fulfill(order, actor=pears["owner"], lines=[(lines[apples.pk], 1, "1.0")])
    assert (
        not OrderEvent.objects.filter(order=order, type="ready_for_pickup").exists() and fulfilled_webhooks(order) == []
    )
    order_fulfill(order, actor=pears["owner"], lines=[(lines[pears["variant"].pk], 1, "1.0")])
    assert OrderEvent.objects.filter(order=order, type="ready_for_pickup").count() == 1
    assert [data["event"] for data in fulfilled_webhooks(order)] == ["ready_for_pickup"]
