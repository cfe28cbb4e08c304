"""The staff console (MANAGE_TRAINING): the training funnel per course and month, the suppliers',
cooperatives' and distributors' sales of the last four weeks, and the panels of panels.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_safe

from incubator.training.policies import may_manage_training
from incubator.training.selectors import training_funnel
from marketplace.settlement.selectors import shop_weekly_sales_by_kind
from marketplace.shops.models import ShopKind
from storefront.incubator.panels import panels_for

WEEKS = 4
SHOP_KINDS = (ShopKind.SUPPLIER, ShopKind.COOPERATIVE, ShopKind.DISTRIBUTOR)


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
