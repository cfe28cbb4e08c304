"""The distributor's earnings page: commission this week and by week (a server-side SVG chart),
by status (pending, earned, paid, clawed back), top products and the latest lines.

Only the distributor's own members see it: the shop comes from the signed-in user's memberships
(storefront.distributor.access: a ``shop`` slug of a shop they do not work for is a 404, never another
distributor's money; a supplier has no distributor shop to name)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from incubator.commission.models import CommissionStatus
from incubator.commission.policies import distributor_earnings_may_read
from incubator.commission.selectors import distributor_earnings, shown_status
from meidu.core.money import Money
from storefront.distributor.access import with_distributor_shop
from storefront.seller.earnings_chart import BOTTOM, HEIGHT, WIDTH, weekly_bars

WEEKS = 8


@require_safe
@with_distributor_shop
def earnings(request, shop):
    if not distributor_earnings_may_read(request.user, shop):
        raise Http404("No such distributor shop")
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
