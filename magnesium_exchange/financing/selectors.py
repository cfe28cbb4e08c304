"""Reads of loans shared by the services, the API and the pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum

from magnesium_exchange.financing.accounts import interest_code, principal_code
from magnesium_exchange.financing.models import (
    PLEDGE_IN_FORCE,
    Bank,
    BankOfficer,
    CollateralStatus,
    DisputeStatus,
    FinancingRule,
    ForcedSale,
    ForcedSaleStatus,
    Loan,
    LoanCollateral,
    LoanDispute,
    LoanEvent,
    LoanStatus,
    LoanValuation,
    MarginCall,
    MarginCallStatus,
)
from magnesium_exchange.members.models import Trader
from magnesium_exchange.members.selectors import trader_for_user
from meidu.core.ledger.models import LedgerPosting, LedgerTransaction
from meidu.core.permissions import ExchangePermissions
from meidu.integrations.services.apps import actor_has_permission

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
    both accounts are negative by what is owed, see financing.accounts)."""
    loan_ids = list(loan_ids)
    codes = {principal_code(pk): (pk, "principal") for pk in loan_ids}
    codes.update({interest_code(pk): (pk, "interest") for pk in loan_ids})
    totals = dict(
        LedgerPosting.objects.filter(account__code__in=list(codes))
        .values("account__code")
        .annotate(total=Sum("amount"))
        .values_list("account__code", "total")
    )
    debts = {}
    for pk in loan_ids:
        principal = -(totals.get(principal_code(pk)) or ZERO)
        interest = -(totals.get(interest_code(pk)) or ZERO)
        debts[pk] = Debt(principal.quantize(Decimal("0.01")), interest.quantize(Decimal("0.01")))
    return debts


def loan_debt(loan) -> Debt:
    return loan_debts([loan.pk])[loan.pk]


def pledge_in_force_of(receipt_ids) -> dict[int, LoanCollateral]:
    """The pledge in force on each receipt (with its loan and bank), if any, in one query."""
    rows = LoanCollateral.objects.filter(receipt_id__in=list(receipt_ids), status__in=PLEDGE_IN_FORCE).select_related(
        "loan", "bank"
    )
    return {row.receipt_id: row for row in rows}


def _label(actor) -> str:
    return getattr(getattr(actor, "_meta", None), "label_lower", "")


def actor_is_operator(actor) -> bool:
    """An exchange operator (MANAGE_EXCHANGE), a user or an App."""
    return actor_has_permission(actor, ExchangePermissions.MANAGE_EXCHANGE)


def trader_of(actor, grant: str | None = None) -> Trader | None:
    """The active trader record of a user (with ``grant`` when named: "can_trade", "can_settle",
    "can_manage_funds"); None for Apps and everyone else. The member's own status is the services'
    matter (a suspended member may not borrow more, but still repays)."""
    if _label(actor) != "accounts.user":
        return None
    trader = trader_for_user(actor)
    if trader is None:
        return None
    if grant and not getattr(trader, grant):
        return None
    return trader


def bank_of_actor(actor) -> Bank | None:
    """The bank an actor acts for: an active officer's bank for a user, the bank whose App it is for an
    App; None for anyone else (inactive banks included: the services refuse what they may not do)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "pk", None):
        return None
    label = _label(actor)
    if label == "integrations.app":
        return Bank.objects.filter(app_id=actor.pk).first() if actor.is_active else None
    if label == "accounts.user":
        officer = (
            BankOfficer.objects.select_related("bank").filter(user_id=actor.pk, is_active=True).first()
            if actor.is_active
            else None
        )
        return officer.bank if officer is not None else None
    return None


def loan_list_for(actor, status=None):
    """The loans ``actor`` may see, newest first: a bank's officers and App see their bank's loans only
    (even if they held other permissions), operators (MANAGE_EXCHANGE) every loan, a member's active
    traders their member's loans; nobody else any. ``status`` filters (a LoanStatus value)."""
    bank = bank_of_actor(actor)
    qs = Loan.objects.select_related("bank", "borrower").order_by("-id")
    if bank is not None:
        qs = qs.filter(bank=bank)
    elif actor_is_operator(actor):
        pass
    else:
        trader = trader_of(actor)
        qs = qs.filter(borrower_id=trader.member_id) if trader is not None else qs.none()
    if status:
        qs = qs.filter(status=status)
    return qs


