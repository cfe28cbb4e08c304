"""A driver records a failed attempt with its reason (the buyer's tracking shows it; the order stays
shipped to be tried again); once the runs are dispatched, another driver cannot touch that parcel."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from logistics.geography.models import Village
from logistics.routing.models import Vehicle
from logistics.routing.selectors import day_demand
from logistics.routing.services import route_plan_create, route_plan_dispatch
from marketplace.orders.models import OrderStatus
from marketplace.orders.services.delivery import FAILURE_REASONS
from marketplace.orders.services.lifecycle import order_fulfill
from meidu.accounts.models import Address
from meidu.accounts.roles import Role
from storefront.station.runs import REASON_LABELS
from tests.marketplace.checkout.helpers import placed_orders
from tests.support.buying import html, login


@pytest.fixture
def parcel(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)])
    Address.objects.filter(pk=order.shipping_address_id).update(village=Village.objects.order_by("code").first())
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.0")], local_delivery=True)
    return order


def test_every_reason_has_a_label():
    assert set(REASON_LABELS) == set(FAILURE_REASONS)


def test_a_failed_attempt_is_recorded_and_the_buyer_sees_it(make_user, buyer, parcel):
    driver = login(make_user(Role.DRIVER))
    driver.post(
        reverse("station:delivery_failed", args=[parcel.number]), {"reason": "nobody_home", "note": "电话没人接"}
    )
    parcel.refresh_from_db()
    shipment = parcel.fulfillments.get().shipment
    assert parcel.status == OrderStatus.FULFILLED and shipment.status == "failed_attempt"
    assert shipment.events.last().reason == "nobody_home: 电话没人接"
    page = html(login(buyer).get(reverse("shop:order", args=[parcel.number])))
    assert shipment.number in page and "电话没人接" in page
    # tried again the next morning: handed over with the cash
    driver.post(reverse("station:hand_over", args=[parcel.number]), {"cash_collected": "on"})
    shipment.refresh_from_db()
    assert shipment.status == "delivered" and shipment.failed_attempts == 1


def test_a_reason_is_required(make_user, parcel):
    driver = login(make_user(Role.DRIVER))
    driver.post(reverse("station:delivery_failed", args=[parcel.number]), {"reason": "aliens"})
    assert parcel.fulfillments.get().shipment.status == "created"


def test_another_drivers_parcel_is_refused_once_dispatched(make_user, parcel):
    mine, other = make_user(Role.DRIVER), make_user(Role.DRIVER)
    Vehicle.objects.create(
        code="V1",
        name="van",
        capacity_kg=Decimal("800"),
        shift_starts=time(7, 30),
        shift_hours=Decimal("9"),
        driver=mine,
    )
    dispatcher = make_user(Role.OPERATOR)
    plan = route_plan_create(timezone.localdate(), day_demand(timezone.localdate())[0], actor=dispatcher, seconds=0)
    route_plan_dispatch(plan, actor=dispatcher)
    refused = login(other).post(
        reverse("station:hand_over", args=[parcel.number]), {"cash_collected": "on"}, follow=True
    )
    parcel.refresh_from_db()
    assert parcel.status == OrderStatus.FULFILLED and "另一位司机" in html(refused)
    login(other).post(reverse("station:delivery_failed", args=[parcel.number]), {"reason": "refused"})
    assert parcel.fulfillments.get().shipment.status == "created"
    login(mine).post(reverse("station:hand_over", args=[parcel.number]), {"cash_collected": "on"})
    parcel.refresh_from_db()
    assert parcel.status == OrderStatus.DELIVERED
