"""The ledger accounts of settlement and their codes (holder-positive: a balance is what the
account's owner holds; money from outside makes the gateway account negative).

    settlement:gateway:CNY              buyers' money in through the gateways (negative), refunds back out
    settlement:clearing:CNY             buyer money held by the platform until split (0 once an order is synced)
    settlement:commission:CNY           platform commission income
    settlement:distribution_margin:CNY  resold lines: retail minus supply price; resellers' commission is paid
                                        from it (by the incubator), the rest is the platform's
    settlement:shop:<id>:pending:CNY    seller earnings waiting for delivery + the after-sales window
    settlement:shop:<id>:available:CNY  earnings released, not yet paid out (may be negative: a claw-back debt)
    settlement:shop:<id>:paid_out:CNY   sent to the seller's bank
    settlement:shop:<id>:cash:CNY       cash on delivery the shop collected itself and kept
    settlement:agent:<user id>:fees:CNY a station agent's service fees for assisted orders, earned, not yet paid
                                        out (negative: a fee clawed back after its payout, netted next week)
    settlement:agent:<user id>:paid_out:CNY  the agent's fees sent in the weekly payouts

Every account allows negative balances: guarded accounts would serialise a busy shop's postings.
An order's pending (then available) share is its net earnings minus the cash its shop kept: never
below zero for an order paid to the platform, minus the commission (a debt netted at the next
payout) for one whose cash the shop collected itself (see services.sync).
"""

from __future__ import annotations

from meidu.core.ledger.models import LedgerAccount
from meidu.core.ledger.services import ledger_account_open

PLATFORM_NAMES = {
    "gateway": "支付通道/银行 (外部)",
    "clearing": "平台清算 (买家款项)",
    "commission": "平台佣金收入",
    "distribution_margin": "分销差价 (待付分销佣金及平台留存)",
}
SHOP_NAMES = {"pending": "待结算收入", "available": "可提现收入", "paid_out": "已打款", "cash": "自收货到付款现金"}


def platform_code(role: str, currency: str) -> str:
    return f"settlement:{role}:{currency}"


def shop_code(shop_id: int, role: str, currency: str) -> str:
    return f"settlement:shop:{shop_id}:{role}:{currency}"


def platform_account(role: str, currency: str) -> LedgerAccount:
    return ledger_account_open(platform_code(role, currency), PLATFORM_NAMES[role], currency)


def shop_accounts(shop, currency: str, roles=("pending", "available", "paid_out")) -> dict[str, LedgerAccount]:
    """The shop's accounts by role, opened on first use (one query when they exist)."""
    codes = {shop_code(shop.pk, role, currency): role for role in roles}
    found = {account.code: account for account in LedgerAccount.objects.filter(code__in=list(codes))}
    result = {}
    for code, role in codes.items():
        result[role] = found.get(code) or ledger_account_open(code, f"{shop.name} {SHOP_NAMES[role]}", currency)
    return result


def settlement_accounts(shop, currency: str) -> dict[str, LedgerAccount]:
    """Everything an order's reconciliation may touch, by role."""
    codes = {platform_code(role, currency): role for role in PLATFORM_NAMES}
    found = {account.code: account for account in LedgerAccount.objects.filter(code__in=list(codes))}
    result = {role: found.get(code) or platform_account(role, currency) for code, role in codes.items()}
    result.update(shop_accounts(shop, currency, roles=("pending", "available", "paid_out", "cash")))
    return result


def agent_fee_code(user_id: int, currency: str) -> str:
    return f"settlement:agent:{user_id}:fees:{currency}"


def agent_fee_account(agent, currency: str) -> LedgerAccount:
    """A station agent's fee earnings (assisted orders), opened on first use."""
    return ledger_account_open(agent_fee_code(agent.pk, currency), f"{agent} 代购服务费", currency)


def agent_paid_out_code(user_id: int, currency: str) -> str:
    return f"settlement:agent:{user_id}:paid_out:{currency}"


def agent_paid_out_account(agent_id: int, currency: str) -> LedgerAccount:
    """What the weekly payouts sent a station agent for their fees, opened on first use."""
    return ledger_account_open(agent_paid_out_code(agent_id, currency), f"代购员 {agent_id} 服务费已打款", currency)
