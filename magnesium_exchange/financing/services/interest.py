"""Daily interest on receipt-backed loans: simple interest on the outstanding principal.

interest of a day = principal outstanding at the end of that day × annual rate / 100 / 365,
rounded half-up to the fen, each day posted on its own (ledger.loan_post_interest, keyed by the day,
so a rerun never posts a day twice). The end-of-day balance counts the day of disbursement and not the
day of the last repayment (算头不算尾). ``Loan.interest_accrued_until`` moves with the postings, in the
same transaction: every day before it is accrued.

Lock order: the loan row (SELECT ... FOR UPDATE), then the ledger accounts the postings take.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from magnesium_exchange.financing.accounts import principal_code
from magnesium_exchange.financing.models import Loan
from magnesium_exchange.financing.services.events import loan_lock
from magnesium_exchange.financing.services.ledger import loan_post_interest
from magnesium_exchange.financing.state import OWING_STATUSES
from meidu.core.ledger.models import LedgerPosting

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
DAYS_A_YEAR = Decimal("365")


def interest_of_day(principal: Decimal, annual_rate_percent: Decimal) -> Decimal:
    """One day's interest on ``principal``, half-up to the fen."""
    return (principal * annual_rate_percent / Decimal("100") / DAYS_A_YEAR).quantize(FEN, rounding=ROUND_HALF_UP)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _principal_at_day_ends(loan, first: dt.date, until: dt.date) -> dict[dt.date, Decimal]:
    """Outstanding principal at the end of each day in [first, until), from the principal account's
    postings (one query)."""
    postings = list(
        LedgerPosting.objects.filter(account__code=principal_code(loan.pk), created_at__lt=_day_start(until))
        .order_by("created_at", "id")
        .values_list("created_at", "amount")
    )
    balances, owed, index = {}, ZERO, 0
    day = first
    while day < until:
        end = _day_start(day + dt.timedelta(days=1))
        while index < len(postings) and postings[index][0] < end:
            owed -= postings[index][1]  # the account is negative by what is owed
            index += 1
        balances[day] = owed
        day += dt.timedelta(days=1)
    return balances


def _accrue(loan, until: dt.date) -> tuple[bool, Decimal]:
    with transaction.atomic():
        loan = loan_lock(loan)
        if loan.status not in OWING_STATUSES or not loan.annual_rate_percent or loan.disbursed_at is None:
            return False, ZERO
        first = loan.interest_accrued_until or timezone.localdate(loan.disbursed_at)
        if first >= until:
            return False, ZERO
        total = ZERO
        for day, principal in _principal_at_day_ends(loan, first, until).items():
            amount = interest_of_day(principal, loan.annual_rate_percent) if principal > 0 else ZERO
            if amount > 0:
                loan_post_interest(loan, amount, day_key=day.isoformat())
                total += amount
        loan.interest_accrued_until = until
        loan.save(update_fields=["interest_accrued_until", "updated_at"])
    return True, total


def loan_interest_accrue(loan, *, until: dt.date) -> Decimal:
    """Accrue the loan's interest for every day from ``interest_accrued_until`` (or the day of
    disbursement) up to, not including, ``until``; returns the interest posted now. Loans that owe
    nothing (not disbursed, closed) and days already accrued are left alone, so a rerun posts nothing.
    Inside the caller's transaction when there is one (a repayment accrues up to today first)."""
    if not isinstance(until, dt.date) or isinstance(until, dt.datetime):
        raise TypeError("until is a date")
    return _accrue(loan, until)[1]


def loans_interest_accrue_due(today: dt.date | None = None) -> int:
    """Beat (daily, rerun safely): every owing loan accrues up to today (yesterday is the last day
    accrued), each in its own transaction. Returns the number of loans whose accrual moved."""
    today = today or timezone.localdate()
    pks = list(
        Loan.objects.filter(status__in=OWING_STATUSES)
        .exclude(interest_accrued_until__gte=today)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in pks if _accrue(Loan(pk=pk), today)[0])
