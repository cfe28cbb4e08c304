"""Reads of loans shared by the services, the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from magnesium_exchange.financing.accounts import interest_code, principal_code
from magnesium_exchange.financing.models import PLEDGE_IN_FORCE, LoanCollateral
from meidu.core.ledger.models import LedgerPosting

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Debt:
    principal: Decimal
    interest: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


def loan_debts(loan_ids) -> dict[int, Debt]:
    """Outstanding principal and accrued unpaid interest of many loans in one query (ledger balances:
    the principal account is negative by what is owed, the interest account positive)."""
    loan_ids = list(loan_ids)
    codes = {principal_code(pk): (pk, "principal") for pk in loan_ids}
    codes.update({interest_code(pk): (pk, "interest") for pk in loan_ids})
    totals = dict(LedgerPosting.objects.filter(account__code__in=list(codes)).values("account__code")
                  .annotate(total=Sum("amount")).values_list("account__code", "total"))
    debts = {}
    for pk in loan_ids:
        principal = -(totals.get(principal_code(pk)) or ZERO)
        interest = totals.get(interest_code(pk)) or ZERO
        debts[pk] = Debt(principal.quantize(Decimal("0.01")), interest.quantize(Decimal("0.01")))
    return debts


def loan_debt(loan) -> Debt:
    return loan_debts([loan.pk])[loan.pk]


def pledge_in_force_of(receipt_ids) -> dict[int, LoanCollateral]:
    """The pledge in force on each receipt (with its loan and bank), if any, in one query."""
    rows = (LoanCollateral.objects.filter(receipt_id__in=list(receipt_ids), status__in=PLEDGE_IN_FORCE)
            .select_related("loan", "bank"))
    return {row.receipt_id: row for row in rows}
