"""A farmer books produce for the van's return trip; the driver of the run loads it."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from logistics.geography.selectors import village_get, village_list
from logistics.routing.selectors import produce_pickup_get, produce_pickups_of_farmer
from logistics.routing.services import produce_pickup_book, produce_pickup_load
from meidu.core.errors import DomainError


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def book(request):
    if request.method == "POST":
        raw_village = (request.POST.get("village") or "")[:12]
        village = village_get(int(raw_village)) if raw_village.isdigit() else None
        day = _day(request.POST.get("day"))
        if village is None or day is None:
            messages.error(request, _("Choose your village and the day."))
        else:
            try:
                produce_pickup_book(
                    request.user,
                    village,
                    day,
                    (request.POST.get("description") or "")[:200],
                    (request.POST.get("weight_kg") or "")[:20],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Booked: the van picks it up on its way back."))
                return redirect("station:pickups")
    return render(
        request,
        "station/pickups.html",
        {
            "villages": village_list(),
            "today": timezone.localdate(),
            "bookings": list(produce_pickups_of_farmer(request.user)),
        },
    )


@login_required
@require_POST
def load(request, pickup_id: int):
    pickup = produce_pickup_get(pickup_id)
    if pickup is None:
        raise Http404("No such pickup")
    try:
        produce_pickup_load(pickup, driver=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Loaded."))
    return redirect("station:runs")
