"""The online agricultural fair (网上农展): the fair page (stalls by town with their products and a
live price strip), applying for a stall (shop members), deciding stalls (staff with MANAGE_FAIRS),
and the results page (sales per stall during the fair) once it is over."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from incubator.fairs.selectors import (
    fair_current,
    fair_get,
    fair_list,
    fair_phase,
    fair_sales,
    stall_get,
    stall_list,
    stalls_by_town,
)
from incubator.fairs.services import stall_apply, stall_decide
from incubator.prices.selectors import board_cells, market_platform, produce_item_list
from marketplace.catalog.selectors import product_variant_list_for_shop
from marketplace.shops.selectors import shop_list_for_member
from meidu.core.errors import DomainError
from meidu.core.permissions import FarmPermissions
from meidu.integrations.services.apps import actor_has_permission


def _price_strip(today):
    """The latest price of each item at the first market that has one (wholesale market first)."""
    cells = board_cells(today)
    platform = market_platform()
    strip = []
    for item in produce_item_list():
        found = [cell for (item_id, market_id), cell in cells.items() if item_id == item.pk]
        found.sort(key=lambda cell: (platform is not None and cell.market_id == platform.pk, cell.market_id))
        if found:
            strip.append((item, found[0]))
    return strip


def fairs(request):
    current = fair_current()
    if current is not None:
        return redirect("farm:fair", pk=current.pk)
    return render(request, "farm/fairs.html", {"fairs": list(fair_list()[:20])})


def fair_page(request, pk):
    fair = fair_get(pk)
    if fair is None:
        raise Http404
    staff = actor_has_permission(request.user, FarmPermissions.MANAGE_FAIRS)
    pending = [s for s in stall_list(fair, approved_only=False) if s.status == "applied"] if staff else []
    return render(
        request,
        "farm/fair.html",
        {
            "fair": fair,
            "phase": fair_phase(fair),
            "towns": stalls_by_town(stall_list(fair)),
            "strip": _price_strip(timezone.localdate()),
            "pending": pending,
            "may_apply": request.user.is_authenticated and bool(list(shop_list_for_member(request.user))),
        },
    )


def fair_results(request, pk):
    fair = fair_get(pk)
    if fair is None:
        raise Http404
    stalls = stall_list(fair)
    totals = fair_sales(fair, stalls)
    rows = sorted(((stall, totals[stall.pk]) for stall in stalls), key=lambda pair: -pair[1]["amount"])
    return render(request, "farm/fair_results.html", {"fair": fair, "phase": fair_phase(fair), "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def stall_apply_page(request, pk):
    fair = fair_get(pk)
    if fair is None:
        raise Http404
    shops = list(shop_list_for_member(request.user))
    if not shops:
        return render(request, "403.html", status=403)
    shop = next((s for s in shops if str(s.pk) == request.POST.get("shop", request.GET.get("shop", ""))), shops[0])
    products = list({v.product.pk: v.product for v in product_variant_list_for_shop(shop)}.values())
    error = None
    if request.method == "POST":
        chosen = [p for p in products if str(p.pk) in request.POST.getlist("products")]
        try:
            stall_apply(request.user, fair, shop=shop, products=chosen, pitch=request.POST.get("pitch", "")[:200])
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Application sent. Staff will review it."))
            return redirect("farm:fair", pk=fair.pk)
    return render(
        request,
        "farm/stall_apply.html",
        {"fair": fair, "shops": shops, "shop": shop, "products": products, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def stall_decide_page(request, pk):
    if not actor_has_permission(request.user, FarmPermissions.MANAGE_FAIRS):
        return render(request, "403.html", status=403)
    stall = stall_get(pk)
    if stall is None:
        raise Http404
    try:
        stall_decide(request.user, stall, approve=request.POST.get("answer") == "approve")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("farm:fair", pk=stall.fair_id)
