"""Share links and their QR codes: one for the shop, one per pick; a PNG the phone can save."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from incubator.distribution.selectors import distribution_pick_get, distribution_pick_list_live
from incubator.referrals.selectors import referral_link_list_of_shop
from incubator.referrals.services import referral_link_create
from meidu.core.errors import DomainError
from storefront.distributor.access import centre_url, with_distributor_shop


@require_safe
@with_distributor_shop
def link_list(request, shop):
    links = list(referral_link_list_of_shop(shop.pk))
    linked = {link.pick_id for link in links}
    return render(
        request,
        "distributor/links.html",
        {
            "shop": shop,
            "links": links,
            "unlinked": [pick for pick in distribution_pick_list_live(shop.pk) if pick.pk not in linked],
            "has_shop_link": None in linked,
        },
    )


@require_POST
@with_distributor_shop
def link_new(request, shop):
    pick = None
    if request.POST.get("pick"):
        pick = distribution_pick_get(request.POST["pick"])
        if pick is None or pick.distributor_shop_id != shop.pk:
            raise Http404("No such pick")
    try:
        referral_link_create(actor=request.user, shop=shop, pick=pick)
    except DomainError as exc:
        for error in exc.as_list():
            messages.error(request, error.message)
    return redirect(centre_url("distributor:links", shop))
