"""Farmers book produce for the vans' return trip: planned with the parcels (sharing the van's load),
loaded only by the driver of the run that carries it; bad bookings refused with nothing written."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from logistics.geography.models import Village
from logistics.geography.services import geography_load_county
from logistics.routing.models import PlannedStop, ProducePickup, Vehicle
from logistics.routing.selectors import day_demand
from logistics.routing.services import produce_pickup_book, produce_pickup_load, route_plan_create, route_plan_dispatch
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError
from tests.support.buying import html, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(db):
    geography_load_county()
    return Village.objects.select_related("town").order_by("code").first()


def test_a_booked_pickup_rides_on_a_run_and_only_its_driver_loads_it(make_user, village):
    farmer, driver, other = make_user(Role.SELLER), make_user(Role.DRIVER), make_user(Role.DRIVER)
    Vehicle.objects.create(
        code="V1",
        name="van",
        capacity_kg=Decimal("800"),
        shift_starts=time(7, 30),
        shift_hours=Decimal("9"),
        driver=driver,
    )
    today = timezone.localdate()
    pickup = produce_pickup_book(farmer, village, today, "南果梨 20 箱", "300")
    [demand] = day_demand(today)[0]
    assert demand.pickup_kg == Decimal("300.0") and demand.pickups == [pickup.reference]
    dispatcher = make_user(Role.OPERATOR)
    plan = route_plan_dispatch(route_plan_create(today, [demand], actor=dispatcher, seconds=0), actor=dispatcher)
    stop = PlannedStop.objects.get(run__plan=plan)
    assert stop.pickups == [pickup.reference] and stop.load_kg == Decimal("300.0")
    with pytest.raises(DomainError):
        produce_pickup_load(pickup, driver=other)
    assert login(driver).post(reverse("station:pickup_load", args=[pickup.pk])).status_code == 302
    pickup.refresh_from_db()
    assert pickup.state == "loaded" and pickup.loaded_by == driver


@pytest.mark.parametrize(
    ("days", "weight", "description"),
    [
        (-1, "10", "玉米"),
        (15, "10", "玉米"),
        (0, "0", "玉米"),
        (0, "NaN", "玉米"),
        (0, "1e30", "玉米"),
        (0, "-5", "玉米"),
        (0, "10", "   "),
        (0, "10", "梨" * 121),
    ],
)
def test_bad_bookings_are_refused(make_user, village, days, weight, description):
    with pytest.raises(DomainError):
        produce_pickup_book(make_user(), village, timezone.localdate() + timedelta(days=days), description, weight)
    assert not ProducePickup.objects.exists()


def test_the_booking_page(make_user, village):
    farmer = login(make_user(Role.SELLER))
    page = farmer.get(reverse("station:pickups"))
    assert page.status_code == 200 and village.name in html(page)
    farmer.post(
        reverse("station:pickups"),
        {
            "village": village.pk,
            "day": timezone.localdate().isoformat(),
            "description": "笨猪肉 一头",
            "weight_kg": "90",
        },
    )
    assert ProducePickup.objects.get().description == "笨猪肉 一头"
    refused = farmer.post(reverse("station:pickups"), {"village": "x", "day": "", "description": "", "weight_kg": ""})
    assert refused.status_code == 200 and ProducePickup.objects.count() == 1
