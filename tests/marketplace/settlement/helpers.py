"""Read what the ledger holds for an order, and check every posting set balances."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from marketplace.settlement.accounts import platform_code, shop_code
from marketplace.settlement.models import SettlementEntry
from meidu.core.ledger.models import LedgerPosting, LedgerTransaction

ROLES = ("gateway", "clearing", "commission", "pending", "available", "paid_out")


def code_of(role: str, shop_id: int, currency: str = "CNY") -> str:
    return (
        platform_code(role, currency)
        if role in ("gateway", "clearing", "commission")
        else shop_code(shop_id, role, currency)
    )


def order_postings(order) -> dict[str, Decimal]:
    """What the order's own postings hold per account role (payouts excluded)."""
    rows = dict(
        LedgerPosting.objects.filter(transaction__settlement_entry__settlement__order=order)
        .values("account__code")
        .annotate(total=Sum("amount"))
        .values_list("account__code", "total")
    )
    return {role: rows.get(code_of(role, order.shop_id), Decimal("0.00")) for role in ROLES}


def account_balance(code: str) -> Decimal:
    return LedgerPosting.objects.filter(account__code=code).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def entry_kinds(order) -> list[str]:
    return list(
        SettlementEntry.objects.filter(settlement__order=order).order_by("sequence").values_list("kind", flat=True)
    )


def assert_every_transaction_balances():
    unbalanced = LedgerTransaction.objects.annotate(total=Sum("postings__amount")).exclude(total=0)
    assert not unbalanced.exists()
    assert (LedgerPosting.objects.aggregate(total=Sum("amount"))["total"] or 0) == 0


def assert_balances_match_postings(shop_id):
    """The shop's balances as the selectors report them are its ledger accounts' sums, and every
    posting set balances."""
    from marketplace.settlement.selectors import shop_balances

    balances = shop_balances(shop_id)
    for role in ("pending", "available", "paid_out"):
        assert balances[role].amount == account_balance(code_of(role, shop_id))
    assert_every_transaction_balances()
