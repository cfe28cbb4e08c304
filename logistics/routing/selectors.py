"""Reads of the day's plans for the dispatcher, the drivers and the manifests."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from logistics.shipments.models import Carrier, Shipment, ShipmentStatus

from .demand import StopDemand
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


def parcels_run_drivers(day: date, shipment_numbers: list[str]) -> set[int | None]:
    """The drivers of the day's dispatched runs that carry any of these shipments (empty: none does)."""
    found: set[int | None] = set()
    for number in shipment_numbers:
        found.update(
            PlannedStop.objects.filter(
                run__plan__day=day, run__plan__state=PlanState.DISPATCHED, parcels__contains=[number]
            ).values_list("run__driver_id", flat=True)
        )
    return found


def produce_pickups_booked(day: date) -> QuerySet[ProducePickup]:
    return ProducePickup.objects.filter(day=day, state=PickupState.BOOKED).select_related("village__town", "farmer")


def produce_pickups_of_farmer(farmer) -> QuerySet[ProducePickup]:
    return ProducePickup.objects.filter(farmer=farmer).select_related("village__town").order_by("-day", "-id")[:20]


def produce_pickup_get(pickup_id: int) -> ProducePickup | None:
    return ProducePickup.objects.filter(pk=pickup_id).first()


def shipments_for_runs(limit: int = 5000) -> QuerySet[Shipment]:
    """County-run shipments waiting for a van: new, at the hub, or back from a failed attempt."""
    return (
        Shipment.objects.filter(
            carrier=Carrier.COUNTY_RUN,
            status__in=[ShipmentStatus.CREATED, ShipmentStatus.AT_HUB, ShipmentStatus.FAILED_ATTEMPT],
        )
        .select_related("village__town")
        .order_by("id")[:limit]
    )


def day_demand(day) -> tuple[list[StopDemand], list]:
    """What the day asks of the fleet: the county-run shipments waiting at the hub (created, back from a
    failed attempt) and the produce booked for the day, one stop per village; and the shipments without
    a village in the county, which cannot go on a run."""
    stops: dict[str, StopDemand] = {}
    unplaceable = []
    for shipment in shipments_for_runs():
        if shipment.village is None:
            unplaceable.append(shipment)
            continue
        _stop(stops, shipment.village).add_parcel(shipment.number, shipment.weight_kg, shipment.cash_to_collect)
    for pickup in produce_pickups_booked(day):
        stop = _stop(stops, pickup.village)
        stop.pickup_kg += pickup.weight_kg
        stop.pickups.append(pickup.reference)
    return list(stops.values()), unplaceable


def _stop(stops: dict[str, StopDemand], village) -> StopDemand:
    key = f"village:{village.code}"
    if key not in stops:
        stops[key] = StopDemand(
            key=key,
            label=f"{village.town.name}{village.name}",
            latitude=float(village.latitude),
            longitude=float(village.longitude),
            village_id=village.pk,
        )
    return stops[key]
