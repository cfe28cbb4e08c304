"""The dispatcher's page: plan the day's village runs, lock a stop to a van, re-plan, dispatch; print each
van's manifest and see its route. Drivers open their own run's manifest and map only."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from logistics.geography.selectors import village_points
from logistics.routing.manifest import run_manifest_pdf
from logistics.routing.picture import route_svg
from logistics.routing.policies import route_may_plan, route_may_read_run
from logistics.routing.problem import Point
from logistics.routing.selectors import (
    day_demand,
    route_plan_current,
    route_plan_leftovers,
    route_plan_runs,
    route_run_get,
    vehicle_active_get,
    vehicles_active,
)
from logistics.routing.services import hub_point, route_plan_create, route_plan_dispatch, route_stop_lock
from meidu.core.errors import DomainError

LEFTOVER_REASONS = {
    "too_heavy": gettext_lazy("Heavier than the largest van"),
    "window_unreachable": gettext_lazy("No van reaches it while the station is open (or before fresh goods spoil)"),
    "beyond_shift": gettext_lazy("The round trip alone is longer than a shift"),
    "locked_vehicle_missing": gettext_lazy("Locked to a van that is not in service"),
    "fleet_full": gettext_lazy("The vans are full or out of time: add a van or move it to tomorrow"),
}


def _require_dispatcher(user) -> None:
    if not route_may_plan(user):
        raise PermissionDenied("Only the hub's dispatcher plans the runs")


def _day(value: str | None) -> date:
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return timezone.localdate()


def _back(day: date):
    return redirect(reverse("station:dispatch") + f"?day={day.isoformat()}")


@login_required
@require_GET
def dispatch_board(request):
    _require_dispatcher(request.user)
    day = _day(request.GET.get("day"))
    plan = route_plan_current(day)
    demands, unplaceable = day_demand(day)
    runs = list(route_plan_runs(plan)) if plan else []
    leftovers = [
        {"row": left, "reason": LEFTOVER_REASONS.get(left.reason, left.reason)}
        for left in (route_plan_leftovers(plan) if plan else [])
    ]
    return render(
        request,
        "station/dispatch.html",
        {
            "day": day,
            "plan": plan,
            "runs": runs,
            "leftovers": leftovers,
            "demands": demands,
            "unplaceable": unplaceable,
            "vehicles": list(vehicles_active()),
        },
    )


@login_required
@require_POST
def plan_create(request):
    _require_dispatcher(request.user)
    day = _day(request.POST.get("day"))
    demands, _unplaceable = day_demand(day)
    try:
        plan = route_plan_create(day, demands, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Planned %(runs)s runs, %(left)s stops left over.")
            % {"runs": plan.runs.count(), "left": plan.leftovers.count()},
        )
    return _back(day)


@login_required
@require_POST
def stop_lock(request):
    _require_dispatcher(request.user)
    day = _day(request.POST.get("day"))
    code = (request.POST.get("vehicle") or "")[:16]
    vehicle = vehicle_active_get(code) if code else None
    if code and vehicle is None:
        messages.error(request, _("No such van in service."))
        return _back(day)
    try:
        route_stop_lock(day, (request.POST.get("key") or "")[:64], vehicle, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved. Plan again to apply it."))
    return _back(day)


@login_required
@require_POST
def plan_dispatch(request):
    _require_dispatcher(request.user)
    day = _day(request.POST.get("day"))
    plan = route_plan_current(day)
    if plan is None:
        raise Http404("No plan for this day")
    try:
        route_plan_dispatch(plan, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Dispatched: the drivers see their runs."))
    return _back(day)


def _readable_run(request, run_id: int):
    run = route_run_get(run_id)
    if run is None or not route_may_read_run(request.user, run):
        raise Http404("No such run")
    return run


@login_required
@require_GET
def run_manifest(request, run_id: int):
    run = _readable_run(request, run_id)
    response = HttpResponse(run_manifest_pdf(run), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="manifest-{run.plan.day}-{run.vehicle.code}.pdf"'
    return response


@login_required
@require_GET
def run_map(request, run_id: int):
    run = _readable_run(request, run_id)
    stops = [
        (stop.label, Point(float(stop.village.latitude), float(stop.village.longitude)))
        for stop in run.stops.all()
        if stop.village is not None
    ]
    outline = [Point(lat, lon) for lat, lon in village_points()]
    svg = route_svg(outline, hub_point(), stops, colour_index=run.vehicle_id, title=f"{run.vehicle.code}")
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    return response
