"""The distributor's earnings page: commission this week and by week (a server-side SVG chart),
by status (pending, earned, paid, clawed back), top products and the latest lines.

Only the distributor's own members see it: the shop comes from the signed-in user's memberships
(a ``shop`` slug of a shop they do not work for is a 404, never another distributor's money)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from incubator.commission.models import CommissionStatus
from incubator.commission.policies import distributor_earnings_may_read
from incubator.commission.selectors import distributor_earnings, shown_status
from marketplace.shops.models import ShopKind
from marketplace.shops.selectors import shop_get_by_slug, shop_list_for_member
from meidu.core.money import Money
from storefront.seller.earnings_chart import BOTTOM, HEIGHT, WIDTH, weekly_bars

WEEKS = 8


def _distributor_shop(request):
    slug = request.GET.get("shop")
    if slug:
        shop = shop_get_by_slug(slug)
    else:
        shop = shop_list_for_member(request.user).filter(kind=ShopKind.DISTRIBUTOR).first()
    if shop is None or shop.kind != ShopKind.DISTRIBUTOR or not distributor_earnings_may_read(request.user, shop):
        raise Http404("No such distributor shop")
    return shop


@login_required
@require_safe
def earnings(request):
    shop = _distributor_shop(request)
    result = distributor_earnings(shop, weeks=WEEKS)
    weeks = [(week.start, Money(week.earned, result.currency)) for week in result.weeks]
    lines = [(line, shown_status(line), CommissionStatus(shown_status(line)).label) for line in result.lines]
    return render(
        request,
        "distributor/earnings.html",
        {
            "shop": shop,
            "earnings": result,
            "weeks": weeks,
            "bars": weekly_bars(weeks),
            "chart": {"width": WIDTH, "height": HEIGHT, "baseline": HEIGHT - BOTTOM, "label_y": HEIGHT - 6},
            "lines": lines,
        },
    )
