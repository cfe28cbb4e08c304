"""The daily valuation (盯市): every receipt pledged in force marked to the reference price of its grade,
one LoanValuation per loan and day (value = tonnes × price × (1 − the loan's haircut); loan-to-value =
debt over that value), then margin calls opened or resolved where the day's mark says so.

A fixed number of queries whatever the number of loans: the loans, their collateral in force, the
prices, the debts (selectors.loan_debts), the open margin calls, and the upsert in batches. Only the
loans whose margin call must change are then reviewed one by one (services.margin, under each loan's
row lock, measured again there). Rerunning a day rewrites that day's rows (the latest debt) and opens
or resolves nothing twice.

Lock order: the bulk read and upsert take no row lock (a day's valuation row is written only by this job,
ON CONFLICT on (loan, day)); each review then takes the loan row, then its margin call row
(services.margin's order), one loan per transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from magnesium_exchange.financing.models import (
    PLEDGE_IN_FORCE,
    Loan,
    LoanCollateral,
    LoanStatus,
    LoanValuation,
    MarginCall,
    MarginCallStatus,
)
from magnesium_exchange.financing.selectors import loan_debts
from magnesium_exchange.financing.services.margin import margin_call_review, warning_line
from magnesium_exchange.financing.services.measure import COLLATERAL_FIELDS, measure
from magnesium_exchange.financing.state import OWING_STATUSES, PLEDGED_STATUSES
from magnesium_exchange.financing.valuation import valuation_prices

BATCH = 2000
LTV_MAX = Decimal("9999999.99")  # the column's largest value: a loan with next to no collateral value


@dataclass
class ValuationResult:
    day: dt.date
    loans: int = 0
    receipts: int = 0
    valuations_written: int = 0
    calls_opened: int = 0
    calls_resolved: int = 0
    unpriced_grades: list[str] = field(default_factory=list)


def loans_value(day: dt.date | None = None, *, now=None) -> ValuationResult:
    """Value every loan whose receipts are pledged (approved, active, enforcing) at the reference
    prices known at the end of ``day`` (today by default). Margin calls move only when ``day`` is
    today; a past day is recorded, not acted upon."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = day or today
    result = ValuationResult(day=day)
    loans = {
        loan.pk: loan
        for loan in Loan.objects.filter(status__in=PLEDGED_STATUSES).only(
            "id", "status", "haircut_percent", "warning_percent"
        )
    }
    result.loans = len(loans)
    if not loans:
        return result
    rows_by_loan: dict[int, list[tuple]] = {}
    for row in LoanCollateral.objects.filter(status__in=PLEDGE_IN_FORCE, loan__status__in=PLEDGED_STATUSES).values_list(
        *COLLATERAL_FIELDS
    ):
        rows_by_loan.setdefault(row[0], []).append(row)
        result.receipts += 1
    prices = valuation_prices({row[2] for rows in rows_by_loan.values() for row in rows}, day)
    debts = loan_debts(loans)
    open_calls = set(MarginCall.objects.filter(status=MarginCallStatus.OPEN).values_list("loan_id", flat=True))
    valuations, review, unpriced = [], [], set()
    for pk, loan in loans.items():
        measured = measure(loan, rows_by_loan.get(pk, []), prices, debts[pk])
        unpriced.update(code for code, price in measured.prices.items() if price is None)
        ltv = measured.ltv_percent if measured.ltv_percent is None else min(measured.ltv_percent, LTV_MAX)
        valuations.append(
            LoanValuation(
                loan_id=pk,
                day=day,
                tonnes=measured.tonnes,
                market_value=measured.market_value,
                collateral_value=measured.collateral_value,
                debt=measured.debt.total,
                ltv_percent=ltv,
                prices=measured.prices,
            )
        )
        if day != today:
            continue
        has_call = pk in open_calls
        if loan.status not in OWING_STATUSES:
            if has_call:
                review.append(pk)
        elif measured.complete:
            above = measured.ltv_percent >= warning_line(loan)
            if (above and not has_call and loan.status == LoanStatus.ACTIVE) or (has_call and not above):
                review.append(pk)
    with transaction.atomic():
        for start in range(0, len(valuations), BATCH):
            LoanValuation.objects.bulk_create(
                valuations[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["loan", "day"],
                update_fields=["tonnes", "market_value", "collateral_value", "debt", "ltv_percent", "prices"],
            )
    result.valuations_written = len(valuations)
    result.unpriced_grades = sorted(unpriced)
    for pk in review:
        had_call = pk in open_calls
        call = margin_call_review(Loan(pk=pk), now=now)
        if call is not None and call.status == MarginCallStatus.OPEN and not had_call:
            result.calls_opened += 1
        elif call is not None and call.status != MarginCallStatus.OPEN and had_call:
            result.calls_resolved += 1
    return result
