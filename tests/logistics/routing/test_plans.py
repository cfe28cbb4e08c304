"""Plans of a day: drafts superseded by re-plans, locks kept, one dispatched plan that no longer changes,
and each refusal with its code and nothing written."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from logistics.geography.models import Village
from logistics.geography.services import geography_load_county
from logistics.routing.demand import StopDemand
from logistics.routing.models import Leftover, PlannedStop, PlanState, RoutePlan, StopLock, Vehicle
from logistics.routing.services import route_plan_create, route_plan_dispatch, route_stop_lock
from meidu.accounts.roles import Role
from meidu.core.errors import DomainError


@pytest.fixture
def fleet(db, make_user):
    geography_load_county()
    driver = make_user(Role.DRIVER)
    return [
        Vehicle.objects.create(
            code=f"V{n}",
            name=f"van {n}",
            capacity_kg=Decimal("500"),
            shift_starts=time(7, 30),
            shift_hours=Decimal("9"),
            driver=driver if n == 1 else None,
        )
        for n in (1, 2)
    ]


@pytest.fixture
def dispatcher(make_user):
    return make_user(Role.OPERATOR)


def demands(count=12, kg="30"):
    villages = Village.objects.select_related("town").order_by("code")[:count]
    out = []
    for village in villages:
        stop = StopDemand(
            key=f"village:{village.code}",
            label=village.name,
            latitude=float(village.latitude),
            longitude=float(village.longitude),
            village_id=village.pk,
        )
        stop.add_parcel(f"#{village.pk}", Decimal(kg), Decimal("12.50"))
        out.append(stop)
    return out


def test_a_plan_serves_every_stop_and_a_re_plan_supersedes_the_draft(fleet, dispatcher):
    today = timezone.localdate()
    first = route_plan_create(today, demands(), actor=dispatcher, seconds=0.3)
    assert first.state == PlanState.DRAFT and not first.leftovers.exists()
    stops = PlannedStop.objects.filter(run__plan=first)
    assert stops.count() == 12
    assert sum(s.cash_to_collect for s in stops) == Decimal("150.00")
    assert all(timezone.localtime(s.arrives_at).date() == today for s in stops)
    second = route_plan_create(today, demands(), actor=dispatcher, seconds=0.3)
    first.refresh_from_db()
    assert first.state == PlanState.SUPERSEDED and second.state == PlanState.DRAFT


def test_a_lock_moves_the_stop_to_that_van_on_the_next_plan(fleet, dispatcher):
    today = timezone.localdate()
    wanted = demands()
    key = wanted[4].key
    route_stop_lock(today, key, fleet[1], actor=dispatcher)
    plan = route_plan_create(today, wanted, actor=dispatcher, seconds=0.3)
    stop = PlannedStop.objects.get(run__plan=plan, key=key)
    assert stop.run.vehicle == fleet[1] and stop.locked


def test_what_does_not_fit_is_left_over_not_dropped(fleet, dispatcher):
    plan = route_plan_create(timezone.localdate(), demands(kg="400"), actor=dispatcher, seconds=0.3)
    on_runs = PlannedStop.objects.filter(run__plan=plan).count()
    left = list(Leftover.objects.filter(plan=plan))
    assert on_runs == 2 and len(left) == 10 and {row.reason for row in left} == {"fleet_full"}
    assert all(row.parcels for row in left)


def test_a_dispatched_plan_no_longer_changes(fleet, dispatcher):
    today = timezone.localdate()
    plan = route_plan_dispatch(route_plan_create(today, demands(), actor=dispatcher, seconds=0.3), actor=dispatcher)
    assert plan.state == PlanState.DISPATCHED and plan.dispatched_at
    before = RoutePlan.objects.count()
    for attempt in (
        lambda: route_plan_create(today, demands(), actor=dispatcher, seconds=0.3),
        lambda: route_stop_lock(today, "village:ZJ-01", fleet[0], actor=dispatcher),
        lambda: route_plan_dispatch(plan, actor=dispatcher),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "already_dispatched"
    assert RoutePlan.objects.count() == before and not StopLock.objects.exists()


@pytest.mark.parametrize(
    ("case", "code"),
    [("past", "day_in_past"), ("empty", "nothing_to_plan"), ("no_fleet", "no_fleet")],
)
def test_refusals_write_nothing(fleet, dispatcher, case, code):
    day = timezone.localdate()
    wanted = demands()
    if case == "past":
        day -= timedelta(days=1)
    elif case == "empty":
        wanted = []
    else:
        Vehicle.objects.update(active=False)
    with pytest.raises(DomainError) as refused:
        route_plan_create(day, wanted, actor=dispatcher, seconds=0.3)
    assert refused.value.code == code
    assert not RoutePlan.objects.exists()
