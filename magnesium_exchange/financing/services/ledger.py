"""The ledger moves of a loan (see financing.accounts for the accounts and signs). Each move is one
balanced posting with an idempotency key, so a retried call never moves money twice; the borrower's
available funds cannot go negative (the members' funds service refuses, naming what is available).

Call inside the transaction that holds the loan row lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from magnesium_exchange.financing.accounts import bank_interest_income_account, loan_accounts_open
from magnesium_exchange.financing.error_codes import ExchangeFinancingErrorCode as Code
from magnesium_exchange.financing.selectors import loan_debt
from magnesium_exchange.members.accounts import member_accounts_open
from magnesium_exchange.warehouses.services.tickets import user_of
from meidu.core.errors import DomainError
from meidu.core.ledger.services import ledger_post

ZERO = Decimal("0.00")


def _post(entries, *, description: str, reference: str, idempotency_key: str, actor=None):
    user = user_of(actor)
    try:
        return ledger_post(
            entries,
            description=description,
            reference=reference,
            actor=user,
            idempotency_key=f"exchange:{idempotency_key}",
        )
    except DomainError as exc:
        if exc.code == "insufficient_funds":
            raise DomainError(
                _("Available funds do not cover this payment"), Code.INSUFFICIENT_FUNDS, field="amount"
            ) from None
        raise


def loan_post_disbursement(loan, *, actor=None):
    """The principal leaves the bank's lending account for the loan into the borrower's available funds."""
    principal_account, _interest = loan_accounts_open(loan)
    available, _frozen = member_accounts_open(loan.borrower)
    return _post(
        [(principal_account, -loan.principal), (available, loan.principal)],
        description="质押贷款放款",
        reference=f"loan:{loan.pk}",
        idempotency_key=f"loan:{loan.pk}:disburse",
        actor=actor,
    )


def loan_post_interest(loan, amount: Decimal, *, day_key: str):
    """Accrue ``amount`` of interest (a day's or a period's, named by ``day_key`` for idempotency)."""
    _principal, interest_account = loan_accounts_open(loan)
    return _post(
        [(interest_account, -amount), (bank_interest_income_account(loan.bank), amount)],
        description="贷款计息",
        reference=f"loan:{loan.pk}",
        idempotency_key=f"loan:{loan.pk}:interest:{day_key}",
    )


def loan_post_repayment(loan, amount: Decimal, *, idempotency_key: str, actor=None) -> tuple[Decimal, Decimal]:
    """Take ``amount`` from the borrower's available funds: accrued interest first, then principal.
    Returns (interest paid, principal paid). REPAYMENT_EXCEEDS_DEBT when it is more than is owed."""
    debt = loan_debt(loan)
    if amount > debt.total:
        raise DomainError(
            _("The repayment is more than the %(debt)s CNY owed") % {"debt": debt.total},
            Code.REPAYMENT_EXCEEDS_DEBT,
            field="amount",
        )
    interest_paid = min(amount, debt.interest)
    principal_paid = amount - interest_paid
    principal_account, interest_account = loan_accounts_open(loan)
    available, _frozen = member_accounts_open(loan.borrower)
    entries = [(available, -amount)]
    if interest_paid:
        entries.append((interest_account, interest_paid))
    if principal_paid:
        entries.append((principal_account, principal_paid))
    _post(
        entries,
        description="质押贷款还款",
        reference=f"loan:{loan.pk}",
        idempotency_key=f"loan:{loan.pk}:{idempotency_key}",
        actor=actor,
    )
    return interest_paid, principal_paid
