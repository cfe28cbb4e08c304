"""Browse the supply pool by category and commission, and pick an offer at a price within its bounds."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from incubator.distribution.selectors import distribution_picked_offer_ids
from incubator.distribution.services import distribution_pick
from incubator.supply.pricing import commission_amount
from incubator.supply.selectors import supply_offer_get, supply_offer_list_open
from marketplace.catalog.selectors import category_list
from meidu.core.errors import DomainError
from storefront.distributor.access import centre_url, with_distributor_shop

PAGE_SIZE = 20


def _category_id(raw):
    return int(raw) if raw and str(raw).isdigit() else None


@require_safe
@with_distributor_shop
def pool(request, shop):
    category = _category_id(request.GET.get("category"))
    order = "commission" if request.GET.get("order") == "commission" else "new"
    offers = supply_offer_list_open(category_id=category, order=order)
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    for offer in page.object_list:
        offer.commission_at_suggested = commission_amount(
            offer.commission_kind, offer.commission_value, offer.suggested_retail_price, 1
        )
        offer.rate_percent = offer.commission_value * 100 if offer.commission_kind == "rate" else None
    return render(
        request,
        "distributor/pool.html",
        {
            "shop": shop,
            "page": page,
            "categories": category_list(),
            "category": category,
            "order": order,
            "picked": distribution_picked_offer_ids(shop.pk),
        },
    )


@require_POST
@with_distributor_shop
def pick(request, shop, offer_id):
    offer = supply_offer_get(offer_id)
    if offer is None:
        raise Http404("No such offer")
    try:
        distribution_pick(actor=request.user, shop=shop, offer=offer, retail_price=request.POST.get("retail_price", ""))
    except DomainError as exc:
        for error in exc.as_list():
            messages.error(request, error.message)
        return redirect(centre_url("distributor:pool", shop))
    messages.success(request, _("%(name)s is now in your shop.") % {"name": offer.variant.product.name})
    return redirect(centre_url("distributor:picks", shop))
