"""Reads shaped for the bank portal's pages, always scoped to one bank: its loans with their debts,
pledged receipts and last valuation in a fixed number of queries whatever the number of loans (the
list pages' query counts are tested), its margin calls and forced sales, one loan's ledger."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q

from magnesium_exchange.financing.models import (
    PLEDGE_IN_FORCE,
    ForcedSale,
    ForcedSaleStatus,
    Loan,
    LoanCollateral,
    LoanStatus,
    LoanValuation,
    MarginCall,
    MarginCallStatus,
)
from magnesium_exchange.financing.selectors import Debt, loan_debts
from meidu.core.ledger.models import LedgerPosting, LedgerTransaction

ZERO_DEBT = Debt(Decimal("0.00"), Decimal("0.00"))
OWING = (LoanStatus.ACTIVE, LoanStatus.ENFORCING)
PLEDGED = (LoanStatus.APPROVED, LoanStatus.ACTIVE, LoanStatus.ENFORCING)


@dataclass
class LoanRow:
    loan: Loan
    debt: Debt
    pledged: list  # LoanCollateral rows in force (pledged or selling), receipts loaded
    valuation: LoanValuation | None
    margin_call: MarginCall | None
    collateral: list  # every collateral row of the loan (offered, pledged, released ...)

    @property
    def offered(self) -> list:
        return [c for c in self.collateral if c.status == "proposed"]

    @property
    def pledged_tonnes(self) -> Decimal:
        return sum((c.quantity for c in self.pledged), Decimal("0.000"))

    @property
    def at_risk(self) -> bool:
        v, loan = self.valuation, self.loan
        return (v is not None and v.ltv_percent is not None and loan.warning_percent is not None
                and v.ltv_percent >= loan.warning_percent)


def bank_loans(bank):
    """Every loan of ``bank`` (and only its): the scope of every loan page of the portal."""
    return Loan.objects.filter(bank=bank).select_related("borrower")


def latest_valuations(loan_ids) -> dict[int, LoanValuation]:
    rows = LoanValuation.objects.filter(loan_id__in=list(loan_ids)).order_by("loan_id", "-day").distinct("loan_id")
    return {row.loan_id: row for row in rows}


def loan_rows(loans) -> list[LoanRow]:
    """The rows of a loans page: four queries (loans with collateral, debts, valuations, open calls)."""
    loans = list(loans.prefetch_related(Prefetch(
        "collateral", queryset=LoanCollateral.objects.select_related("receipt__grade").order_by("id"),
        to_attr="collateral_rows")))
    ids = [loan.pk for loan in loans]
    debts = loan_debts(ids) if ids else {}
    valuations = latest_valuations(ids) if ids else {}
    calls = ({call.loan_id: call for call in MarginCall.objects.filter(loan_id__in=ids, status=MarginCallStatus.OPEN)}
             if ids else {})
    return [LoanRow(loan, debts.get(loan.pk, ZERO_DEBT), [c for c in loan.collateral_rows if c.status in PLEDGE_IN_FORCE],
                    valuations.get(loan.pk), calls.get(loan.pk), loan.collateral_rows)
            for loan in loans]


def bank_counts(bank) -> dict[str, int]:
    """The home page's queue counts in one query per table."""
    loans = Loan.objects.filter(bank=bank).aggregate(
        applied=Count("id", filter=Q(status=LoanStatus.APPLIED)),
        approved=Count("id", filter=Q(status=LoanStatus.APPROVED)),
        owing=Count("id", filter=Q(status__in=OWING)))
    loans["margin_calls"] = MarginCall.objects.filter(loan__bank=bank, status=MarginCallStatus.OPEN).count()
    loans["forced_sales"] = ForcedSale.objects.filter(loan__bank=bank, status=ForcedSaleStatus.OPEN).count()
    return loans


def bank_margin_calls(bank):
    return MarginCall.objects.filter(loan__bank=bank).select_related("loan__borrower").order_by("-opened_at", "-id")


def bank_forced_sales(bank):
    return ForcedSale.objects.filter(loan__bank=bank).select_related("loan__borrower", "auction").order_by("-started_at", "-id")


def loan_collateral(loan) -> list[LoanCollateral]:
    return list(loan.collateral.select_related("receipt__grade", "receipt__warehouse").order_by("id"))


def loan_ledger(loan) -> list[LedgerTransaction]:
    """The ledger transactions about the loan (disbursement, interest, repayments, sale proceeds), each with
    its postings, oldest first."""
    return list(LedgerTransaction.objects.filter(reference=f"loan:{loan.pk}").order_by("id").prefetch_related(
        Prefetch("postings", queryset=LedgerPosting.objects.select_related("account").order_by("id"))))


def member_open_margin_calls(member):
    """A borrower's open margin calls, soonest deadline first (the trader terminal shows them as a notice)."""
    return (MarginCall.objects.filter(loan__borrower=member, status=MarginCallStatus.OPEN)
            .select_related("loan__bank").order_by("deadline"))
