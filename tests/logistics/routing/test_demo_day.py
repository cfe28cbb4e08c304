"""The demo's logistics day: vans, 60 parcels to 40 villages, 10 produce pickups, a dispatched plan the
demo driver follows, one failed attempt and a cash day closed with a difference; made once a day."""

import pytest
from django.utils import timezone

from logistics.cash.models import CashDay
from logistics.geography.services import geography_load_county
from logistics.routing.demo_data import seed_fleet, seed_today
from logistics.routing.models import Leftover, PlannedRun, PlannedStop, ProducePickup, RoutePlan
from logistics.shipments.models import Shipment
from meidu.accounts.demo_data import seed_demo_users

pytestmark = pytest.mark.django_db


def test_the_demo_day(settings):
    geography_load_county()
    seed_demo_users()
    assert seed_fleet() == 3
    assert seed_today() == 70
    today = timezone.localdate()
    plan = RoutePlan.objects.get(day=today)
    assert plan.state == "dispatched"
    on_runs = sum(len(stop.parcels) for stop in PlannedStop.objects.filter(run__plan=plan))
    left = sum(len(row.parcels) for row in Leftover.objects.filter(plan=plan))
    assert on_runs + left == 60
    assert Shipment.objects.filter(status="failed_attempt").count() == 1
    assert ProducePickup.objects.filter(day=today).count() == 10
    assert PlannedRun.objects.filter(plan=plan, driver__phone="+8613800000006").exists()
    assert CashDay.objects.get().flagged
    assert seed_today() == 0 and Shipment.objects.count() == 60
