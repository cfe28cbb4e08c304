"""Ledger accounts of receipt-backed loans (meidu.core.ledger; balances are sums of postings).

Signs: what members hold (their available funds) is positive, what is owed to the bank is negative,
so every move balances. Per loan: ``principal`` (the bank's money lent out: negative by the outstanding
principal after disbursement, back to zero when repaid) and ``interest`` (interest accrued and not yet
paid: negative by it, like the principal). Per bank: ``interest-income`` (positive by the interest
earned). The borrower's side is its exchange funds (magnesium_exchange.members.accounts).

disburse:  loan principal -P,  borrower available +P
accrue:    loan interest -i,   bank interest income +i
repay:     borrower available -(a+b),  loan interest +a,  loan principal +b   (interest first)
"""

from __future__ import annotations

from magnesium_exchange.members.accounts import CURRENCY
from meidu.core.ledger.models import LedgerAccount
from meidu.core.ledger.services import ledger_account_open


def principal_code(loan_id: int) -> str:
    return f"exchange:loan:{loan_id}:principal"


def interest_code(loan_id: int) -> str:
    return f"exchange:loan:{loan_id}:interest"


def interest_income_code(bank_id: int) -> str:
    return f"exchange:bank:{bank_id}:interest-income"


def loan_accounts_open(loan) -> tuple[LedgerAccount, LedgerAccount]:
    principal = ledger_account_open(principal_code(loan.pk), f"{loan.number} 贷款本金", CURRENCY, allow_negative=True)
    interest = ledger_account_open(interest_code(loan.pk), f"{loan.number} 应收利息", CURRENCY, allow_negative=True)
    return principal, interest


def bank_interest_income_account(bank) -> LedgerAccount:
    return ledger_account_open(interest_income_code(bank.pk), f"{bank.name} 利息收入", CURRENCY, allow_negative=True)
