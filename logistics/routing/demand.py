"""What a day asks of the fleet, one entry per place: parcels to drop and produce to load there.

Built by whoever knows the day's parcels (today the county run sheet's orders, grouped by village;
shipments when they land) and handed to `route_plan_create`, which knows nothing of orders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal


@dataclass
class StopDemand:
    key: str  # stable across re-plans of a day, e.g. "village:ZJ-01" (locks refer to it)
    label: str
    latitude: float
    longitude: float
    village_id: int | None = None
    delivery_kg: Decimal = Decimal("0")
    pickup_kg: Decimal = Decimal("0")
    cash_to_collect: Decimal = Decimal("0")
    parcels: list[str] = field(default_factory=list)
    pickups: list[str] = field(default_factory=list)
    opens: time = time(8, 0)
    closes: time = time(18, 0)
    service_minutes: int = 5
    perishable_hours: Decimal | None = None  # fresh pork, eggs: latest arrival after the van leaves

    def add_parcel(self, reference: str, kg: Decimal, cash: Decimal = Decimal("0"), perishable_hours=None) -> None:
        self.parcels.append(reference)
        self.delivery_kg += kg
        self.cash_to_collect += cash
        if perishable_hours is not None:
            current = self.perishable_hours
            self.perishable_hours = perishable_hours if current is None else min(current, perishable_hours)
