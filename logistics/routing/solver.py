"""Plan the day's village runs with PyVRP (hybrid genetic search, MIT, C++ core).

Why PyVRP: measured on the county-shaped instances shipped in `benchmarks/routing/` (see
benchmarks/RESULTS.md, "Village route planning"), PyVRP reaches the best known plan of the 94-stop day
within a few seconds and stays within the issue's 2% on 300 stops in 30 s, where OR-Tools' guided local
search needs several times longer for the same quality; VROOM is the fastest first answer but has no
notion of a time budget to trade for quality. PyVRP also models everything the county needs in one
place: capacities, station opening windows, service times, fixed departures from the hub, pickups
sharing the van with deliveries (the load is checked at every point of the route), optional visits
(what does not fit is left over, never dropped silently).

How the county's rules map onto it:
* A perishable stop's latest arrival is its window's close or the earliest departure plus its limit,
  whichever is sooner: a van leaving later reaches it sooner after its own dispatch, so the rule holds.
* A stop the dispatcher locks to a van carries one unit of an extra load dimension that only that van
  has room for: any other van would be overloaded, and overloaded plans are not accepted.
* A stop that no van could serve even alone (too heavy, its window out of reach, beyond the shift) is
  left over with that reason before solving; every other stop is optional with a prize far above any
  detour, so the solver visits all it can and what it can't is left over as "fleet full"."""

from __future__ import annotations

import time

from pyvrp import Model
from pyvrp.stop import MaxRuntime

from .matrix import UNREACHABLE, MatrixSource, TravelMatrix
from .problem import (
    LEFTOVER_BEYOND_SHIFT,
    LEFTOVER_FLEET_FULL,
    LEFTOVER_LOCKED_VEHICLE_MISSING,
    LEFTOVER_TOO_HEAVY,
    LEFTOVER_WINDOW_UNREACHABLE,
    Leftover,
    Problem,
    Route,
    Solution,
    Stop,
    Vehicle,
    Visit,
)

# A visit is worth more than any detour on a county map (metres): the solver leaves a stop out only when
# it cannot be served at all.
VISIT_PRIZE = 10**8
DEFAULT_SECONDS = 5.0


def solve(problem: Problem, matrix_source: MatrixSource, seconds: float = DEFAULT_SECONDS, seed: int = 1) -> Solution:
    """Routes for the fleet and the stops left over, with the reason for each."""
    started = time.perf_counter()
    vehicles_by_key = {v.key: v for v in problem.vehicles}
    leftovers: list[Leftover] = []
    candidates: list[Stop] = []
    for stop in problem.stops:
        if stop.vehicle is not None and stop.vehicle not in vehicles_by_key:
            leftovers.append(Leftover(stop.key, LEFTOVER_LOCKED_VEHICLE_MISSING))
        else:
            candidates.append(stop)
    if not candidates or not problem.vehicles:
        leftovers += [Leftover(s.key, LEFTOVER_FLEET_FULL) for s in candidates]
        return Solution((), tuple(leftovers), 0, "pyvrp", _ms(started))

    # A stop no van could serve even alone is left over before solving, with the exact reason: the
    # solver then works only on what is possible (and does not chase an infeasible visit).
    matrix = matrix_source.matrix([problem.hub] + [s.point for s in candidates])
    plannable: list[Stop] = []
    kept: list[int] = [0]
    for index, stop in enumerate(candidates, start=1):
        reason = _alone_impossible(stop, index, problem, matrix)
        if reason:
            leftovers.append(Leftover(stop.key, reason))
        else:
            plannable.append(stop)
            kept.append(index)
    if not plannable:
        return Solution((), tuple(leftovers), 0, "pyvrp", _ms(started), {"matrix": matrix_source.name})
    matrix = TravelMatrix(
        [[matrix.distance_m[i][j] for j in kept] for i in kept],
        [[matrix.duration_s[i][j] for j in kept] for i in kept],
    )
    model, lock_dims = _model(problem, plannable, matrix)
    result = model.solve(MaxRuntime(seconds), seed=seed, display=False, collect_stats=False)
    best = result.best
    if not best.is_feasible():
        # Should not happen (every stop is optional); refuse to hand out an infeasible plan.
        leftovers += [Leftover(s.key, LEFTOVER_FLEET_FULL) for s in plannable]
        return Solution((), tuple(leftovers), 0, "pyvrp", _ms(started), {"infeasible": True})

    routes, visited = _routes(best, problem.vehicles, plannable, matrix)
    for index, stop in enumerate(plannable):
        if index not in visited:
            leftovers.append(Leftover(stop.key, LEFTOVER_FLEET_FULL))
    distance = sum(r.distance_m for r in routes)
    extra = {"matrix": matrix_source.name, "lock_dimensions": len(lock_dims)}
    return Solution(tuple(routes), tuple(leftovers), distance, "pyvrp", _ms(started), extra)


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def latest_arrival_s(stop: Stop, vehicles: tuple[Vehicle, ...]) -> int:
    latest = stop.closes_s
    if stop.max_after_dispatch_s is not None and vehicles:
        latest = min(latest, min(v.starts_s for v in vehicles) + stop.max_after_dispatch_s)
    return latest


