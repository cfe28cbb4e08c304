"""The buyer's orders: the confirmation after checkout, "my orders" and one order with its timeline."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from marketplace.complaints.models import OPEN_STATUSES
from marketplace.complaints.policies import complaint_may_rate
from marketplace.complaints.selectors import complaint_list_for_buyer
from marketplace.orders.models import DeliveryKind
from marketplace.orders.policies import order_may_confirm_receipt
from marketplace.orders.selectors import (
    order_assistance_get,
    order_get_for_user,
    order_id_get_for_user,
    order_list_for_user,
    order_with_lines,
    orders_of_checkout_with_lines,
)
from marketplace.orders.services.lifecycle import order_deliver
from marketplace.payments.selectors import transactions_for_checkout
from meidu.core.errors import DomainError
from storefront.shop.buying.errors import flash_domain_errors
from storefront.shop.buying.forms import ComplaintRatingForm
from storefront.shop.buying.presale import order_presale
from storefront.shop.buying.presenters import order_timeline

PAGE_SIZE = 20
BANK_TRANSFER = "meidu.payments.bank_transfer"


@login_required
@require_safe
def placed(request, token):
    """One order per shop of the checkout just completed, with pickup codes and how to pay."""
    orders = [order for order in orders_of_checkout_with_lines(token) if order.user_id == request.user.pk]
    if not orders:
        raise Http404("No such order")
    transfers = [
        item
        for item in transactions_for_checkout(token)
        if item.gateway == BANK_TRANSFER and item.charge_pending_amount > 0
    ]
    after_harvest = sum(
        (presale.balance_after_harvest for presale in map(order_presale, orders) if presale), Decimal("0.00")
    )
    return render(
        request,
        "shop/buying/placed.html",
        {
            "orders": orders,
            "total": sum(order.total_amount for order in orders),
            "currency": orders[0].currency,
            "transfers": transfers,
            "after_harvest": after_harvest,
        },
    )


@login_required
@require_safe
def my_orders(request):
    orders = order_list_for_user(request.user).prefetch_related("lines").order_by("-number")
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "shop/buying/orders.html", {"page": page})


@login_required
@require_safe
def order_detail(request, number: int):
    """Another buyer's order is a 404, as if it did not exist."""
    found = order_id_get_for_user(request.user, number)
    order = order_with_lines(found) if found else None
    if order is None:
        raise Http404("No such order")
    complaints = list(complaint_list_for_buyer(request.user, order=order).prefetch_related("events", "photos"))
    for complaint in complaints:
        complaint.may_rate = complaint_may_rate(request.user, complaint)
    return render(
        request,
        "shop/buying/order.html",
        {
            "order": order,
            "timeline": order_timeline(order),
            "assistance": order_assistance_get(order.pk),
            "complaints": complaints,
            "presale": order_presale(order),
            "can_complain": not any(complaint.status in OPEN_STATUSES for complaint in complaints),
            "can_confirm_receipt": order.delivery_kind == DeliveryKind.SHIPPING
            and order_may_confirm_receipt(request.user, order),
            "rating_form": ComplaintRatingForm(),
        },
    )


@login_required
@require_POST
def order_received(request, number: int):
    """The buyer confirms a shipped parcel arrived (otherwise it confirms itself after some days)."""
    order = order_get_for_user(request.user, number)
    if order is None:
        raise Http404("No such order")
    try:
        order_deliver(order, actor=request.user, by_buyer=True)
    except DomainError as exc:
        flash_domain_errors(request, exc)
    else:
        messages.success(request, _("Thank you: the order is marked as received."))
    return redirect("shop:order", number=number)
