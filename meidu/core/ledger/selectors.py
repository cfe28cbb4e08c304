"""Balances, derived from postings (never stored)."""

from decimal import Decimal

from django.db.models import Sum

from meidu.core.ledger.models import LedgerAccount, LedgerPosting
from meidu.core.money import Money, quantize


def ledger_balance(account: LedgerAccount) -> Money:
    total = LedgerPosting.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return Money(quantize(total, account.currency), account.currency)


def ledger_balances(accounts: list[LedgerAccount]) -> dict[int, Money]:
    """Balances of many accounts in one query."""
    rows = (
        LedgerPosting.objects.filter(account__in=accounts)
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    totals = dict(rows)
    return {
        account.pk: Money(quantize(totals.get(account.pk, Decimal(0)), account.currency), account.currency)
        for account in accounts
    }


def ledger_account_get(code: str) -> LedgerAccount | None:
    return LedgerAccount.objects.filter(code=code).first()
