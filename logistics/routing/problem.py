"""The shape of a day's routing problem and its answer, free of any solver or database.

Units are the ones the solvers want: metres, seconds since midnight of the plan's day, grams. The
planning service converts kilograms and clock times at its edge so that rounding happens once."""

from __future__ import annotations

from dataclasses import dataclass, field

DAY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Stop:
    """One place to visit: parcels to drop (delivery_g) and farm produce to load (pickup_g).

    `opens_s`/`closes_s` is the station's opening window; `max_after_dispatch_s` bounds the time from
    the van leaving the hub to this stop (perishables: fresh pork, eggs); `vehicle` locks the stop to one
    vehicle (the dispatcher's choice)."""

    key: str
    point: Point
    delivery_g: int = 0
    pickup_g: int = 0
    service_s: int = 300
    opens_s: int = 0
    closes_s: int = DAY_SECONDS
    max_after_dispatch_s: int | None = None
    vehicle: str | None = None


@dataclass(frozen=True)
class Vehicle:
    """A van: its capacity and its shift (it leaves the hub at `starts_s`, is back by `starts_s + shift_s`)."""

    key: str
    capacity_g: int
    starts_s: int
    shift_s: int


@dataclass(frozen=True)
class Problem:
    hub: Point
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicle, ...]


@dataclass(frozen=True)
class Visit:
    stop_key: str
    arrives_s: int
    leaves_s: int
    load_g: int  # on board when the van leaves the stop


@dataclass(frozen=True)
class Route:
    vehicle_key: str
    visits: tuple[Visit, ...]
    distance_m: int
    duration_s: int
    leaves_hub_s: int
    back_at_hub_s: int


# Why a stop was left over, most specific first (the planning service translates them).
LEFTOVER_TOO_HEAVY = "too_heavy"  # heavier than the largest van
LEFTOVER_WINDOW_UNREACHABLE = "window_unreachable"  # no van reaches it inside its window (or perishable limit)
LEFTOVER_BEYOND_SHIFT = "beyond_shift"  # the round trip alone is longer than every shift
LEFTOVER_LOCKED_VEHICLE_MISSING = "locked_vehicle_missing"  # locked to a van that is not in the fleet
LEFTOVER_FLEET_FULL = "fleet_full"  # each alone would fit: the fleet ran out of capacity or time


@dataclass(frozen=True)
class Leftover:
    stop_key: str
    reason: str


@dataclass(frozen=True)
class Solution:
    routes: tuple[Route, ...]
    leftovers: tuple[Leftover, ...]
    distance_m: int
    solver: str
    solve_ms: int
    extra: dict = field(default_factory=dict)
