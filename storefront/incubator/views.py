"""The staff console (MANAGE_TRAINING): the training funnel per course and month, the suppliers',
cooperatives' and distributors' sales of the last four weeks, and the panels of panels.py; the review
actions of the offers-awaiting-review panel (MANAGE_SUPPLY_POOL: approve or refuse with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from incubator.supply.policies import supply_may_review
from incubator.supply.selectors import supply_offer_get
from incubator.supply.services import supply_offer_refuse, supply_offer_review
from incubator.training.policies import may_manage_training
from incubator.training.selectors import training_funnel
from marketplace.settlement.selectors import shop_weekly_sales_by_kind
from marketplace.shops.models import ShopKind
from meidu.core.errors import DomainError
from storefront.incubator.panels import WEEKS, panels_for

SHOP_KINDS = (ShopKind.SUPPLIER, ShopKind.COOPERATIVE, ShopKind.DISTRIBUTOR)
OFFERS_ANCHOR = "#offers-awaiting-review"


@login_required
@require_safe
def console(request):
    if not may_manage_training(request.user):
        raise PermissionDenied("Only incubator staff see the console")
    by_month, totals = training_funnel()
    sales = shop_weekly_sales_by_kind(SHOP_KINDS, weeks=WEEKS)
    context = {
        "by_month": by_month,
        "totals": totals,
        "shops": sales,
        "week_numbers": list(range(WEEKS)),
        "panels": panels_for(request),
    }
    return render(request, "incubator/console.html", context)


def _offer_for_review(request, offer_id):
    if not (may_manage_training(request.user) and supply_may_review(request.user)):
        raise PermissionDenied("Only incubator staff review offers")
    offer = supply_offer_get(offer_id)
    if offer is None:
        raise Http404
    return offer


@login_required
@require_POST
def offer_approve(request, offer_id: int):
    offer = _offer_for_review(request, offer_id)
    try:
        supply_offer_review(offer, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Offer approved: it stays open in the pool."))
    return redirect(reverse("incubator:console") + OFFERS_ANCHOR)


@login_required
@require_POST
def offer_refuse(request, offer_id: int):
    offer = _offer_for_review(request, offer_id)
    try:
        supply_offer_refuse(offer, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Offer refused: it is paused until the supplier corrects and reopens it."))
    return redirect(reverse("incubator:console") + OFFERS_ANCHOR)
