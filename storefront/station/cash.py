"""The hub's till at the end of the day: each driver's and station agent's cash collected, counted in
and still held; count cash in, close a day (a difference needs its explanation), see flagged days."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from logistics.cash.policies import cash_may_reconcile
from logistics.cash.selectors import cash_days_flagged, cash_holders, cash_person_get
from logistics.cash.services import cash_day_close, cash_hand_in
from meidu.core.errors import DomainError


def _require_cashier(user) -> None:
    if not cash_may_reconcile(user):
        raise PermissionDenied("Only the hub's cashier counts cash in")


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return timezone.localdate()


def _person(request):
    raw = (request.POST.get("person") or "")[:12]
    person = cash_person_get(int(raw)) if raw.isdigit() else None
    if person is None:
        raise Http404("No such person")
    return person


def _back(day: date):
    return redirect(reverse("station:cash") + f"?day={day.isoformat()}")


@login_required
@require_GET
def till(request):
    _require_cashier(request.user)
    day = _day(request.GET.get("day"))
    return render(
        request,
        "station/cash.html",
        {"day": day, "holders": cash_holders(day), "flagged": list(cash_days_flagged(20))},
    )


@login_required
@require_POST
def hand_in(request):
    _require_cashier(request.user)
    day = _day(request.POST.get("day"))
    person = _person(request)
    try:
        counted = cash_hand_in(person, (request.POST.get("amount") or "")[:20], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Counted in ¥%(amount)s from %(person)s.") % {"amount": counted, "person": person})
    return _back(day)


@login_required
@require_POST
def day_close(request):
    _require_cashier(request.user)
    day = _day(request.POST.get("day"))
    person = _person(request)
    try:
        closed = cash_day_close(
            person, day, actor=request.user, explanation=(request.POST.get("explanation") or "")[:255]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if closed.difference:
            messages.warning(
                request,
                _("Day closed with a difference of ¥%(amount)s, flagged to operators.") % {"amount": closed.difference},
            )
        else:
            messages.success(request, _("Day closed: the cash is all in."))
    return _back(day)
