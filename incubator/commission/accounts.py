"""Ledger accounts of distributor commission (holder-positive, every account may go negative):

settlement:distribution_margin:CNY           the platform's margin on resold lines (marketplace
                                             settlement credits it); commission is paid from it
incubator:distributor:<shop>:pending:CNY     commission of paid orders, window still open
incubator:distributor:<shop>:earned:CNY      earned, not yet paid out (negative after a claw-back
                                             of paid commission: carried, netted next week)
incubator:distributor:<shop>:paid_out:CNY    sent to the distributor's bank in a weekly payout
"""

from __future__ import annotations

from marketplace.settlement.accounts import platform_account
from meidu.core.ledger.models import LedgerAccount
from meidu.core.ledger.services import ledger_account_open

ROLES = ("pending", "earned", "paid_out")
NAMES = {"pending": "分销佣金 待结算", "earned": "分销佣金 可提现", "paid_out": "分销佣金 已打款"}


def distributor_code(shop_id: int, role: str, currency: str = "CNY") -> str:
    return f"incubator:distributor:{shop_id}:{role}:{currency}"


def margin_account(currency: str = "CNY") -> LedgerAccount:
    return platform_account("distribution_margin", currency)


def distributor_accounts(shop_ids, currency: str = "CNY") -> dict[tuple[int, str], LedgerAccount]:
    """{(shop, role): account} for every shop of ``shop_ids``, opened on first use (one query when all exist)."""
    codes = {distributor_code(shop, role, currency): (shop, role) for shop in set(shop_ids) for role in ROLES}
    found = {account.code: account for account in LedgerAccount.objects.filter(code__in=list(codes))}
    result = {}
    for code, (shop, role) in codes.items():
        result[(shop, role)] = found.get(code) or ledger_account_open(code, f"#{shop} {NAMES[role]}", currency)
    return result
