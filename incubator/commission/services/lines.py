"""Commission lines follow their order's settlement: pending when paid, earned when the seller's
earnings are released (delivered and the after-sales window closed, no complaint open: the
marketplace's own definition, marketplace.settlement.services.sync._window_closed), clawed back
pro rata on a refund or a return.

Each distributed line that credits a distributor gets a CommissionLine with the commission C frozen
at order time. Its target is C scaled by the order's net received / order total, half-up to the
fen (the same share settlement applies to the margin it books, so the margin always covers it),
and zero for a canceled order. Like settlement, this is a reconciliation: it posts only the
difference between the target and what the line holds, so running it twice or late never
double-posts.

Flow of money (accounts in incubator.commission.accounts):
  pending     distribution margin −c, distributor pending +c
  earn        distributor pending −p, distributor earned +p
  claw-back   distributor pending or earned −x, distribution margin +x
The earned account may go negative (a claw-back of commission already paid out): the weekly
payout nets it, never pays it out.

Lock order of commission_order_sync: the Order row and its OrderSettlement row (settlement holds
them when it fires order_settled) → the order's CommissionLine rows FOR UPDATE.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from incubator.commission import state
from incubator.commission.accounts import distributor_accounts, margin_account
from incubator.commission.models import (
    MAX_LEVELS,
    CommissionEvent,
    CommissionEventKind,
    CommissionLine,
    CommissionStatus,
)
from incubator.commission.selectors import commission_lines_earn_due, commission_settings_current
from incubator.distribution.models import DistributedLine
from incubator.referrals.selectors import distributor_inviters
from marketplace.orders.models import Order, OrderStatus
from marketplace.settlement.models import OrderSettlement
from marketplace.settlement.services.sync import settlement_order_sync
from meidu.core.ledger.services import ledger_post
from meidu.core.money import quantize
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.outbox import webhook_event_emit

ZERO = Decimal("0.00")
S = CommissionStatus
ACTION_OF_KIND = {
    CommissionEventKind.EARNED: "earn",
    CommissionEventKind.CLAWED_BACK: "claw_back",
    CommissionEventKind.RESTORED: "restore",
    CommissionEventKind.PAID: "pay",
    CommissionEventKind.PAYOUT_RETURNED: "payout_returned",
}


class CommissionStateError(RuntimeError):
    """A transition outside incubator.commission.state: a programming error, never user input."""


def credited_shop_id(distributed_line) -> int | None:
    """The distributor credited for a distributed line (None: nobody, e.g. a suspended distributor)."""
    return distributed_line.attributed_shop_id


def _target(amount: Decimal, settlement: OrderSettlement, currency: str) -> Decimal:
    order = settlement.order
    net = settlement.charged_amount - settlement.refunded_amount
    if order.status == OrderStatus.CANCELED or net <= 0 or amount <= 0:
        return ZERO
    if net >= settlement.total_amount or settlement.total_amount <= 0:
        return amount
    return min(amount, quantize(amount * net / settlement.total_amount, currency))


def _transition(line: CommissionLine, kind: str, to_status: str, amount: Decimal, events: list):
    action = ACTION_OF_KIND.get(kind)
    if line.status != to_status and action and not state.allowed(action, line.status, to_status):
        raise CommissionStateError(f"commission line {line.pk}: {kind} from {line.status} to {to_status}")
    events.append((line, kind, line.status, to_status, amount))
    line.status = to_status


def second_level_amount(dl, first_level: Decimal, rate_percent: Decimal, currency: str) -> Decimal:
    """The inviter's share of a line: ``rate_percent`` of the invitee's commission, half-up to the fen,
    capped by what the line's margin (retail - supply, times quantity) leaves after that commission, so
    supplier + both distributors + platform still sum to what the buyer paid."""
    if first_level <= 0 or rate_percent <= 0:
        return ZERO
    room = (dl.retail_unit_price - dl.supply_unit_price) * dl.quantity - first_level
    return max(ZERO, min(quantize(first_level * rate_percent / 100, currency), room))


def _new_lines(settlement: OrderSettlement, distributed, existing: dict) -> list[CommissionLine]:
    """The lines a first sync of the order creates, frozen then: the credited distributor's (level 1)
    and, only while the rules enable a second level, its direct inviter's (level 2, a capped share).
    Never further up (the inviter's own inviter is not looked up) and never for a line not credited."""
    order = settlement.order
    missing = [dl for dl in distributed if (dl.pk, 1) not in existing and credited_shop_id(dl)]
    if not missing:
        return []
    rules = commission_settings_current()
    second = rules.levels == MAX_LEVELS and rules.second_level_rate_percent > 0
    inviters = distributor_inviters({credited_shop_id(dl) for dl in missing}) if second else {}
    new = []
    for dl in missing:
        shop_id = credited_shop_id(dl)
        # distribution marks a line whose buyer is a member of the credited shop (frozen at placement)
        own = dl.self_purchase and not rules.self_purchase_commission
        product_name = (dl.order_line.product_name or "")[:255]
        new.append(
            CommissionLine(
                distributed_line=dl,
                distributor_id=shop_id,
                order=order,
                product_name=product_name,
                currency=order.currency,
                amount=ZERO if own else dl.commission_amount,
                status=S.EXCLUDED if own else S.PENDING,
                excluded_reason="self_purchase" if own else "",
            )
        )
        inviter = inviters.get(shop_id)
        share = (
            ZERO
            if own or inviter is None
            else second_level_amount(dl, dl.commission_amount, rules.second_level_rate_percent, order.currency)
        )
        if share > 0:
            new.append(
                CommissionLine(
                    distributed_line=dl,
                    level=2,
                    distributor_id=inviter,
                    order=order,
                    product_name=product_name,
                    currency=order.currency,
                    amount=share,
                    status=S.PENDING,
                )
            )
    return CommissionLine.objects.bulk_create(new)


def commission_order_sync(settlement: OrderSettlement, *, actor=None) -> list[CommissionEvent]:
    """Bring the commission of ``settlement``'s order in line with its money and window (see the
    module docstring); the events recorded. Subscribed to settlement's order_settled hook (runs in
    its transaction, under its locks); costs no query for an order nobody resold."""
    order = settlement.order
    if order.reseller_shop_id is None:
        return []
    with transaction.atomic():
        existing = {
            (line.distributed_line_id, line.level): line
            for line in CommissionLine.objects.select_for_update().filter(order_id=order.pk).order_by("pk")
        }
        distributed = list(
            DistributedLine.objects.filter(order_id=order.pk).select_related("order_line").order_by("pk")
        )
        for line in _new_lines(settlement, distributed, existing):
            existing[(line.distributed_line_id, line.level)] = line
        lines = [line for line in existing.values() if line.status != S.EXCLUDED]
        if not lines:
            return []
        released = settlement.released_at is not None
        now = timezone.now()
        accounts = distributor_accounts({line.distributor_id for line in lines}, order.currency)
        margin = margin_account(order.currency)
        entries: dict = defaultdict(Decimal)
        events: list = []
        for line in lines:
            target = _target(line.amount, settlement, line.currency)
            if line.pending_amount == 0 and line.earned_amount == 0 and line.clawed_back_amount == 0 and target:
                events.append((line, CommissionEventKind.PENDING, "", S.PENDING, target))
            if released and line.pending_amount:
                moved = line.pending_amount
                entries[accounts[(line.distributor_id, "pending")]] -= moved
                entries[accounts[(line.distributor_id, "earned")]] += moved
                line.earned_amount += moved
                line.pending_amount = ZERO
                line.earned_at = line.earned_at or now
                if line.status == S.PENDING:
                    _transition(line, CommissionEventKind.EARNED, S.EARNED, moved, events)
            held = line.earned_amount if released else line.pending_amount
            delta = target - held
            if delta:
                bucket = accounts[(line.distributor_id, "earned" if released else "pending")]
                entries[bucket] += delta
                entries[margin] -= delta
                if released:
                    line.earned_amount += delta
                    line.earned_at = line.earned_at or now
                else:
                    line.pending_amount += delta
                if delta < 0:
                    line.clawed_back_amount += -delta
            if delta < 0 and target == 0:
                _transition(line, CommissionEventKind.CLAWED_BACK, S.CLAWED_BACK, -delta, events)
            elif delta < 0:
                events.append((line, CommissionEventKind.CLAWED_BACK, line.status, line.status, -delta))
            elif delta > 0 and line.status == S.CLAWED_BACK:
                _transition(line, CommissionEventKind.RESTORED, S.EARNED if released else S.PENDING, delta, events, {})
            elif released and line.status == S.PENDING:
                _transition(line, CommissionEventKind.EARNED, S.EARNED, ZERO, events)
        postings = [(account, amount) for account, amount in entries.items() if amount]
        txn = None
        if postings:
            txn = ledger_post(
                postings,
                description=f"Order #{order.number}: distributor commission",
                reference=f"order:{order.number}",
                actor=actor,
            )
        CommissionLine.objects.bulk_update(
            lines,
            ["status", "pending_amount", "earned_amount", "clawed_back_amount", "earned_at"],
        )
        recorded = CommissionEvent.objects.bulk_create(
            [
                CommissionEvent(
                    line=line,
                    kind=kind,
                    from_status=from_status,
                    to_status=to_status,
                    amount=amount,
                    ledger_transaction=txn,
                    user=actor if getattr(actor, "is_authenticated", False) else None,
                )
                for line, kind, from_status, to_status, amount in events
            ]
        )
        _announce(recorded, order)
    return recorded


def _announce(events: list[CommissionEvent], order) -> None:
    """Webhooks (outbox): COMMISSION_EARNED and COMMISSION_CLAWED_BACK, one per line event."""
    for event in events:
        if event.kind == CommissionEventKind.EARNED:
            kind = WebhookEventType.COMMISSION_EARNED
        elif event.kind == CommissionEventKind.CLAWED_BACK:
            kind = WebhookEventType.COMMISSION_CLAWED_BACK
        else:
            continue
        line = event.line
        webhook_event_emit(
            kind,
            {
                "commission_line": line.pk,
                "distributor_shop": line.distributor_id,
                "order_number": order.number,
                "amount": str(event.amount),
                "currency": line.currency,
                "status": line.status,
            },
        )


def commission_resale_placed(placements, buyer) -> int:
    """checkout's resale_lines_placed hook, after distribution wrote the DistributedLine rows: an order
    already paid at placement was settled before those rows existed, so its commission starts here
    (one that is paid later starts from settlement's order_settled). The number of orders synced.
    Lock order: each order (ascending pk; created in the caller's transaction) → its OrderSettlement row
    → its CommissionLine rows."""
    done = 0
    for order_pk in sorted({placement.order.pk for placement in placements}):
        order = Order.objects.select_for_update(of=("self",)).get(pk=order_pk)
        settlement = OrderSettlement.objects.select_for_update().filter(order_id=order_pk).first()
        if settlement is None:
            continue
        settlement.order = order
        commission_order_sync(settlement)
        done += 1
    return done


def commission_earn_due(now=None, limit: int = 500) -> int:
    """Beat: orders with pending commission whose after-sales window closed: settlement releases
    their earnings (idempotent; it fires order_settled, which earns the commission), and any
    order settlement already released is reconciled here. The number of orders done."""
    done = 0
    for order_pk in commission_lines_earn_due(now, limit):
        with transaction.atomic():
            # lock order: the Order row, then its OrderSettlement row (as settlement_order_sync takes them)
            order = Order.objects.select_for_update(of=("self",)).get(pk=order_pk)
            settlement_order_sync(order, now=now)
            settlement = OrderSettlement.objects.select_for_update().filter(order_id=order_pk).first()
            if settlement is None:
                continue
            settlement.order = order
            commission_order_sync(settlement)
        done += 1
    return done
