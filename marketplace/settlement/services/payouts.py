"""Weekly payouts: each shop's available earnings (net of claw-backs) move to paid out, one
Payout per shop with a line per order, exported for the bank (marketplace.settlement.export).

A shop whose available balance is zero or negative (a claw-back debt) gets no payout that
week; its orders stay unpaid and are netted in a later batch. Suspended shops are held.

Station agents' fees for assisted orders ride the same batch (services.assist_fee_payouts), one
transfer per agent. The layer above (the incubator's distributor commission) adds its own payouts to the same batch
through the payout_batch_filling hook and payout_add, so they leave in the same bank file; a
returned transfer of any purpose is booked back by reversing its own postings.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.settlement import hooks
from marketplace.settlement.accounts import shop_accounts
from marketplace.settlement.error_codes import SettlementErrorCode
from marketplace.settlement.models import Payout, PayoutBatch, PayoutLine, PayoutPurpose, PayoutStatus
from marketplace.settlement.services.assist_fee_payouts import assist_fee_payout_returned, assist_fee_payouts_add
from marketplace.settlement.services.payout_transfer import payout_add
from marketplace.shops.models import Shop, ShopStatus

__all__ = ["payout_add", "payout_batch_create", "payout_mark_failed", "payout_mark_paid", "last_week_end"]
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.ledger.models import LedgerAccount, LedgerPosting
from meidu.core.ledger.services import ledger_post

ZERO = Decimal("0.00")
SHOP = "transaction__settlement_entry__settlement__shop_id"
ORDER = "transaction__settlement_entry__settlement__order_id"


def last_week_end(today: date | None = None) -> date:
    """The Sunday of the last complete week (local time)."""
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday() + 1)


def _cutoff(week_end: date) -> datetime:
    return timezone.make_aware(datetime.combine(week_end + timedelta(days=1), time.min))


def _available_postings(cutoff: datetime):
    return LedgerPosting.objects.filter(
        created_at__lt=cutoff,
        transaction__settlement_entry__isnull=False,
        account__code__startswith="settlement:shop:",
        account__code__contains=":available:",
    )


def _unpaid_by_order(cutoff: datetime) -> dict[tuple[int, str], dict[int, Decimal]]:
    """{(shop, currency): {order: released − clawed back − already paid out}} before ``cutoff``."""
    earned = _available_postings(cutoff).values(SHOP, ORDER, "currency").annotate(total=Sum("amount"))
    result: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(dict)
    for row in earned:
        result[(row[SHOP], row["currency"])][row[ORDER]] = row["total"]
    order_ids = [order for orders in result.values() for order in orders]
    paid = (
        PayoutLine.objects.filter(order_id__in=order_ids, payout__purpose=PayoutPurpose.EARNINGS)
        .exclude(payout__status=PayoutStatus.FAILED)
        .values("order_id", "payout__shop_id", "payout__currency")
        .annotate(total=Sum("amount"))
    )
    for row in paid:
        orders = result[(row["payout__shop_id"], row["payout__currency"])]
        orders[row["order_id"]] = orders.get(row["order_id"], ZERO) - row["total"]
    return result


def payout_batch_create(week_end: date, *, actor=None) -> PayoutBatch:
    """Pay every shop its available earnings posted up to the end of ``week_end`` (idempotent:
    the same week returns the batch already made).

    Lock order: the PayoutBatch row (unique week; a concurrent caller waits, then gets it) →
    the shops' available ledger accounts FOR UPDATE in ascending pk (only payouts lock them, so
    two batches never pay the same earnings) → the ledger's idempotency records → the station
    agents' fee accounts, then their AssistFee rows (assist_fee_payouts_add) → then what the
    payout_batch_filling subscribers lock (the distributor commission: its lines and accounts)."""
    with transaction.atomic():
        batch, created = PayoutBatch.objects.get_or_create(week_end=week_end, defaults={"created_by": actor})
        if not created:
            return batch
        cutoff = _cutoff(week_end)
        account_ids = set(_available_postings(cutoff).values_list("account_id", flat=True).distinct())
        list(LedgerAccount.objects.filter(pk__in=account_ids).order_by("pk").select_for_update())
        unpaid = _unpaid_by_order(cutoff)
        shops = Shop.objects.in_bulk({shop_id for shop_id, _ in unpaid})
        for (shop_id, currency), orders in sorted(unpaid.items()):
            shop = shops[shop_id]
            lines = {order: amount for order, amount in orders.items() if amount}
            total = sum(lines.values(), ZERO)
            if total <= 0 or shop.status == ShopStatus.SUSPENDED:
                continue
            accounts = shop_accounts(shop, currency, roles=("available", "paid_out"))
            payout_add(
                batch,
                shop,
                currency,
                [(accounts["available"], -total), (accounts["paid_out"], total)],
                lines,
                purpose=PayoutPurpose.EARNINGS,
                actor=actor,
            )
        assist_fee_payouts_add(batch, cutoff, actor)
        hooks.payout_batch_filling.send(batch, cutoff, actor)
        audit_record(
            "settlement.payout_batch_create", actor=actor, target=batch, data={"week_end": week_end.isoformat()}
        )
    return batch


def _locked_created(payout: Payout) -> Payout:
    locked = Payout.objects.select_for_update().select_related("shop").get(pk=payout.pk)
    if locked.status != PayoutStatus.CREATED:
        raise DomainError(_("This payout is already settled"), SettlementErrorCode.INVALID_STATUS, field="id")
    return locked


def payout_mark_paid(payout: Payout, *, actor, bank_reference: str = "") -> Payout:
    """The bank confirmed the transfer. Lock order: the Payout row."""
    with transaction.atomic():
        locked = _locked_created(payout)
        locked.status = PayoutStatus.PAID
        locked.bank_reference = (bank_reference or "").strip()[:64]
        locked.settled_at = timezone.now()
        locked.save(update_fields=["status", "bank_reference", "settled_at"])
        audit_record(
            "settlement.payout_mark_paid", actor=actor, target=locked, data={"bank_reference": locked.bank_reference}
        )
    return locked


def payout_mark_failed(payout: Payout, *, actor, reason: str = "") -> Payout:
    """The bank returned the transfer: the money goes back to available and its orders are paid in
    a later batch. Lock order: the Payout row → the ledger's idempotency record → (an agent's fees)
    its AssistFee rows in ascending pk."""
    with transaction.atomic():
        locked = _locked_created(payout)
        # the payout's own postings, reversed: the payee's paid-out account back to the balance it came from
        reversed_entries = [
            (posting.account, -posting.amount)
            for posting in locked.ledger_transaction.postings.select_related("account").order_by("pk")
        ]
        locked.reversal_transaction = ledger_post(
            reversed_entries,
            description=f"Payout {locked.reference} returned by the bank",
            reference=f"payout:{locked.reference}",
            actor=actor,
            idempotency_key=f"settlement:payout:{locked.pk}:reversal",
        )
        locked.status = PayoutStatus.FAILED
        locked.settled_at = timezone.now()
        locked.save(update_fields=["status", "reversal_transaction", "settled_at"])
        assist_fee_payout_returned(locked)
        hooks.payout_failed.send(locked)
        audit_record("settlement.payout_mark_failed", actor=actor, target=locked, data={"reason": reason})
    return locked