def _model(problem: Problem, stops: list[Stop], matrix: TravelMatrix) -> tuple[Model, list[str]]:
    lock_dims = sorted({s.vehicle for s in stops if s.vehicle is not None})
    dims = 1 + len(lock_dims)
    model = Model()
    locations = [model.add_location(x=problem.hub.longitude, y=problem.hub.latitude)]
    locations += [model.add_location(x=s.point.longitude, y=s.point.latitude) for s in stops]
    earliest = min(v.starts_s for v in problem.vehicles)
    latest = max(v.starts_s + v.shift_s for v in problem.vehicles)
    hub = model.add_depot(locations[0], tw_early=earliest, tw_late=latest)
    for vehicle in problem.vehicles:
        capacity = [vehicle.capacity_g] + [len(stops) if key == vehicle.key else 0 for key in lock_dims]
        model.add_vehicle_type(
            num_available=1,
            capacity=capacity,
            start_depot=hub,
            end_depot=hub,
            tw_early=vehicle.starts_s,
            start_late=vehicle.starts_s,
            tw_late=vehicle.starts_s + vehicle.shift_s,
            shift_duration=vehicle.shift_s,
            name=vehicle.key,
        )
    for stop, location in zip(stops, locations[1:], strict=True):
        lock = [1 if key == stop.vehicle else 0 for key in lock_dims]
        model.add_client(
            location,
            delivery=[stop.delivery_g] + lock,
            pickup=[stop.pickup_g] + [0] * (dims - 1),
            service_duration=stop.service_s,
            tw_early=stop.opens_s,
            tw_late=max(stop.opens_s, latest_arrival_s(stop, problem.vehicles)),
            prize=VISIT_PRIZE,
            required=False,
            name=stop.key,
        )
    for i, frm in enumerate(locations):
        for j, to in enumerate(locations):
            model.add_edge(frm, to, distance=matrix.distance_m[i][j], duration=matrix.duration_s[i][j])
    return model, lock_dims


def _routes(best, vehicles: tuple[Vehicle, ...], stops: list[Stop], matrix: TravelMatrix):
    routes: list[Route] = []
    visited: set[int] = set()
    for route in best.routes():
        vehicle = vehicles[route.vehicle_type()]
        clients = [a for a in route.schedule() if a.is_client()]
        indices = [a.idx for a in clients]
        visited.update(indices)
        load = sum(stops[i].delivery_g for i in indices)
        visits = []
        for activity in clients:
            stop = stops[activity.idx]
            load = load - stop.delivery_g + stop.pickup_g
            visits.append(
                Visit(
                    stop_key=stop.key,
                    arrives_s=activity.start_time - activity.wait_duration,
                    leaves_s=activity.end_time,
                    load_g=load,
                )
            )
        routes.append(
            Route(
                vehicle_key=vehicle.key,
                visits=tuple(visits),
                distance_m=route.distance(),
                duration_s=route.duration(),
                leaves_hub_s=route.start_time(),
                back_at_hub_s=route.end_time(),
            )
        )
    return routes, visited


def _alone_impossible(stop: Stop, location: int, problem: Problem, matrix: TravelMatrix) -> str | None:
    """Why no van could serve this stop even if it were the only one, or None."""
    vans = [v for v in problem.vehicles if stop.vehicle in (None, v.key)]
    if all(max(stop.delivery_g, stop.pickup_g) > v.capacity_g for v in vans):
        return LEFTOVER_TOO_HEAVY
    out, back = matrix.duration_s[0][location], matrix.duration_s[location][0]
    if out >= UNREACHABLE or back >= UNREACHABLE:
        return LEFTOVER_WINDOW_UNREACHABLE
    latest = latest_arrival_s(stop, problem.vehicles)
    if all(v.starts_s + out > latest for v in vans):
        return LEFTOVER_WINDOW_UNREACHABLE
    if all(max(v.starts_s + out, stop.opens_s) + stop.service_s + back > v.starts_s + v.shift_s for v in vans):
        return LEFTOVER_BEYOND_SHIFT
    return None
