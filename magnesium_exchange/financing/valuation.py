"""How collateral is valued and a loan measured against it: the one place for the arithmetic that
approval, collateral release, the daily valuation job and the pages share.

value of a receipt   = tonnes × reference price of its grade (the latest published up to the day)
collateral value     = value × (1 − haircut)
loan-to-value (LTV)  = debt (principal + accrued unpaid interest) / collateral value, in percent
Money rounds half-up to the fen; percentages to two decimals, rounded up (a line is never read as
uncrossed because of rounding).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.db.models import Q

from magnesium_exchange.financing.models import FinancingRule
from magnesium_exchange.marketdata.selectors import reference_prices_for

FEN = Decimal("0.01")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class Terms:
    """The haircut and lines that apply to one bank and grade (FinancingRule or the safe defaults)."""

    haircut_percent: Decimal = Decimal("20.00")
    max_ltv_percent: Decimal = Decimal("60.00")
    warning_percent: Decimal = Decimal("65.00")
    liquidation_percent: Decimal = Decimal("80.00")
    margin_call_hours: int = 72


DEFAULT_TERMS = Terms()


def terms_for(bank, grade) -> Terms:
    """The most specific rule: bank and grade, then bank, then grade, then the platform's, then defaults."""
    bank_id = getattr(bank, "pk", bank)
    grade_id = getattr(grade, "pk", grade)
    rules = {
        (rule.bank_id, rule.grade_id): rule
        for rule in FinancingRule.objects.filter(
            Q(bank_id=bank_id) | Q(bank__isnull=True), Q(grade_id=grade_id) | Q(grade__isnull=True)
        )
    }
    for key in ((bank_id, grade_id), (bank_id, None), (None, grade_id), (None, None)):
        rule = rules.get(key)
        if rule is not None:
            return Terms(
                rule.haircut_percent,
                rule.max_ltv_percent,
                rule.warning_percent,
                rule.liquidation_percent,
                rule.margin_call_hours,
            )
    return DEFAULT_TERMS


def valuation_prices(grade_ids, day: dt.date) -> dict[int, Decimal]:
    """Reference price per grade id as known at the end of ``day`` (published on or before it)."""
    return reference_prices_for(list(grade_ids), day + dt.timedelta(days=1))


def market_value(tonnes: Decimal, price: Decimal) -> Decimal:
    return (tonnes * price).quantize(FEN, rounding=ROUND_HALF_UP)


def after_haircut(value: Decimal, haircut_percent: Decimal) -> Decimal:
    return (value * (HUNDRED - haircut_percent) / HUNDRED).quantize(FEN, rounding=ROUND_HALF_UP)


def loan_to_value(debt: Decimal, collateral_value: Decimal) -> Decimal | None:
    """Percent, rounded up to 0.01; None when there is no collateral value to measure against."""
    if collateral_value <= 0:
        return None
    return (debt * HUNDRED / collateral_value).quantize(FEN, rounding=ROUND_CEILING)


def max_principal(collateral_value: Decimal, max_ltv_percent: Decimal) -> Decimal:
    """The largest debt the collateral carries at the loan-to-value limit (rounded down to the fen)."""
    return (collateral_value * max_ltv_percent / HUNDRED).quantize(FEN, rounding="ROUND_FLOOR")
