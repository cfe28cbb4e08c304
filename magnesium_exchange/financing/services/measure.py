"""A loan measured against its collateral: tonnes in force, market value at the reference prices,
value after the loan's haircut, debt and loan-to-value. One arithmetic for one loan (margin review,
forced sale) and for every loan at once (the daily valuation job): ``measure`` takes rows already read.

Reads only; the arithmetic is financing.valuation's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from magnesium_exchange.financing.models import PLEDGE_IN_FORCE, LoanCollateral
from magnesium_exchange.financing.selectors import Debt, loan_debts
from magnesium_exchange.financing.valuation import (
    DEFAULT_TERMS,
    after_haircut,
    loan_to_value,
    market_value,
    valuation_prices,
)

ZERO = Decimal("0.00")
ZERO_TONNES = Decimal("0.000")

# (loan id, quantity, grade id, grade code) of each receipt pledged in force
COLLATERAL_FIELDS = ("loan_id", "quantity", "receipt__grade_id", "receipt__grade__code")


@dataclass
class Measure:
    tonnes: Decimal = ZERO_TONNES
    market_value: Decimal = ZERO
    collateral_value: Decimal = ZERO
    debt: Debt = field(default_factory=lambda: Debt(ZERO, ZERO))
    ltv_percent: Decimal | None = None
    prices: dict = field(default_factory=dict)  # grade code -> price (str), None when the grade has none
    unpriced_tonnes: Decimal = ZERO_TONNES

    @property
    def complete(self) -> bool:
        """Every receipt in force had a price: the loan-to-value can be acted upon."""
        return not self.unpriced_tonnes and self.ltv_percent is not None


def haircut_of(loan) -> Decimal:
    return loan.haircut_percent if loan.haircut_percent is not None else DEFAULT_TERMS.haircut_percent


def measure(loan, rows, prices: dict[int, Decimal], debt: Debt) -> Measure:
    """``rows``: the loan's collateral in force as COLLATERAL_FIELDS tuples (without the loan id is fine
    too: only quantity, grade id and code are read from the end)."""
    result = Measure(debt=debt)
    for row in rows:
        quantity, grade_id, grade_code = row[-3], row[-2], row[-1]
        result.tonnes += quantity
        price = prices.get(grade_id)
        result.prices[grade_code] = None if price is None else str(price)
        if price is None:
            result.unpriced_tonnes += quantity
            continue
        result.market_value += market_value(quantity, price)
    result.collateral_value = after_haircut(result.market_value, haircut_of(loan))
    if debt.total <= 0:
        result.ltv_percent = ZERO
    else:
        result.ltv_percent = loan_to_value(debt.total, result.collateral_value)
    return result


def collateral_in_force(loan_ids) -> dict[int, list[tuple]]:
    """The receipts pledged in force of each loan, in one query."""
    by_loan: dict[int, list[tuple]] = {}
    for row in (
        LoanCollateral.objects.filter(loan_id__in=list(loan_ids), status__in=PLEDGE_IN_FORCE)
        .values_list(*COLLATERAL_FIELDS)
        .order_by("loan_id", "id")
    ):
        by_loan.setdefault(row[0], []).append(row)
    return by_loan


def loan_measure(loan, *, day: dt.date | None = None) -> Measure:
    """The loan now (debt from the ledger) against the reference prices known at the end of ``day``
    (today by default): three queries."""
    day = day or timezone.localdate()
    rows = collateral_in_force([loan.pk]).get(loan.pk, [])
    prices = valuation_prices({row[2] for row in rows}, day) if rows else {}
    return measure(loan, rows, prices, loan_debts([loan.pk])[loan.pk])