def loan_latest_valuations(loan_ids) -> dict[int, LoanValuation]:
    """The latest daily valuation of each loan, in one query (PostgreSQL DISTINCT ON)."""
    rows = LoanValuation.objects.filter(loan_id__in=list(loan_ids)).order_by("loan_id", "-day").distinct("loan_id")
    return {row.loan_id: row for row in rows}


def loans_annotate(loans: list) -> list:
    """Attach each loan's debt (``_debt``) and latest valuation (``_valuation``) for a page of loans, in
    two queries whatever its length."""
    ids = [loan.pk for loan in loans]
    if ids:
        debts, valuations = loan_debts(ids), loan_latest_valuations(ids)
        for loan in loans:
            loan._debt, loan._valuation = debts[loan.pk], valuations.get(loan.pk)
    return loans


def open_application_of(receipt_ids, *, exclude_loan_id=None) -> dict[int, LoanCollateral]:
    """Receipts offered in a loan application still in review (collateral proposed, loan applied)."""
    rows = LoanCollateral.objects.filter(
        receipt_id__in=list(receipt_ids), status=CollateralStatus.PROPOSED, loan__status=LoanStatus.APPLIED
    ).select_related("loan", "bank")
    if exclude_loan_id is not None:
        rows = rows.exclude(loan_id=exclude_loan_id)
    return {row.receipt_id: row for row in rows}


def loan_dispute_list_open():
    """Open disputes, the longest waiting first, with what the operator's page shows."""
    return (
        LoanDispute.objects.filter(status=DisputeStatus.OPEN)
        .select_related("loan__bank", "loan__borrower", "raised_by")
        .order_by("raised_at", "id")
    )


def loan_disputes_of(loan):
    return (
        LoanDispute.objects.filter(loan=loan).select_related("raised_by", "resolved_by").order_by("-raised_at", "-id")
    )


def pledge_list_in_force():
    """Every pledge in force, all banks (the operator's view), newest first."""
    return (
        LoanCollateral.objects.filter(status__in=PLEDGE_IN_FORCE)
        .select_related("loan", "bank", "receipt__grade", "receipt__warehouse", "receipt__holder")
        .order_by("-pledged_at", "-id")
    )


def financing_rule_list():
    """The financing rules in force, platform defaults first, then per bank, then per grade."""
    return FinancingRule.objects.select_related("bank", "grade").order_by("bank_id", "grade_id", "id")


# --- the pages' reads: the bank portal (always scoped to one bank) and the trader terminal's loans ---------
# A loans page costs a fixed number of queries whatever the number of loans (the query counts are tested).

ZERO_DEBT = Debt(ZERO, ZERO)
OWING_STATUSES = (LoanStatus.ACTIVE, LoanStatus.ENFORCING)
PLEDGED_STATUSES = (LoanStatus.APPROVED, LoanStatus.ACTIVE, LoanStatus.ENFORCING)


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
        return (
            v is not None
            and v.ltv_percent is not None
            and loan.warning_percent is not None
            and v.ltv_percent >= loan.warning_percent
        )


def bank_get_for_officer(user) -> Bank | None:
    """The active bank ``user`` is an active officer of, else None (the permission is the caller's check)."""
    officer = BankOfficer.objects.select_related("bank").filter(user=user, is_active=True, bank__is_active=True).first()
    return officer.bank if officer else None


def loan_list_for_bank(bank, *, statuses=None):
    """Every loan of ``bank`` (and only its), borrower joined (in ``statuses`` only, when given): the scope
    of every loan page of the bank portal."""
    qs = Loan.objects.filter(bank=bank).select_related("borrower")
    return qs.filter(status__in=statuses) if statuses else qs


def loan_list_for_member(member):
    """A borrower's loans with bank and borrower joined (the trader terminal's scope)."""
    return Loan.objects.filter(borrower=member).select_related("bank", "borrower")


