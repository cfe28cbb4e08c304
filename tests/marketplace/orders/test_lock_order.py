"""Fulfilment -> shipment, never the other way (orders.services.lifecycle's lock order): a delivery
that finds its shipment held by another connection waits for it, and a shipment step (a carrier's
push) goes through while the order is held, because it never locks the order. Were either side to
take them the other way round, these two waits would be a deadlock."""

from __future__ import annotations

import pytest

from logistics.shipments.models import Shipment, ShipmentStatus
from logistics.shipments.services import shipment_act
from marketplace.orders.models import Order, OrderStatus
from marketplace.orders.services.lifecycle import order_deliver, order_fulfill
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.support.races import holding, in_background

pytestmark = pytest.mark.django_db(transaction=True)


def shipped_paid(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, key="lock-order")
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.0")])
    order.refresh_from_db()
    return order, order.fulfillments.get().shipment


def test_a_delivery_waits_for_its_shipment_held_elsewhere(buyer, rural, pears):
    order, shipment = shipped_paid(buyer, rural, pears)
    with holding(lambda: Shipment.objects.select_for_update().get(pk=shipment.pk)):
        delivering = in_background(lambda: order_deliver(order, actor=buyer, by_buyer=True))
        assert delivering.running_after(1.0)  # holds the order, waits for the shipment
    assert delivering.result().status == OrderStatus.DELIVERED
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED


def test_a_shipment_step_never_waits_for_the_order(buyer, rural, pears):
    order, shipment = shipped_paid(buyer, rural, pears)
    with holding(lambda: Order.objects.select_for_update().get(pk=order.pk)):
        moving = in_background(lambda: shipment_act(shipment, "load_on_run", source="carrier"))
        event = moving.result(timeout=30)  # done while the order is still held
    assert event.status == Shipment.objects.get(pk=shipment.pk).status
