"""Ledger accounts of the exchange's funds.

Per member: ``available`` (spendable) and ``frozen`` (deposits held for open trades and
pending withdrawals); both refuse to go below zero. The exchange: fee income, and the
settlement bank's clearing account (the mirror of money held at the bank; it goes negative
as members deposit). Balances are sums of postings, never stored.
"""

from __future__ import annotations

from meidu.core.ledger.models import LedgerAccount
from meidu.core.ledger.services import ledger_account_open

CURRENCY = "CNY"
FEE_INCOME = "exchange:fees"
BANK_CLEARING = "exchange:settlement-bank:clearing"


def available_code(member_id: int) -> str:
    return f"exchange:member:{member_id}:available"


def frozen_code(member_id: int) -> str:
    return f"exchange:member:{member_id}:frozen"


def member_accounts_open(member) -> tuple[LedgerAccount, LedgerAccount]:
    available = ledger_account_open(
        available_code(member.pk), f"{member.name} 可用资金", CURRENCY, allow_negative=False
    )
    frozen = ledger_account_open(frozen_code(member.pk), f"{member.name} 冻结资金", CURRENCY, allow_negative=False)
    return available, frozen


def fee_income_account() -> LedgerAccount:
    return ledger_account_open(FEE_INCOME, "交易所手续费收入", CURRENCY, allow_negative=True)


def bank_clearing_account() -> LedgerAccount:
    return ledger_account_open(BANK_CLEARING, "结算银行清算账户", CURRENCY, allow_negative=True)
