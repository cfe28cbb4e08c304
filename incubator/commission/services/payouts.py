"""The weekly commission payout: each distributor's earned commission rides the marketplace's
weekly payout batch and bank file (marketplace.settlement.services.payouts.payout_add, purpose
COMMISSION), called from settlement's payout_batch_filling hook inside the batch's transaction.

* What is paid: per distributor, the sum over its lines of earned − paid, for lines earned before
  the week's cutoff; claw-backs since are netted in. A total of zero or less is carried into the
  next week (the earned account stays negative), never paid out.
* Real-name verification (the shop's identity check: distributor_real_name_verified) comes before
  a distributor's first payout; an unverified one is held with REAL_NAME_REQUIRED (a hold row, the
  money stays earned). A suspended shop is held too.

Lock order of commission_payouts_add: (the batch's own locks, see payout_batch_create) → the
distributors' earned ledger accounts FOR UPDATE in ascending pk → their CommissionLine rows FOR
UPDATE in ascending pk.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.commission.accounts import distributor_accounts
from incubator.commission.error_codes import CommissionErrorCode
from incubator.commission.models import (
    CommissionEvent,
    CommissionEventKind,
    CommissionLine,
    CommissionPayoutHold,
    CommissionStatus,
)
from incubator.commission.selectors import distributor_real_name_verified
from marketplace.settlement.models import Payout, PayoutBatch, PayoutPurpose
from marketplace.settlement.services.payouts import payout_add
from marketplace.shops.models import Shop, ShopStatus
from meidu.core.errors import DomainError
from meidu.core.ledger.models import LedgerAccount

ZERO = Decimal("0.00")
S = CommissionStatus


def commission_payout_check(shop: Shop) -> None:
    """Refuse a payout to a distributor that has not passed the identity check (REAL_NAME_REQUIRED)
    or is suspended (INVALID_STATUS). Writes nothing."""
    if shop.status == ShopStatus.SUSPENDED:
        raise DomainError(
            _("A suspended distributor's commission is held"), CommissionErrorCode.INVALID_STATUS, field="shop"
        )
    if not distributor_real_name_verified(shop):
        raise DomainError(
            _("Real-name verification is required before the first commission payout"),
            CommissionErrorCode.REAL_NAME_REQUIRED,
            field="shop",
        )


def commission_payouts_add(batch: PayoutBatch, cutoff: datetime, actor=None) -> list[Payout]:
    """Add every distributor's commission payout to ``batch`` (see the module docstring)."""
    with transaction.atomic():
        unpaid = (
            CommissionLine.objects.exclude(earned_amount=F("paid_amount"))
            .filter(Q(earned_at__lt=cutoff) | Q(paid_amount__gt=0))
            .exclude(status=S.EXCLUDED)
        )
        keys = set(unpaid.values_list("distributor_id", "currency").distinct())
        if not keys:
            return []
        by_currency: dict[str, set[int]] = defaultdict(set)
        for shop_id, currency in keys:
            by_currency[currency].add(shop_id)
        accounts = {}
        for currency, shops in by_currency.items():
            for (shop_id, role), account in distributor_accounts(shops, currency).items():
                accounts[(shop_id, role, currency)] = account
        earned_ids = sorted(account.pk for (_, role, _), account in accounts.items() if role == "earned")
        list(LedgerAccount.objects.filter(pk__in=earned_ids).order_by("pk").select_for_update())
        lines = list(unpaid.select_for_update().order_by("pk"))
        grouped: dict[tuple[int, str], list[CommissionLine]] = defaultdict(list)
        for line in lines:
            grouped[(line.distributor_id, line.currency)].append(line)
        shops = Shop.objects.in_bulk({shop_id for shop_id, _ in grouped})
        now = timezone.now()
        payouts, holds, events, paid_ids = [], [], [], []
        for (shop_id, currency), shop_lines in sorted(grouped.items()):
            total = sum((line.earned_amount - line.paid_amount for line in shop_lines), ZERO)
            if total <= 0:
                continue  # a claw-back debt (or nothing): carried into next week, never paid out
            shop = shops[shop_id]
            try:
                commission_payout_check(shop)
            except DomainError as refusal:
                holds.append(
                    CommissionPayoutHold(
                        batch=batch, distributor=shop, currency=currency, amount=total, code=refusal.code
                    )
                )
                continue
            by_order: dict[int, Decimal] = defaultdict(Decimal)
            for line in shop_lines:
                by_order[line.order_id] += line.earned_amount - line.paid_amount
            payout = payout_add(
                batch,
                shop,
                currency,
                [
                    (accounts[(shop_id, "earned", currency)], -total),
                    (accounts[(shop_id, "paid_out", currency)], total),
                ],
                {order: amount for order, amount in by_order.items() if amount},
                purpose=PayoutPurpose.COMMISSION,
                actor=actor,
            )
            payouts.append(payout)
            user = actor if getattr(actor, "is_authenticated", False) else None
            events += [
                CommissionEvent(
                    line_id=line.pk,
                    kind=CommissionEventKind.PAID,
                    from_status=line.status,
                    to_status=S.PAID if line.status == S.EARNED else line.status,
                    amount=line.earned_amount - line.paid_amount,
                    ledger_transaction_id=payout.ledger_transaction_id,
                    user=user,
                )
                for line in shop_lines
            ]
            paid_ids += [line.pk for line in shop_lines]
        # one set-based update (the lines are locked above): each line's paid amount catches up with
        # what it earned; earned lines become paid, clawed-back ones keep their status
        CommissionLine.objects.filter(pk__in=paid_ids).update(
            paid_amount=F("earned_amount"),
            paid_at=now,
            status=Case(When(status=S.EARNED, then=Value(S.PAID)), default=F("status")),
        )
        CommissionEvent.objects.bulk_create(events, batch_size=2000)
        CommissionPayoutHold.objects.bulk_create(holds, ignore_conflicts=True)
    return payouts


def commission_payout_returned(payout: Payout) -> int:
    """settlement's payout_failed hook: a returned commission transfer (settlement already booked
    its postings back to earned) puts its lines back to earned, paid in a later batch. The number
    of lines. Lock order: (the Payout row) → the lines FOR UPDATE in ascending pk."""
    if payout.purpose != PayoutPurpose.COMMISSION:
        return 0
    paid = list(
        CommissionEvent.objects.filter(kind=CommissionEventKind.PAID, ledger_transaction=payout.ledger_transaction)
        .order_by("line_id")
        .values_list("line_id", "amount")
    )
    lines = CommissionLine.objects.select_for_update().in_bulk([line_id for line_id, _ in paid])
    events = []
    for line_id, amount in paid:
        line = lines[line_id]
        line.paid_amount -= amount
        to_status = S.EARNED if line.status == S.PAID else line.status
        events.append(
            CommissionEvent(
                line=line,
                kind=CommissionEventKind.PAYOUT_RETURNED,
                from_status=line.status,
                to_status=to_status,
                amount=amount,
                ledger_transaction=payout.reversal_transaction,
            )
        )
        line.status = to_status
    CommissionLine.objects.bulk_update(list(lines.values()), ["paid_amount", "status"])
    CommissionEvent.objects.bulk_create(events)
    return len(events)
