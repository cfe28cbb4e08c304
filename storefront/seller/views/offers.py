"""The supplier's side of the supply pool (issue 16): my offers to distributors (create, edit, open, pause,
close) and the distributors selling them with their sales of the last week (never a commission)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from incubator.distribution.selectors import supplier_distributor_sales
from incubator.supply import services
from incubator.supply.models import CommissionKind
from incubator.supply.policies import SUPPLIER_KINDS
from incubator.supply.selectors import supply_offer_get, supply_offer_list_of_shop
from marketplace.catalog.selectors import product_variant_get, product_variant_list_for_shop
from meidu.core.errors import DomainError
from storefront.seller.access import shop_url, with_shop

FIELDS = ("supply_price", "suggested_retail_price", "min_retail_price", "max_retail_price", "commission_value")
ACTIONS = {
    "open": (services.supply_offer_open, _("The offer is open: distributors can pick it.")),
    "pause": (services.supply_offer_pause, _("Paused: it left every distributor's shop.")),
    "close": (services.supply_offer_close, _("The offer is closed.")),
}


def _supplier(shop):
    if shop.kind not in SUPPLIER_KINDS:
        raise Http404("Not a supplier shop")


def _data(post) -> dict:
    data = {name: post.get(name, "") for name in FIELDS}
    data["commission_kind"] = post.get("commission_kind", "")
    data["regions"] = [
        region.strip() for region in post.get("regions", "").replace("，", ",").split(",") if region.strip()
    ]
    return data


def _own_offer(shop, offer_id):
    offer = supply_offer_get(offer_id)
    if offer is None or offer.supplier_shop_id != shop.pk:
        raise Http404("No such offer")
    return offer


@require_safe
@with_shop
def offer_list(request, shop):
    _supplier(shop)
    return render(
        request,
        "seller/offers.html",
        {
            "shop": shop,
            "offers": list(supply_offer_list_of_shop(shop.pk)[:200]),
            "distributors": supplier_distributor_sales(shop.pk, days=7),
        },
    )


@require_http_methods(["GET", "POST"])
@with_shop
def offer_form(request, shop, offer_id=None):
    _supplier(shop)
    offer = _own_offer(shop, offer_id) if offer_id else None
    errors: list[str] = []
    values = _data(request.POST) if request.method == "POST" else None
    if request.method == "POST":
        try:
            if offer is None:
                variant = (
                    product_variant_get(request.POST.get("variant"))
                    if str(request.POST.get("variant", "")).isdigit()
                    else None
                )
                offer = services.supply_offer_create(actor=request.user, shop=shop, variant=variant, data=values)
            else:
                services.supply_offer_update(offer, actor=request.user, data=values)
        except DomainError as exc:
            errors = [error.message for error in exc.as_list()]
        else:
            messages.success(request, _("Offer saved."))
            return redirect(shop_url("seller:offers", shop))
    return render(
        request,
        "seller/offer_form.html",
        {
            "shop": shop,
            "offer": offer,
            "values": values,
            "errors": errors,
            "variants": product_variant_list_for_shop(shop) if offer is None else [],
            "kinds": CommissionKind.choices,
        },
    )


@require_POST
@with_shop
def offer_action(request, shop, offer_id, action):
    _supplier(shop)
    if action not in ACTIONS:
        raise Http404("No such action")
    offer = _own_offer(shop, offer_id)
    service, done = ACTIONS[action]
    try:
        service(offer, actor=request.user)
    except DomainError as exc:
        for error in exc.as_list():
            messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(shop_url("seller:offers", shop))