def loan_row_list(loans) -> list[LoanRow]:
    """The rows of a loans page: four queries (loans with collateral, debts, valuations, open calls)."""
    loans = list(
        loans.prefetch_related(
            Prefetch(
                "collateral",
                queryset=LoanCollateral.objects.select_related("receipt__grade").order_by("id"),
                to_attr="collateral_rows",
            )
        )
    )
    ids = [loan.pk for loan in loans]
    debts = loan_debts(ids) if ids else {}
    valuations = loan_latest_valuations(ids) if ids else {}
    calls = (
        {call.loan_id: call for call in MarginCall.objects.filter(loan_id__in=ids, status=MarginCallStatus.OPEN)}
        if ids
        else {}
    )
    return [
        LoanRow(
            loan,
            debts.get(loan.pk, ZERO_DEBT),
            [c for c in loan.collateral_rows if c.status in PLEDGE_IN_FORCE],
            valuations.get(loan.pk),
            calls.get(loan.pk),
            loan.collateral_rows,
        )
        for loan in loans
    ]


def loan_counts_for_bank(bank) -> dict[str, int]:
    """The bank portal home's queue counts in one query per table."""
    counts = Loan.objects.filter(bank=bank).aggregate(
        applied=Count("id", filter=Q(status=LoanStatus.APPLIED)),
        approved=Count("id", filter=Q(status=LoanStatus.APPROVED)),
        owing=Count("id", filter=Q(status__in=OWING_STATUSES)),
    )
    counts["margin_calls"] = MarginCall.objects.filter(loan__bank=bank, status=MarginCallStatus.OPEN).count()
    counts["forced_sales"] = ForcedSale.objects.filter(loan__bank=bank, status=ForcedSaleStatus.OPEN).count()
    return counts


def margin_call_list_for_bank(bank):
    return MarginCall.objects.filter(loan__bank=bank).select_related("loan__borrower").order_by("-opened_at", "-id")


def margin_call_list_for_loan(loan) -> list[MarginCall]:
    """The loan's margin calls, newest first."""
    return list(MarginCall.objects.filter(loan=loan).order_by("-opened_at"))


def margin_call_get_open(loan) -> MarginCall | None:
    return MarginCall.objects.filter(loan=loan, status=MarginCallStatus.OPEN).first()


def margin_call_list_open_for_member(member):
    """A borrower's open margin calls, soonest deadline first (the trader terminal shows them as a notice)."""
    return (
        MarginCall.objects.filter(loan__borrower=member, status=MarginCallStatus.OPEN)
        .select_related("loan__bank")
        .order_by("deadline")
    )


def forced_sale_list_for_bank(bank):
    return (
        ForcedSale.objects.filter(loan__bank=bank)
        .select_related("loan__borrower", "auction")
        .order_by("-started_at", "-id")
    )


def forced_sale_list_for_loan(loan) -> list[ForcedSale]:
    """The loan's forced sales with their auctions, newest first."""
    return list(ForcedSale.objects.filter(loan=loan).select_related("auction").order_by("-id"))


def loan_collateral_list(loan) -> list[LoanCollateral]:
    """Every collateral row of the loan with receipt, grade and warehouse, oldest first."""
    return list(
        LoanCollateral.objects.filter(loan=loan).select_related("receipt__grade", "receipt__warehouse").order_by("id")
    )


def loan_valuation_list(loan) -> list[LoanValuation]:
    """The loan's daily valuations, oldest first (the loan-to-value chart)."""
    return list(LoanValuation.objects.filter(loan=loan).order_by("day"))


def loan_event_list(loan) -> list[LoanEvent]:
    """The loan's events with the acting user, oldest first."""
    return list(LoanEvent.objects.filter(loan=loan).select_related("actor_user").order_by("id"))


def loan_ledger_list(loan) -> list[LedgerTransaction]:
    """The ledger transactions about the loan (disbursement, interest, repayments, sale proceeds), each with
    its postings, oldest first."""
    return list(
        LedgerTransaction.objects.filter(reference=f"loan:{loan.pk}")
        .order_by("id")
        .prefetch_related(Prefetch("postings", queryset=LedgerPosting.objects.select_related("account").order_by("id")))
    )
