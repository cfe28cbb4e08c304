"""Plan, lock and dispatch the day's village runs.

Lock order (every write of a day's plan, in this order, never the other way round):

1. the day's advisory lock (``route_day_lock``: ``pg_advisory_xact_lock`` on the day), taken first by
   ``route_plan_create``, ``route_stop_lock`` and ``route_plan_dispatch``: two dispatchers planning,
   pinning a stop or dispatching the same day queue here, and the "not dispatched yet" check is made
   after it, so no draft and no stop lock is written for a day whose vans already left;
2. the day's RoutePlan rows (dispatch's ``select_for_update``; the create's UPDATE of older drafts);
3. the day's StopLock rows (pin or unpin) and the new plan's runs, stops and leftovers.

The solver runs before the transaction (it takes seconds and holds no row). A ProducePickup row is
locked alone (``produce_pickup_load``), never with the plan's locks. Orders and shipments are only
read here (the demand); the marketplace's order -> shipment order (orders.services.delivery) is
never entered while a day lock is held."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.permissions import LogisticsPermissions

from .demand import StopDemand
from .error_codes import RoutingErrorCode
from .matrix import DailyCachedMatrix, EstimatedMatrix, MatrixUnavailable, OsrmMatrix
from .models import (
    Leftover,
    PickupState,
    PlannedRun,
    PlannedStop,
    PlanState,
    ProducePickup,
    RoutePlan,
    StopLock,
    Vehicle,
)
from .problem import Point, Problem, Stop
from .problem import Vehicle as VehicleSpec
from .solver import solve

GRAMS = Decimal(1000)
MAX_STOPS = 2000  # far above the county's 89 villages; beyond it the plan is refused, not attempted


def _seconds(moment) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _kg_to_g(kg: Decimal) -> int:
    return int((kg * GRAMS).to_integral_value(ROUND_HALF_UP))


def _g_to_kg(grams: int) -> Decimal:
    return (Decimal(grams) / GRAMS).quantize(Decimal("0.1"), ROUND_HALF_UP)


def hub_point() -> Point:
    return Point(float(settings.LOGISTICS_HUB_LATITUDE), float(settings.LOGISTICS_HUB_LONGITUDE))


def matrix_source(day: date):
    """The configured road matrix, cached for the day; the estimate when no server is configured."""
    url = getattr(settings, "LOGISTICS_ROAD_MATRIX_URL", "")
    source = OsrmMatrix(url) if url else EstimatedMatrix(float(settings.LOGISTICS_ROAD_FACTOR))
    return DailyCachedMatrix(source, cache, day.isoformat())


def _at(day: date, seconds: int) -> datetime:
    midnight = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return midnight + timedelta(seconds=seconds)


def _refuse_dispatched(day: date) -> None:
    if RoutePlan.objects.filter(day=day, state=PlanState.DISPATCHED).exists():
        raise DomainError(
            _("The runs of this day have left the hub: the plan can no longer change"),
            RoutingErrorCode.ALREADY_DISPATCHED,
            field="day",
        )


def route_day_lock(day: date) -> None:
    """The first lock of every write of ``day``'s plan (see the module's lock order)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x524F5554, day.toordinal()])


