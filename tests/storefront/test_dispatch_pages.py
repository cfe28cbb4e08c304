"""The dispatcher plans the day's runs from the parcels on the county runs and dispatches them; each
driver sees their own run, its manifest and its map, and no other van's."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from logistics.geography.models import Village
from logistics.routing.models import PlannedRun, PlanState, RoutePlan, Vehicle
from marketplace.orders.services.lifecycle import order_fulfill
from meidu.accounts.models import Address
from meidu.accounts.roles import Role
from tests.marketplace.checkout.helpers import placed_orders
from tests.support.buying import html, login


@pytest.fixture
def parcel(buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)])
    village = Village.objects.order_by("code").first()
    Address.objects.filter(pk=order.shipping_address_id).update(village=village)
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.0")], local_delivery=True)
    return order


@pytest.fixture
def drivers(make_user):
    one, two = make_user(Role.DRIVER), make_user(Role.DRIVER)
    for n, driver in enumerate((one, two), start=1):
        Vehicle.objects.create(
            code=f"V{n}",
            name=f"van {n}",
            capacity_kg=Decimal("800"),
            shift_starts=time(7, 30),
            shift_hours=Decimal("9"),
            driver=driver,
        )
    return one, two


def test_dispatcher_plans_dispatches_and_the_driver_sees_only_their_run(settings, make_user, parcel, drivers):
    settings.LOGISTICS_ROUTE_SECONDS = 0
    dispatcher = login(make_user(Role.OPERATOR))
    board = dispatcher.get(reverse("station:dispatch"))
    assert board.status_code == 200 and "村" in html(board)
    dispatcher.post(reverse("station:dispatch_plan"), {"day": ""}, follow=True)
    plan = RoutePlan.objects.get()
    run = PlannedRun.objects.get(plan=plan)
    assert parcel.fulfillments.get().shipment.number in run.stops.get().parcels
    assert run.stops.get().cash_to_collect == parcel.total_amount
    dispatcher.post(reverse("station:dispatch_go"), {"day": ""}, follow=True)
    plan.refresh_from_db()
    assert plan.state == PlanState.DISPATCHED

    mine, other = (login(d) for d in drivers) if run.driver == drivers[0] else (login(d) for d in drivers[::-1])
    sheet = html(mine.get(reverse("station:runs")))
    assert run.vehicle.code in sheet and run.stops.get().label in sheet
    manifest = mine.get(reverse("station:run_manifest", args=[run.pk]))
    assert manifest["Content-Type"] == "application/pdf" and manifest.content.startswith(b"%PDF")
    picture = mine.get(reverse("station:run_map", args=[run.pk]))
    assert picture["Content-Type"].startswith("image/svg+xml") and b"<polyline" in picture.content
    assert other.get(reverse("station:run_manifest", args=[run.pk])).status_code == 404
    assert other.get(reverse("station:run_map", args=[run.pk])).status_code == 404
    assert reverse("station:run_manifest", args=[run.pk]) not in html(other.get(reverse("station:runs")))


def test_only_the_dispatcher_plans(make_user, parcel, drivers):
    for role in (Role.DRIVER, Role.BUYER, Role.SELLER):
        client = login(make_user(role))
        assert client.get(reverse("station:dispatch")).status_code == 403
        assert client.post(reverse("station:dispatch_plan"), {"day": ""}).status_code == 403
    assert not RoutePlan.objects.exists()


def test_the_board_in_english_and_bad_input(settings, make_user, parcel, drivers):
    settings.LOGISTICS_ROUTE_SECONDS = 0
    dispatcher = login(make_user(Role.OPERATOR))
    page = dispatcher.get(reverse("station:dispatch") + "?day=not-a-day", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Village runs" in html(page)
    refused = dispatcher.post(reverse("station:dispatch_plan"), {"day": "2020-01-01"}, follow=True)
    assert refused.status_code == 200 and not RoutePlan.objects.exists()
    locked = dispatcher.post(reverse("station:dispatch_lock"), {"day": "", "key": "village:x", "vehicle": "NOPE"})
    assert locked.status_code == 302
