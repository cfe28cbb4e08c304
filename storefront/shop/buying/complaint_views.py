"""The buyer's complaint about an order (the county's 444 hotline, online): open one, rate its handling.

The complaints services answer in the reader's language already (their own gettext catalogue),
so their refusals are shown as they are.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.complaints.selectors import complaint_get_for_buyer
from marketplace.complaints.services import complaint_create, complaint_rate, response_hours
from marketplace.orders.selectors import order_get_for_user
from meidu.core.errors import DomainError
from storefront.shop.buying.forms import ComplaintForm, ComplaintRatingForm


def _own_order(request, number: int):
    order = order_get_for_user(request.user, number)
    if order is None:
        raise Http404("No such order")
    return order


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request, number: int):
    order = _own_order(request, number)
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint_create(
                order,
                buyer=request.user,
                category=form.cleaned_data["category"],
                description=form.cleaned_data["description"],
                photos=form.cleaned_data["photos"],
            )
        except DomainError as exc:
            for error in exc.as_list():
                form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("Your complaint is registered and sent to the shop. You will see its answer here.")
            )
            return redirect("shop:order", number=order.number)
    return render(
        request,
        "shop/buying/complaint.html",
        {"order": order, "form": form, "hours": response_hours()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def complaint_rating(request, number: int, complaint_id: int):
    order = _own_order(request, number)
    complaint = complaint_get_for_buyer(request.user, order, complaint_id)
    if complaint is None:
        raise Http404("No such complaint")
    form = ComplaintRatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose from 1 to 5 stars."))
    else:
        try:
            complaint_rate(
                complaint,
                buyer=request.user,
                rating=int(form.cleaned_data["rating"]),
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            for error in exc.as_list():
                messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for rating how your complaint was handled."))
    return redirect("shop:order", number=order.number)
