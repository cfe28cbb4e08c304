"""The planner's promises, on small problems a person can check: every stop served or left over with
its reason, loads never above capacity, windows and perishable limits kept, locks obeyed."""

from __future__ import annotations

from logistics.routing.matrix import EstimatedMatrix
from logistics.routing.problem import Point, Problem, Stop, Vehicle
from logistics.routing.solver import solve

HUB = Point(40.6448, 122.5091)
HOUR = 3600


def village(n: int) -> Point:
    return Point(40.60 + (n % 7) * 0.012, 122.40 + (n // 7) * 0.018)


def vans(count=2, capacity_kg=300, starts=8 * HOUR, shift=8 * HOUR):
    return tuple(Vehicle(f"van-{k}", capacity_kg * 1000, starts, shift) for k in range(count))


def plan(stops, vehicles, seconds=0.5):
    return solve(Problem(HUB, tuple(stops), vehicles), EstimatedMatrix(), seconds=seconds)


def visits_of(solution):
    return {v.stop_key: (route.vehicle_key, v) for route in solution.routes for v in route.visits}


def test_every_stop_is_on_a_run_and_loads_never_exceed_capacity():
    stops = [Stop(f"s{n}", village(n), delivery_g=40_000, pickup_g=30_000 if n % 4 == 0 else 0) for n in range(20)]
    solution = plan(stops, vans(count=4))
    assert not solution.leftovers
    assert sorted(visits_of(solution)) == sorted(s.key for s in stops)
    for route in solution.routes:
        start_load = sum(s.delivery_g for s in stops if s.key in {v.stop_key for v in route.visits})
        assert start_load <= 300_000
        assert all(0 <= v.load_g <= 300_000 for v in route.visits)
        assert route.leaves_hub_s == 8 * HOUR and route.back_at_hub_s <= 16 * HOUR


def test_station_windows_and_perishable_limits_are_kept():
    stops = [Stop(f"s{n}", village(n), delivery_g=10_000) for n in range(10)]
    stops[3] = Stop("afternoon", village(3), delivery_g=10_000, opens_s=13 * HOUR, closes_s=17 * HOUR)
    stops[7] = Stop("pork", village(30), delivery_g=10_000, max_after_dispatch_s=HOUR)
    solution = plan(stops, vans(count=2))
    seen = visits_of(solution)
    _van, afternoon = seen["afternoon"]
    assert 13 * HOUR <= afternoon.leaves_s - 300 <= 17 * HOUR
    _van, pork = seen["pork"]
    assert pork.arrives_s <= 8 * HOUR + HOUR


def test_a_locked_stop_rides_on_its_van():
    stops = [Stop(f"s{n}", village(n), delivery_g=20_000) for n in range(12)]
    stops[5] = Stop("locked", village(5), delivery_g=20_000, vehicle="van-1")
    for seed in (1, 2, 3):
        solution = solve(Problem(HUB, tuple(stops), vans(count=3)), EstimatedMatrix(), seconds=0.3, seed=seed)
        assert visits_of(solution)["locked"][0] == "van-1"


def test_what_cannot_fit_is_left_over_with_the_reason():
    stops = [
        Stop("too-heavy", village(1), delivery_g=900_000),
        Stop("closed-before-we-arrive", village(40), delivery_g=1_000, opens_s=0, closes_s=8 * HOUR + 60),
        Stop("missing-van", village(2), delivery_g=1_000, vehicle="van-99"),
        Stop("fine", village(3), delivery_g=1_000),
    ]
    solution = plan(stops, vans(count=1))
    reasons = {left.stop_key: left.reason for left in solution.leftovers}
    assert reasons == {
        "too-heavy": "too_heavy",
        "closed-before-we-arrive": "window_unreachable",
        "missing-van": "locked_vehicle_missing",
    }
    assert "fine" in visits_of(solution)


def test_a_full_fleet_leaves_the_rest_over_as_fleet_full():
    stops = [Stop(f"s{n}", village(n), delivery_g=100_000) for n in range(8)]
    solution = plan(stops, vans(count=1, capacity_kg=300))
    assert len(visits_of(solution)) == 3
    assert {left.reason for left in solution.leftovers} == {"fleet_full"}
    assert len(solution.leftovers) == 5


def test_no_vehicle_leaves_everything_over():
    solution = plan([Stop("s", village(1), delivery_g=1)], ())
    assert [(left.stop_key, left.reason) for left in solution.leftovers] == [("s", "fleet_full")]
