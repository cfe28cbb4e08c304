"""Settlement (交收), delivery versus payment.

* `settlement_open` (called by trading when a trade is executed): the settlement row, due by the
  trade's deadline; the buyer's deposit is already frozen and the seller's receipts (split to the
  trade's tonnes) stay listed.
* `settlement_pay`: the buyer pays the balance; in ONE transaction the funds move buyer -> seller less
  fees on both sides (members' funds_transfer) and each receipt moves seller -> buyer with the resale lock.
* `settlement_default` (`settlements_default_due` from the beat task): past the deadline the deposit goes
  to the seller less both fees and the receipts are unlocked back to the seller.

Lock order: the settlement row (SELECT ... FOR UPDATE), the rows of the registered hooks
(settlement.hooks: a forced sale's loan), the ledger accounts of buyer and seller (ascending id, all at
once), then the receipt rows (ascending id). No aggregate row is taken.

Hooks (settlement.hooks, registered by the apps above, e.g. financing) run inside the same transaction:
``locked`` after the row lock, ``completed`` / ``defaulted`` once funds and receipts moved.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.members.services.funds import funds_accounts_lock, funds_transfer
from magnesium_exchange.settlement import hooks
from magnesium_exchange.settlement.error_codes import ExchangeSettlementErrorCode as Code
from magnesium_exchange.settlement.models import Settlement, SettlementStatus
from magnesium_exchange.settlement.selectors import settlements_due
from magnesium_exchange.trading.config import trading_config
from magnesium_exchange.trading.selectors import trade_receipts
from magnesium_exchange.warehouses.services import (
    ReceiptLockPurpose,
    ReceiptTransferReason,
    receipt_transfer,
    receipt_unlock,
)
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.outbox import webhook_event_emit


def settlement_open(trade) -> Settlement:
    return Settlement.objects.create(
        trade=trade,
        buyer=trade.buyer,
        seller=trade.seller,
        balance_due=trade.value - trade.deposit,
        due_at=trade.settlement_due_at,
    )


def _lock(settlement) -> Settlement:
    row = (
        Settlement.objects.select_for_update(of=("self",))
        .select_related("trade", "trade__grade", "buyer", "seller")
        .filter(pk=settlement.pk)
        .first()
    )
    if row is None:
        raise DomainError(_("No such settlement"), Code.NOT_FOUND, field="id")
    return row


def _transfer(settlement, part: str, **kwargs):
    try:
        return funds_transfer(
            payer=settlement.buyer,
            payee=settlement.seller,
            reference=f"settlement:{settlement.pk}",
            idempotency_key=f"settlement:{settlement.pk}:{part}",
            **kwargs,
        ).pk
    except DomainError as exc:
        if exc.code == "insufficient_funds":
            raise DomainError(
                _("Available funds do not cover the balance and fees"), Code.INSUFFICIENT_FUNDS, field="settlement"
            ) from None
        raise


def _data(settlement) -> dict:
    trade = settlement.trade
    return {
        "settlement": settlement.pk,
        "trade": trade.engine_trade_id,
        "buyer": settlement.buyer.credit_code,
        "seller": settlement.seller.credit_code,
        "grade": trade.grade.code,
        "quantity": str(trade.quantity),
        "value": str(trade.value),
        "deposit": str(trade.deposit),
        "receipts": settlement.delivered_receipts,
        "status": settlement.status,
    }


def settlement_pay(settlement: Settlement, *, member, actor=None, now=None) -> Settlement:
    """The buyer pays: balance + buyer fee from available funds, the deposit from frozen funds, the seller
    receives the value less its fee; the receipts become the buyer's, locked for resale until now + T+5.
    A retried call on a completed settlement returns it unchanged."""
    now = now or timezone.now()
    config = trading_config()
    with transaction.atomic():
        row = _lock(settlement)
        if row.buyer_id != member.pk:
            raise DomainError(_("Only the buyer pays a settlement"), Code.NOT_YOUR_SETTLEMENT, field="id")
        if row.status == SettlementStatus.COMPLETED:
            return row
        if row.status == SettlementStatus.DEFAULTED:
            raise DomainError(_("The buyer already defaulted"), Code.ALREADY_DEFAULTED, field="id")
        if now > row.due_at:
            raise DomainError(_("The settlement deadline has passed"), Code.PAST_DEADLINE, field="id")
        trade = row.trade
        hooks.settlement_locked.send(row)
        funds_accounts_lock([row.buyer, row.seller])
        txns = []
        seller_fee_on_deposit = trade.deposit > trade.seller_fee
        if row.balance_due:
            txns.append(
                _transfer(
                    row,
                    "balance",
                    amount=row.balance_due,
                    source="available",
                    payer_fee=trade.buyer_fee,
                    payee_fee=0 if seller_fee_on_deposit else trade.seller_fee,
                )
            )
        if trade.deposit:
            txns.append(
                _transfer(
                    row,
                    "deposit",
                    amount=trade.deposit,
                    source="frozen",
                    payer_fee=0 if row.balance_due else trade.buyer_fee,
                    payee_fee=trade.seller_fee if seller_fee_on_deposit else 0,
                )
            )
        lock_until = config.resale_lock_until(now)
        numbers = []
        for receipt in sorted(trade_receipts(trade), key=lambda r: r.pk):
            moved = receipt_transfer(
                receipt,
                to_member=row.buyer,
                reason=ReceiptTransferReason.SETTLEMENT,
                reference=f"settlement:{row.pk}",
                lock_until=lock_until,
                actor=actor,
            )
            numbers.append(moved.number)
        row.status = SettlementStatus.COMPLETED
        row.settled_at = now
        row.delivered_receipts = numbers
        row.ledger_transactions = txns
        row.save(update_fields=["status", "settled_at", "delivered_receipts", "ledger_transactions"])
        hooks.settlement_completed.send(row, actor=actor, now=now)
        webhook_event_emit(WebhookEventType.SETTLEMENT_COMPLETED, _data(row))
        audit_record("exchange.settlement_completed", actor=actor, target=row, data={"trade": trade.engine_trade_id})
    return row


def settlement_default(settlement: Settlement, *, now=None, actor=None) -> Settlement:
    """Past the deadline without payment: the deposit goes to the seller less both sides' fees (capped
    at the deposit), the receipts are unlocked back to the seller."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _lock(settlement)
        if row.status == SettlementStatus.DEFAULTED:
            return row
        if row.status == SettlementStatus.COMPLETED:
            raise DomainError(_("The settlement is complete"), Code.ALREADY_SETTLED, field="id")
        if now <= row.due_at:
            raise DomainError(_("The settlement is not due yet"), Code.NOT_DUE, field="id")
        trade = row.trade
        hooks.settlement_locked.send(row)
        funds_accounts_lock([row.buyer, row.seller])
        txns = []
        if trade.deposit:
            fees = min(trade.buyer_fee + trade.seller_fee, trade.deposit)
            txns.append(_transfer(row, "default", amount=trade.deposit, source="frozen", payee_fee=fees))
        for receipt in sorted(trade_receipts(trade), key=lambda r: r.pk):
            receipt_unlock(receipt, purpose=ReceiptLockPurpose.LISTING, reference=f"settlement:{row.pk}", actor=actor)
        row.status = SettlementStatus.DEFAULTED
        row.settled_at = now
        row.ledger_transactions = txns
        row.save(update_fields=["status", "settled_at", "ledger_transactions"])
        hooks.settlement_defaulted.send(row, actor=actor, now=now)
        webhook_event_emit(WebhookEventType.SETTLEMENT_DEFAULTED, _data(row))
        audit_record("exchange.settlement_defaulted", actor=actor, target=row, data={"trade": trade.engine_trade_id})
    return row


def settlements_default_due(now=None) -> int:
    """Every pending settlement past its deadline defaults, each in its own transaction."""
    now = now or timezone.now()
    count = 0
    for pk in list(settlements_due(now).exclude(due_at=now).values_list("pk", flat=True)):
        settlement_default(Settlement(pk=pk), now=now)
        count += 1
    return count
