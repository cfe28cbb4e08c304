"""The station agent's service fee for an assisted order (网络代购), on the ledger.

The fee terms are frozen on the order's OrderAssistance at placement (ASSISTED_ORDER_FEE_PERCENT of
the goods, at least ASSISTED_ORDER_FEE_MINIMUM, never more than the money the order kept). It is
owed once the order is delivered (DELIVERED or PARTIALLY_RETURNED with money received) and nothing
otherwise: not at placement, and back to zero when the order is cancelled, fully returned or fully
refunded. The platform pays it out of its commission income:

    fee        settlement:commission −f, payee +f          claw-back: the reverse

The payee is the agent's own fee account (settlement:agent:<id>:fees), shown on the agent's station
page as their earnings. The weekly payout batch pays what it holds (services.assist_fee_payouts):
fees earned before the week's cutoff, net of claw-backs, once.

Like settlement_order_sync this reconciles: it computes what the fee should be now and posts the
difference, so calling it twice, late, or after several changes never double-posts.
Lock order: the Order row → the AssistFee row → the ledger's idempotency records.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from marketplace.orders.models import Order, OrderAssistance, OrderStatus
from marketplace.settlement.accounts import agent_fee_account, platform_account
from marketplace.settlement.models import AssistFee
from meidu.core.ledger.models import LedgerAccount
from meidu.core.ledger.services import ledger_post
from meidu.core.money import quantize

ZERO = Decimal("0.00")
EARNING = {OrderStatus.DELIVERED, OrderStatus.PARTIALLY_RETURNED}
# Statuses in which a fee may have to be posted or taken back; others cost no query.
RELEVANT = EARNING | {OrderStatus.CANCELED, OrderStatus.RETURNED}


def assist_fee_due(assistance: OrderAssistance, order: Order) -> Decimal:
    """What the agent has earned on ``order`` now."""
    net = order.charged_amount - order.refunded_amount
    if order.status not in EARNING or net <= 0:
        return ZERO
    share = quantize(order.subtotal_amount * assistance.fee_percent / 100, order.currency)
    return min(max(share, assistance.fee_minimum), net)


def assist_fee_sync(order: Order) -> AssistFee | None:
    """Post the difference between the fee ``order`` owes its assistant now and what is posted.
    ``order`` may be the caller's copy with money not saved yet (charged and refunded only grow)."""
    if order.status not in RELEVANT and not order.refunded_amount:
        return None
    assistance = OrderAssistance.objects.select_related("station__shop", "assistant").filter(order_id=order.pk).first()
    if assistance is None:
        return None
    with transaction.atomic():
        row = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
        row.charged_amount = max(row.charged_amount, order.charged_amount)
        row.refunded_amount = max(row.refunded_amount, order.refunded_amount)
        row.status = order.status
        due = assist_fee_due(assistance, row)
        fee = AssistFee.objects.select_for_update().filter(order_id=row.pk).first()
        if fee is None:
            if not due:
                return None
            account = agent_fee_account(assistance.assistant, row.currency)
            fee = AssistFee.objects.create(
                order=row,
                agent=assistance.assistant,
                account_code=account.code,
                currency=row.currency,
            )
        delta = due - fee.amount
        if not delta:
            return fee
        payee = LedgerAccount.objects.get(code=fee.account_code)
        ledger_post(
            [(platform_account("commission", fee.currency), -delta), (payee, delta)],
            description=f"Order #{row.number}: {'station agent fee' if delta > 0 else 'station agent fee clawed back'}",
            reference=f"order:{row.number}",
            idempotency_key=f"settlement:assist_fee:{row.pk}:{fee.next_sequence}",
        )
        fee.amount = due
        fee.next_sequence += 1
        fee.earned_at = fee.earned_at or (timezone.now() if due > 0 else None)
        fee.save(update_fields=["amount", "next_sequence", "earned_at", "updated_at"])
    return fee