def route_plan_create(day: date, demands: list[StopDemand], *, actor, seconds: float | None = None) -> RoutePlan:
    """Solve the day's runs for the active fleet and keep them as the day's draft (older drafts are
    superseded). Every place is either on a run or a leftover with its reason."""
    if day < timezone.localdate():
        raise DomainError(_("A day in the past cannot be planned"), RoutingErrorCode.DAY_IN_PAST, field="day")
    _refuse_dispatched(day)
    vehicles = list(Vehicle.objects.filter(active=True).order_by("code"))
    if not vehicles:
        raise DomainError(_("There is no active vehicle to plan for"), RoutingErrorCode.NO_FLEET)
    if not demands:
        raise DomainError(_("There is nothing to deliver or collect on this day"), RoutingErrorCode.NOTHING_TO_PLAN)
    if len(demands) > MAX_STOPS:
        raise DomainError(_("Too many stops for one day's plan"), RoutingErrorCode.INVALID)
    locks = dict(StopLock.objects.filter(day=day).values_list("key", "vehicle__code"))
    by_key = {d.key: d for d in demands}
    problem = Problem(
        hub=hub_point(),
        stops=tuple(_stop(d, locks.get(d.key)) for d in demands),
        vehicles=tuple(
            VehicleSpec(
                key=v.code,
                capacity_g=_kg_to_g(v.capacity_kg),
                starts_s=_seconds(v.shift_starts),
                shift_s=int(v.shift_hours * 3600),
            )
            for v in vehicles
        ),
    )
    budget = float(settings.LOGISTICS_ROUTE_SECONDS if seconds is None else seconds)
    source = matrix_source(day)
    try:
        solution = solve(problem, source, seconds=budget)
    except MatrixUnavailable:
        # A road server that is down must not stop the vans: plan on the estimate, and say so on the plan.
        solution = solve(problem, EstimatedMatrix(float(settings.LOGISTICS_ROAD_FACTOR)), seconds=budget)
    by_code = {v.code: v for v in vehicles}
    with transaction.atomic():
        route_day_lock(day)
        _refuse_dispatched(day)
        RoutePlan.objects.filter(day=day, state=PlanState.DRAFT).update(state=PlanState.SUPERSEDED)
        plan = RoutePlan.objects.create(
            day=day,
            solver=solution.solver,
            matrix=solution.extra.get("matrix", "estimate"),
            solve_ms=solution.solve_ms,
            distance_m=solution.distance_m,
            created_by=actor,
        )
        stops = []
        for route in solution.routes:
            vehicle = by_code[route.vehicle_key]
            run = PlannedRun.objects.create(
                plan=plan,
                vehicle=vehicle,
                driver=vehicle.driver,
                distance_m=route.distance_m,
                duration_s=route.duration_s,
                leaves_at=_at(day, route.leaves_hub_s),
                back_at=_at(day, route.back_at_hub_s),
            )
            for position, visit in enumerate(route.visits, start=1):
                demand = by_key[visit.stop_key]
                stops.append(
                    PlannedStop(
                        run=run,
                        position=position,
                        key=demand.key,
                        label=demand.label[:128],
                        village_id=demand.village_id,
                        arrives_at=_at(day, visit.arrives_s),
                        leaves_at=_at(day, visit.leaves_s),
                        delivery_kg=demand.delivery_kg,
                        pickup_kg=demand.pickup_kg,
                        load_kg=_g_to_kg(visit.load_g),
                        cash_to_collect=demand.cash_to_collect,
                        parcels=demand.parcels,
                        pickups=demand.pickups,
                        locked=demand.key in locks,
                    )
                )
        PlannedStop.objects.bulk_create(stops)
        Leftover.objects.bulk_create(
            Leftover(
                plan=plan,
                key=left.stop_key,
                label=by_key[left.stop_key].label[:128],
                reason=left.reason,
                parcels=by_key[left.stop_key].parcels,
            )
            for left in solution.leftovers
        )
        audit_record(
            "routing.plan_create",
            actor=actor,
            target=plan,
            data={"day": day.isoformat(), "stops": len(demands), "leftovers": len(solution.leftovers)},
        )
    return plan


def _stop(demand: StopDemand, locked_vehicle: str | None) -> Stop:
    perishable = demand.perishable_hours
    return Stop(
        key=demand.key,
        point=Point(demand.latitude, demand.longitude),
        delivery_g=_kg_to_g(demand.delivery_kg),
        pickup_g=_kg_to_g(demand.pickup_kg),
        service_s=max(0, demand.service_minutes) * 60,
        opens_s=_seconds(demand.opens),
        closes_s=_seconds(demand.closes),
        max_after_dispatch_s=None if perishable is None else int(perishable * 3600),
        vehicle=locked_vehicle,
    )


