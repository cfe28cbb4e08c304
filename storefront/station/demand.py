"""The day's demand for the route planner, from the parcels on the county runs, one stop per village.

Lives with the pages because it joins two domains: the marketplace's parcels and logistics' planner
(logistics sits below the marketplace and cannot read orders)."""

from __future__ import annotations

from decimal import Decimal

from logistics.routing.demand import StopDemand
from logistics.routing.selectors import produce_pickups_booked
from marketplace.orders.selectors import village_run_parcels

GRAMS = Decimal(1000)


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


def day_demand(day) -> tuple[list[StopDemand], list]:
    """(stops to plan: the parcels waiting on the runs and the day's produce pickups, one stop a village;
    parcels without a village in the county, which cannot go on a run)."""
    stops: dict[str, StopDemand] = {}
    unplaceable = []
    for order in village_run_parcels():
        address = order.shipping_address
        village = address.village if address else None
        if village is None:
            unplaceable.append(order)
            continue
        stop = _stop(stops, village)
        outstanding = max(order.total_amount - order.charged_amount, Decimal("0"))
        stop.add_parcel(f"#{order.number}", Decimal(order.weight_grams) / GRAMS, outstanding)
    for pickup in produce_pickups_booked(day):
        stop = _stop(stops, pickup.village)
        stop.pickup_kg += pickup.weight_kg
        stop.pickups.append(pickup.reference)
    return list(stops.values()), unplaceable
