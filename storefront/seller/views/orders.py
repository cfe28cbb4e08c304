"""The seller's orders: the list of their own shop, one order, confirm, fulfil, cancel, packing slip.

Another shop's order is a 404 on every page (access.member_order), as if it did not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from marketplace.complaints.policies import complaint_may_resolve, complaint_may_respond
from marketplace.complaints.selectors import complaint_list_for_shop
from marketplace.orders.models import OrderStatus
from marketplace.orders.policies import order_may_cancel, order_may_confirm, order_may_fulfill
from marketplace.orders.selectors import order_by_county_run, order_list_for_shop
from marketplace.orders.services.lifecycle import order_cancel, order_confirm, order_fulfill
from marketplace.orders.state import sources
from meidu.core.errors import DomainError
from meidu.core.replicas.decorators import report_reads
from storefront.seller.access import member_order, with_shop
from storefront.seller.errors import add_domain_errors, error_message
from storefront.seller.order_forms import FulfilForm
from storefront.seller.presenters import with_commission
from storefront.shop.buying.presenters import order_timeline

PAGE_SIZE = 20
S = OrderStatus
FILTERS = [
    ("", gettext_lazy("All"), None),
    ("new", gettext_lazy("To confirm"), sources("confirm")),
    ("to_send", gettext_lazy("To send"), sources("fulfill")),
    ("sent", gettext_lazy("Sent"), sources("deliver")),
    ("done", gettext_lazy("Done"), [S.DELIVERED]),
    ("closed", gettext_lazy("Cancelled or returned"), [S.CANCELED, S.RETURNED, S.PARTIALLY_RETURNED]),
]


@require_safe
@report_reads  # the shop's order history: a report, read from a replica when there is one
@with_shop
def order_list(request, shop):
    current = request.GET.get("status", "")
    statuses = next((statuses for key, _label, statuses in FILTERS if key == current), None)
    orders = order_list_for_shop(shop.pk, statuses=statuses).prefetch_related("lines").order_by("-number")
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_commission(page.object_list)
    return render(
        request,
        "seller/orders/list.html",
        {
            "shop": shop,
            "page": page,
            "filters": [(key, label) for key, label, _statuses in FILTERS],
            "current": current,
        },
    )


def _detail_url(order):
    return redirect("seller:order", number=order.number)


@login_required
@require_safe
def order_detail(request, number):
    [order] = with_commission([member_order(request, number)])
    return render(
        request,
        "seller/orders/detail.html",
        {
            "shop": order.shop,
            "order": order,
            "timeline": order_timeline(order),
            "can_confirm": order_may_confirm(request.user, order),
            "can_fulfil": order_may_fulfill(request.user, order),
            "can_cancel": order_may_cancel(request.user, order),
            "complaints": [
                _with_rights(complaint, request.user)
                for complaint in complaint_list_for_shop(order.shop_id, order=order).prefetch_related("photos")
            ],
        },
    )


def _with_rights(complaint, user):
    """What the page offers on a complaint: the complaints policy decides."""
    complaint.may_respond = complaint_may_respond(user, complaint)
    complaint.may_resolve = complaint_may_resolve(user, complaint)
    return complaint


@login_required
@require_POST
def confirm(request, number):
    order = member_order(request, number)
    try:
        order_confirm(order, actor=request.user)
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("Order %(number)s confirmed. Prepare the goods.") % {"number": order.number})
    return _detail_url(order)


@login_required
@require_POST
def cancel(request, number):
    order = member_order(request, number)
    reason = request.POST.get("reason", "").strip()[:200]
    try:
        order_cancel(order, actor=request.user, reason=reason or _("Cancelled by the seller"))
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(
            request,
            _("Order %(number)s cancelled: the stock is back and any payment is refunded.") % {"number": order.number},
        )
    return _detail_url(order)


@login_required
@require_http_methods(["GET", "POST"])
def fulfil(request, number):
    order = member_order(request, number)
    form = FulfilForm(request.POST or None, order=order)
    if request.method == "POST" and form.is_valid():
        try:
            order_fulfill(
                order,
                actor=request.user,
                lines=form.service_lines(),
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc, {})
        else:
            if order.delivery_kind == "collection":
                messages.success(
                    request,
                    _("Order %(number)s is ready for pickup: the buyer can now collect it.") % {"number": order.number},
                )
            else:
                messages.success(request, _("Order %(number)s sent.") % {"number": order.number})
            return _detail_url(order)
    return render(
        request,
        "seller/orders/fulfil.html",
        {"shop": order.shop, "order": order, "form": form, "by_county_run": order_by_county_run(order)},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def packing_slip(request, number):
    order = member_order(request, number)
    return render(request, "seller/orders/slip.html", {"shop": order.shop, "order": order})