def route_stop_lock(day: date, key: str, vehicle: Vehicle | None, *, actor) -> StopLock | None:
    """Lock a stop to a van for the day's next plan (None unlocks). Only before departure (checked
    under the day's lock, so a dispatch in flight is waited for, then refused ALREADY_DISPATCHED)."""
    _refuse_dispatched(day)
    if not key or len(key) > 64:
        raise DomainError(_("Unknown stop"), RoutingErrorCode.NOT_FOUND, field="key")
    with transaction.atomic():
        route_day_lock(day)
        _refuse_dispatched(day)
        StopLock.objects.filter(day=day, key=key).delete()
        lock = None
        if vehicle is not None:
            lock = StopLock.objects.create(day=day, key=key, vehicle=vehicle, created_by=actor)
        audit_record(
            "routing.stop_lock",
            actor=actor,
            data={"day": day.isoformat(), "key": key, "vehicle": vehicle.code if vehicle else None},
        )
    return lock


def route_plan_dispatch(plan: RoutePlan, *, actor) -> RoutePlan:
    """The vans leave with this plan: it becomes the day's only dispatched plan, and stays. Lock order:
    the day's lock, then the plan row (a re-plan of the same day in flight is waited for: its new
    draft supersedes this one, which is then refused)."""
    with transaction.atomic():
        route_day_lock(plan.day)
        locked = RoutePlan.objects.select_for_update().get(pk=plan.pk)
        if locked.state != PlanState.DRAFT:
            raise DomainError(_("Only the day's current draft can be dispatched"), RoutingErrorCode.ALREADY_DISPATCHED)
        _refuse_dispatched(locked.day)
        locked.state = PlanState.DISPATCHED
        locked.dispatched_at = timezone.now()
        locked.save(update_fields=["state", "dispatched_at"])
        audit_record("routing.plan_dispatch", actor=actor, target=locked, data={"day": locked.day.isoformat()})
    return locked


MAX_PICKUP_KG = Decimal("2000")
BOOK_AHEAD_DAYS = 14


def produce_pickup_book(farmer, village, day: date, description: str, weight_kg, *, today=None) -> ProducePickup:
    """A farmer books produce for a van's return trip (today or within two weeks; before dispatch)."""
    today = today or timezone.localdate()
    if not (today <= day <= today + timedelta(days=BOOK_AHEAD_DAYS)):
        raise DomainError(_("Book a day from today to two weeks ahead"), RoutingErrorCode.INVALID, field="day")
    try:
        weight = Decimal(str(weight_kg))
    except (InvalidOperation, ValueError, TypeError):
        weight = Decimal("NaN")
    if not weight.is_finite() or weight <= 0 or weight > MAX_PICKUP_KG:
        raise DomainError(
            _("Weight in kg, more than 0 and at most %(max)s") % {"max": MAX_PICKUP_KG},
            RoutingErrorCode.INVALID,
            field="weightKg",
        )
    description = " ".join((description or "").split())
    if not description or len(description) > 120:
        raise DomainError(_("Say what to load (at most 120 characters)"), RoutingErrorCode.INVALID, field="description")
    _refuse_dispatched(day)
    pickup = ProducePickup.objects.create(
        farmer=farmer, village=village, day=day, description=description, weight_kg=weight.quantize(Decimal("0.1"))
    )
    audit_record("routing.pickup_book", actor=farmer, target=pickup, data={"day": day.isoformat()})
    return pickup


def produce_pickup_load(pickup: ProducePickup, *, driver) -> ProducePickup:
    """The driver loaded it: only the driver of the run that plans it (or the dispatcher)."""
    with transaction.atomic():
        locked = ProducePickup.objects.select_for_update().get(pk=pickup.pk)
        if locked.state != PickupState.BOOKED:
            raise DomainError(_("This produce is not waiting to be loaded"), RoutingErrorCode.INVALID)
        on_run = PlannedStop.objects.filter(
            run__plan__day=locked.day, run__plan__state=PlanState.DISPATCHED, pickups__contains=[locked.reference]
        ).values_list("run__driver_id", flat=True)
        drivers = set(on_run)
        if driver.pk not in drivers and not driver.has_perm(LogisticsPermissions.PLAN_ROUTES.value):
            raise DomainError(_("This produce is on another van's run"), RoutingErrorCode.NOT_FOUND)
        locked.state = PickupState.LOADED
        locked.loaded_by = driver
        locked.loaded_at = timezone.now()
        locked.save(update_fields=["state", "loaded_by", "loaded_at"])
    return locked
