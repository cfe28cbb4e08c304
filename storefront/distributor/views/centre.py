"""The distributor centre's overview: the shop's state, its picks on sale, notices, where to go next."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from incubator.distribution.selectors import distribution_pick_list_live, distribution_pick_list_of_shop
from marketplace.shops.selectors import shop_notice_list_latest
from storefront.distributor.access import with_distributor_shop


@require_safe
@with_distributor_shop
def centre(request, shop):
    picks = list(distribution_pick_list_of_shop(shop.pk)[:100])
    live = {pick.pk for pick in distribution_pick_list_live(shop.pk)}
    return render(
        request,
        "distributor/centre.html",
        {
            "shop": shop,
            "picks_total": len(picks),
            "picks_live": len(live),
            "picks_paused": [pick for pick in picks if pick.pk not in live],
            "notices": shop_notice_list_latest(shop, limit=5),
        },
    )
