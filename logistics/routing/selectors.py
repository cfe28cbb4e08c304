"""Reads of the day's plans for the dispatcher, the drivers and the manifests."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from .models import Leftover, PickupState, PlannedRun, PlannedStop, PlanState, ProducePickup, RoutePlan, Vehicle


def route_plan_current(day: date) -> RoutePlan | None:
    """The dispatched plan of the day, else its newest draft."""
    plans = RoutePlan.objects.filter(day=day).exclude(state=PlanState.SUPERSEDED)
    return plans.order_by("-state", "-id").first()  # "dispatched" sorts after "draft"


def route_plan_runs(plan: RoutePlan) -> QuerySet[PlannedRun]:
    """The plan's runs with their vans, drivers and stops in order (three queries whatever the size)."""
    return (
        plan.runs.select_related("vehicle", "driver")
        .prefetch_related(Prefetch("stops", queryset=PlannedStop.objects.select_related("village__town")))
        .order_by("vehicle__code")
    )


def route_plan_leftovers(plan: RoutePlan) -> QuerySet[Leftover]:
    return plan.leftovers.order_by("key")


def route_run_get(run_id: int) -> PlannedRun | None:
    return (
        PlannedRun.objects.select_related("plan", "vehicle", "driver")
        .prefetch_related(Prefetch("stops", queryset=PlannedStop.objects.select_related("village__town")))
        .filter(pk=run_id)
        .first()
    )


def route_run_of_driver(day: date, user) -> PlannedRun | None:
    """The driver's own run on the day's dispatched plan (drivers see no other run)."""
    return (
        PlannedRun.objects.select_related("plan", "vehicle")
        .prefetch_related(Prefetch("stops", queryset=PlannedStop.objects.select_related("village__town")))
        .filter(plan__day=day, plan__state=PlanState.DISPATCHED, driver=user)
        .first()
    )


def vehicles_active() -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(active=True).select_related("driver").order_by("code")


def vehicle_active_get(code: str) -> Vehicle | None:
    return Vehicle.objects.filter(code=code, active=True).first()


def parcel_run_driver_id(day: date, reference: str) -> tuple[bool, int | None]:
    """(whether the parcel is on a run of the day's dispatched plan, that run's driver id)."""
    rows = list(
        PlannedStop.objects.filter(
            run__plan__day=day, run__plan__state=PlanState.DISPATCHED, parcels__contains=[reference]
        ).values_list("run__driver_id", flat=True)[:1]
    )
    return (True, rows[0]) if rows else (False, None)


def produce_pickups_booked(day: date) -> QuerySet[ProducePickup]:
    return ProducePickup.objects.filter(day=day, state=PickupState.BOOKED).select_related("village__town", "farmer")


def produce_pickups_of_farmer(farmer) -> QuerySet[ProducePickup]:
    return ProducePickup.objects.filter(farmer=farmer).select_related("village__town").order_by("-day", "-id")[:20]


def produce_pickup_get(pickup_id: int) -> ProducePickup | None:
    return ProducePickup.objects.filter(pk=pickup_id).first()
