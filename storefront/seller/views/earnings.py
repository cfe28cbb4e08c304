"""The seller's earnings: balances from the settlement ledger, a weekly chart and the payouts."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from marketplace.settlement.selectors import (
    commission_rule_list_for_shop_kind,
    payout_list_for_shop,
    shop_balances,
    shop_weekly_earnings,
)
from storefront.seller.access import with_shop
from storefront.seller.earnings_chart import BOTTOM, HEIGHT, WIDTH, weekly_bars

WEEKS = 12


@require_safe
@with_shop
def earnings(request, shop):
    weeks = shop_weekly_earnings(shop.pk, weeks=WEEKS)
    return render(
        request,
        "seller/earnings.html",
        {
            "shop": shop,
            "balances": shop_balances(shop.pk),
            "bars": weekly_bars(weeks),
            "weeks": weeks,
            "chart": {"width": WIDTH, "height": HEIGHT, "baseline": HEIGHT - BOTTOM, "label_y": HEIGHT - 6},
            "payouts": list(payout_list_for_shop(shop.pk).order_by("-id")[:20]),
            "commission_rules": list(commission_rule_list_for_shop_kind(shop.kind)[:20]),
        },
    )
