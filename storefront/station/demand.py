"""The day's demand for the route planner, from the parcels on the county runs, one stop per village.

Lives with the pages because it joins two domains: the marketplace's parcels and logistics' planner
(logistics sits below the marketplace and cannot read orders)."""

from __future__ import annotations

from decimal import Decimal

from logistics.routing.demand import StopDemand
from marketplace.orders.selectors import village_run_parcels

GRAMS = Decimal(1000)


def day_demand() -> tuple[list[StopDemand], list]:
    """(stops to plan, parcels without a village in the county: they cannot go on a run)."""
    stops: dict[str, StopDemand] = {}
    unplaceable = []
    for order in village_run_parcels():
        address = order.shipping_address
        village = address.village if address else None
        if village is None:
            unplaceable.append(order)
            continue
        key = f"village:{village.code}"
        stop = stops.get(key)
        if stop is None:
            stop = stops[key] = StopDemand(
                key=key,
                label=f"{village.town.name}{village.name}",
                latitude=float(village.latitude),
                longitude=float(village.longitude),
                village_id=village.pk,
            )
        outstanding = max(order.total_amount - order.charged_amount, Decimal("0"))
        stop.add_parcel(f"#{order.number}", Decimal(order.weight_grams) / GRAMS, outstanding)
    return list(stops.values()), unplaceable
