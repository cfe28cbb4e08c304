"""My shop's picks: the price of each (within its offer's bounds), why one is paused, take one off."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from incubator.distribution.selectors import distribution_pick_get, distribution_pick_list_of_shop
from incubator.distribution.services import distribution_price_set, distribution_unpick
from meidu.core.errors import DomainError
from storefront.distributor.access import centre_url, with_distributor_shop


@require_safe
@with_distributor_shop
def pick_list(request, shop):
    return render(
        request, "distributor/picks.html", {"shop": shop, "picks": list(distribution_pick_list_of_shop(shop.pk)[:200])}
    )


def _own_pick(shop, pick_id):
    pick = distribution_pick_get(pick_id)
    if pick is None or pick.distributor_shop_id != shop.pk:
        raise Http404("No such pick")
    return pick


def _flash(request, exc: DomainError) -> None:
    for error in exc.as_list():
        messages.error(request, error.message)


@require_POST
@with_distributor_shop
def price(request, shop, pick_id):
    pick = _own_pick(shop, pick_id)
    try:
        distribution_price_set(pick, actor=request.user, retail_price=request.POST.get("retail_price", ""))
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Price saved."))
    return redirect(centre_url("distributor:picks", shop))


@require_POST
@with_distributor_shop
def unpick(request, shop, pick_id):
    pick = _own_pick(shop, pick_id)
    try:
        distribution_unpick(pick, actor=request.user)
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Taken off your shop."))
    return redirect(centre_url("distributor:picks", shop))
