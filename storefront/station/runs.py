"""The village driver's run sheet: parcels on the county delivery runs, handed over at the door
(cash collected when the order is cash on delivery). For drivers (the DRIVER role) and operators:
a seller also collects cash, at their own counter, but does not see the county's runs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from logistics.cash.selectors import cash_held_by
from logistics.routing.selectors import route_run_of_driver
from marketplace.orders.policies import order_is_county_driver
from marketplace.orders.selectors import order_get_on_village_run, orders_on_village_runs
from marketplace.orders.services.delivery import order_delivery_failed, order_handover
from meidu.core.errors import DomainError
from storefront.shop.pricing import money_text

REASON_LABELS = {
    "nobody_home": gettext_lazy("Nobody at home"),
    "refused": gettext_lazy("The buyer refused it"),
    "wrong_address": gettext_lazy("Wrong or incomplete address"),
    "unreachable": gettext_lazy("The buyer's phone does not answer"),
    "damaged": gettext_lazy("Damaged on the way"),
    "other": gettext_lazy("Other"),
}


def _require_driver(user) -> None:
    """Anyone else gets the site's refusal page (403.html), in their language."""
    if not order_is_county_driver(user):
        raise PermissionDenied("Only the county's drivers see the delivery runs")


@login_required
@require_http_methods(["GET"])
def run_sheet(request):
    _require_driver(request.user)
    my_run = route_run_of_driver(timezone.localdate(), request.user)
    return render(
        request,
        "station/runs.html",
        {
            "orders": list(orders_on_village_runs()),
            "my_run": my_run,
            "reasons": REASON_LABELS.items(),
            "cash_held": cash_held_by(request.user),
        },
    )


@login_required
@require_POST
def hand_over(request, number: int):
    _require_driver(request.user)
    order = order_get_on_village_run(number)
    if order is None:
        raise Http404("No such parcel on the delivery runs")
    try:
        order_handover(
            order,
            actor=request.user,
            cash_collected=request.POST.get("cash_collected") == "on",
            signed_by=(request.POST.get("signed_by") or "")[:64],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Order %(number)s delivered; %(paid)s paid.")
            % {"number": order.number, "paid": money_text(order.total_amount, order.currency)},
        )
    return redirect("station:runs")


@login_required
@require_POST
def delivery_failed(request, number: int):
    _require_driver(request.user)
    order = order_get_on_village_run(number)
    if order is None:
        raise Http404("No such parcel on the delivery runs")
    try:
        order_delivery_failed(
            order,
            actor=request.user,
            reason=(request.POST.get("reason") or "")[:32],
            note=(request.POST.get("note") or "")[:200],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order %(number)s: failed attempt recorded.") % {"number": order.number})
    return redirect("station:runs")
