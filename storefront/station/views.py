"""The pickup counter: a station agent or store clerk checks a buyer's pickup code (核销码).

Only pickup points of the shops the user works for are offered; the service checks again
(order_pickup_verify refuses anyone else) and counts wrong codes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from marketplace.inventory.selectors import pickup_point_list_for_shops
from marketplace.orders.selectors import order_line_list, order_list_awaiting_pickup
from marketplace.orders.services.pickup import order_pickup_verify
from marketplace.shops.selectors import shop_ids_of_member
from meidu.core.errors import DomainError
from storefront.shop.pricing import money_text
from storefront.station.forms import PickupForm

MESSAGES = {
    "wrong_pickup_code": gettext_lazy("No parcel here has this code. Check the digits with the buyer."),
    "pickup_code_used": gettext_lazy("This code was already used: the parcel has been collected."),
    "pickup_code_locked": gettext_lazy("Too many wrong codes. Wait ten minutes before trying again."),
    "not_collection_point_agent": gettext_lazy("Only the staff of this pickup point can check its codes."),
    "cannot_fulfill_unpaid_order": gettext_lazy(
        "This parcel is paid in cash: collect the money, tick “Cash collected” and confirm again."
    ),
    "invalid": gettext_lazy("This parcel is not ready for pickup yet."),
}


def _points(user) -> list:
    return pickup_point_list_for_shops(shop_ids_of_member(user))


@login_required
@require_http_methods(["GET", "POST"])
def counter(request):
    points = _points(request.user)
    if not points:
        return render(request, "station/no_point.html", status=403)
    form = PickupForm(request.POST or None, points=points)
    if request.method == "POST" and form.is_valid():
        point = form.cleaned_data["point"]
        try:
            order = order_pickup_verify(
                point, form.cleaned_data["code"], agent=request.user, cash_collected=form.cleaned_data["cash_collected"]
            )
        except DomainError as exc:
            form.add_error(
                "code" if exc.code != "cannot_fulfill_unpaid_order" else "cash_collected",
                str(MESSAGES.get(exc.code, exc.message)),
            )
        else:
            items = "、".join(f"{line.product_name} × {line.quantity}" for line in order_line_list(order))
            messages.success(
                request,
                _("Order %(number)s handed over: %(items)s. Paid %(paid)s.")
                % {"number": order.number, "items": items, "paid": money_text(order.charged_amount, order.currency)},
            )
            return redirect("station:counter")
    waiting = {point.pk: order_list_awaiting_pickup(point.pk) for point in points}
    return render(
        request,
        "station/counter.html",
        {
            "form": form,
            "points": [(point, waiting[point.pk]) for point in points],
        },
        status=400 if form.errors else 200,
    )
