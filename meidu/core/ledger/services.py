"""Writes to the ledger: open accounts, post balanced transactions.

Lock order of ledger_post: the idempotency record (if a key is given), then the
rows of the no-negative accounts touched, ``SELECT ... FOR UPDATE`` in ascending
primary key. Accounts that may go negative are not locked: their balance needs no check.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Iterable, Sequence

from django.db import transaction
from django.db.models import Sum

from meidu.core.errors import DomainError
from meidu.core.idempotency.services import idempotent_call
from meidu.core.ledger.error_codes import LedgerErrorCode
from meidu.core.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction
from meidu.core.money import is_quantized, precision, to_decimal


def ledger_account_open(code: str, name: str, currency: str = "CNY", allow_negative: bool = True) -> LedgerAccount:
    """Open (or return the existing) account ``code``; an existing one must match currency and sign rule."""
    precision(currency)
    account, _ = LedgerAccount.objects.get_or_create(
        code=code, defaults={"name": name, "currency": currency, "allow_negative": allow_negative}
    )
    if account.currency != currency or account.allow_negative != allow_negative:
        raise DomainError(
            f"Account {code} exists with currency {account.currency} and allow_negative={account.allow_negative}",
            LedgerErrorCode.ACCOUNT_CONFLICT,
            field="code",
        )
    return account


def _validate_entries(entries: Sequence[tuple[LedgerAccount, Decimal]]) -> list[tuple[LedgerAccount, Decimal]]:
    if len(entries) < 2:
        raise DomainError("A transaction needs at least two postings", LedgerErrorCode.EMPTY, field="entries")
    cleaned = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for account, raw_amount in entries:
        try:
            amount = to_decimal(raw_amount)
        except (TypeError, ValueError) as exc:
            raise DomainError(str(exc), LedgerErrorCode.INVALID_AMOUNT, field="entries") from None
        if amount == 0:
            raise DomainError("Postings of zero are not allowed", LedgerErrorCode.INVALID_AMOUNT, field="entries")
        if not is_quantized(amount, account.currency):
            raise DomainError(
                f"{amount} has more decimals than {account.currency} allows",
                LedgerErrorCode.INVALID_AMOUNT,
                field="entries",
            )
        totals[account.currency] += amount
        cleaned.append((account, amount))
    unbalanced = {currency: total for currency, total in totals.items() if total != 0}
    if unbalanced:
        detail = ", ".join(f"{currency} {total:+}" for currency, total in unbalanced.items())
        raise DomainError(f"Postings do not sum to zero: {detail}", LedgerErrorCode.UNBALANCED, field="entries")
    return cleaned


def _check_no_negative(cleaned: list[tuple[LedgerAccount, Decimal]]) -> None:
    guarded = sorted({account.pk for account, _ in cleaned if not account.allow_negative})
    if not guarded:
        return
    list(LedgerAccount.objects.filter(pk__in=guarded).order_by("pk").select_for_update())
    balances = dict(
        LedgerPosting.objects.filter(account_id__in=guarded)
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    delta: dict[int, Decimal] = defaultdict(Decimal)
    for account, amount in cleaned:
        delta[account.pk] += amount
    for account, _ in cleaned:
        if account.pk in guarded and (balances.get(account.pk) or Decimal(0)) + delta[account.pk] < 0:
            raise DomainError(
                f"Account {account.code} would go below zero", LedgerErrorCode.INSUFFICIENT_FUNDS, field="entries"
            )


def _post(cleaned, description: str, reference: str, actor) -> LedgerTransaction:
    _check_no_negative(cleaned)
    txn = LedgerTransaction.objects.create(description=description, reference=reference, actor=actor)
    LedgerPosting.objects.bulk_create(
        [
            LedgerPosting(transaction=txn, account=account, amount=amount, currency=account.currency)
            for account, amount in cleaned
        ]
    )
    return txn


def ledger_post(
    entries: Iterable[tuple[LedgerAccount, Decimal]],
    *,
    description: str,
    reference: str = "",
    actor=None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Post one balanced transaction atomically; a retried ``idempotency_key`` returns the first result."""
    cleaned = _validate_entries(list(entries))
    with transaction.atomic():
        if idempotency_key is None:
            return _post(cleaned, description, reference, actor)
        request = {
            "description": description,
            "reference": reference,
            "entries": [[account.code, str(amount)] for account, amount in cleaned],
        }
        result = idempotent_call(
            scope="ledger.post",
            actor_key="system",
            key=idempotency_key,
            request=request,
            perform=lambda: {"transaction": _post(cleaned, description, reference, actor).pk},
        )
        return LedgerTransaction.objects.get(pk=result["transaction"])
