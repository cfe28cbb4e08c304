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


def _table(model, connection) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def ledger_account_lock_sql(code: str) -> tuple[str, list]:
    """The statement that locks the account `code` (SELECT id ... FOR UPDATE), with its positional
    parameters, for a caller that sends it with its own statements in one round trip (a bid's
    meidu.core.sql.batch)."""
    from django.db import connection

    return f"SELECT id FROM {_table(LedgerAccount, connection)} WHERE code = %s FOR UPDATE", [code]


def ledger_balance_sql(code: str) -> tuple[str, list]:
    """The balance of the account `code` (the sum of its postings, 0 without any) as a scalar SQL
    subquery with its positional parameters, for a caller that reads it in a statement of its own."""
    from django.db import connection

    return (
        f"(SELECT COALESCE(SUM(p.amount), 0) FROM {_table(LedgerPosting, connection)} p "
        f"JOIN {_table(LedgerAccount, connection)} a ON a.id = p.account_id WHERE a.code = %s)",
        [code],
    )
