"""The console's extra panels, one line each: an incubator app that ships a staff view (the supply
pool's offers awaiting review, commission totals and the rules' audit trail) adds a ConsolePanel here
with its own template under templates/incubator/panels/ and a function reading its selectors. The
console shows exactly the panels listed: no placeholder for one that is not built. A panel needing a
permission beyond the console's (MANAGE_TRAINING) names its check in ``allowed``: a staff member
without it does not see the panel (nor does its context run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from incubator.commission.policies import commission_may_manage
from incubator.commission.selectors import (
    commission_rule_changes,
    commission_settings_current,
    commission_weekly_totals,
)
from incubator.supply.policies import supply_may_review
from incubator.supply.selectors import supply_offers_awaiting_review
from marketplace.settlement.selectors import shop_weekly_sales_by_kind
from marketplace.shops.models import ShopKind

WEEKS = 4
OFFERS_SHOWN = 50
RULE_CHANGES_SHOWN = 5


@dataclass(frozen=True)
class ConsolePanel:
    template: str  # e.g. "incubator/panels/offers_awaiting_review.html"
    context: Callable[[object], dict]  # request -> the template's context (read through selectors)
    allowed: Callable[[object], bool] = lambda user: True  # user -> may see this panel


def distributor_commission(request) -> dict:
    """Each distributor's sales and commission (pending / earned / paid / clawed back) per week, newest
    week first: three queries whatever the number of distributors (two for sales, one for commission).
    A distributor's sales are the orders resold through it (the supplier fulfils them)."""
    sales = shop_weekly_sales_by_kind((ShopKind.DISTRIBUTOR,), weeks=WEEKS)
    commission = commission_weekly_totals([row["shop"].pk for row in sales], weeks=WEEKS)
    rows = [
        {"shop": row["shop"], "weeks": list(zip(row["weeks"], commission[row["shop"].pk], strict=True))}
        for row in sales
    ]
    return {"distributors": rows}


def offers_awaiting_review(request) -> dict:
    """The oldest OFFERS_SHOWN open offers nobody reviewed (one query; the tail is only announced)."""
    offers = list(supply_offers_awaiting_review()[: OFFERS_SHOWN + 1])
    for offer in offers:
        offer.commission_percent = offer.commission_value * 100  # a rate's share as the page shows it
    return {"offers": offers[:OFFERS_SHOWN], "offers_more": len(offers) > OFFERS_SHOWN}


def commission_rules(request) -> dict:
    return {"rules": commission_settings_current(), "changes": list(commission_rule_changes(RULE_CHANGES_SHOWN))}


CONSOLE_PANELS: list[ConsolePanel] = [
    ConsolePanel("incubator/panels/distributor_commission.html", distributor_commission, commission_may_manage),
    ConsolePanel("incubator/panels/offers_awaiting_review.html", offers_awaiting_review, supply_may_review),
    ConsolePanel("incubator/panels/commission_rules.html", commission_rules, commission_may_manage),
]


def panels_for(request) -> list[dict]:
    return [
        {"template": panel.template, **panel.context(request)}
        for panel in CONSOLE_PANELS
        if panel.allowed(request.user)
    ]
