"""Reconcile an order's postings with its state: compute what the ledger should hold for the
order now (money received, commission, seller earnings pending or available) and post only
the differences. Calling it twice, late, or after several changes at once never double-posts.

Flow of money (holder-positive accounts, see marketplace.settlement.accounts):
  payment   gateway −x, clearing +x                 refund   clearing −x, gateway +x
  earnings  clearing −x, shop pending (or available once released) +(x − c − m), commission +c,
            distribution margin +m   (m: resold lines' retail minus supply price, scaled like c)
  release   shop pending −e, shop available +e      (delivered and the after-sales window closed)
  cash kept shop pending (or available) −k, shop cash +k
A refund after release claws back from available, which may go negative: the next payout nets it.
Commission is charged on the goods (never on shipping) at the rate frozen per order line; a
partial payment or refund scales it by net received / order total. A line sold by a reseller
(supply_unit_price set) earns its seller the supply price × quantity, on which the commission is
charged; its margin (retail − supply) × quantity goes to the platform's distribution-margin
account, scaled by the same share, from which the layer above pays the reseller (hooks.order_settled).

Cash on delivery collected by the order's own shop (its owner or staff: the user of the cash
PAID order event is a member of the order's shop) stays in the shop's hands: the platform never
holds it. It is booked like any payment, then as kept by the shop (cash kept above), so the
order's share of pending/available ends at net − commission − kept = −commission: a debt netted
at the next payout, never a transfer. Cash collected by a driver or a station agent of another
shop is the platform's (no cash-kept entry). Whether a collection was the shop's is decided the
first time its event is settled and kept on OrderSettlement (shop_cash_amount), so a later
change of the shop's staff never rewrites it. A refund of such an order is cash the shop hands
back: the cash kept is min(shop_cash_amount, net received).

Lock order of settlement_order_sync: the Order row (order services already hold it when they
call order_event; taken here otherwise) → the OrderSettlement row → the ledger's idempotency
records. Deterministic idempotency keys ``settlement:order:<pk>:<n>`` number the order's
postings under that lock, so a racing duplicate is refused by the ledger instead of posted.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from marketplace.complaints.models import OPEN_STATUSES, Complaint
from marketplace.complaints.selectors import order_has_open_complaint
from marketplace.orders.models import Order, OrderEvent, OrderEventType, OrderLine, OrderStatus
from marketplace.settlement import hooks
from marketplace.settlement.accounts import settlement_accounts
from marketplace.settlement.models import EntryKind, OrderSettlement, SettlementEntry
from marketplace.settlement.services.commission import (
    commission_lines_freeze,
    commission_of,
    resale_margin_of,
    seller_gross,
)
from marketplace.shops.models import ShopMember
from meidu.core.ledger.models import LedgerPosting
from meidu.core.ledger.services import ledger_post
from meidu.core.money import quantize

ZERO = Decimal("0.00")
logger = logging.getLogger(__name__)


def _window_closed(order: Order, now) -> bool:
    """Delivered, the after-sales window over, and no complaint still being handled (a refund may follow)."""
    return (
        order.status != OrderStatus.CANCELED
        and order.delivered_at is not None
        and order.after_sales_until is not None
        and order.after_sales_until <= now
        and not order_has_open_complaint(order.pk)
    )


def _post(
    settlement: OrderSettlement, order: Order, kind: str, entries, *, amount, commission=ZERO, rate=None
) -> SettlementEntry:
    entries = [(account, value) for account, value in entries if value]
    sequence = settlement.next_sequence
    txn = ledger_post(
        entries,
        description=f"Order #{order.number}: {EntryKind(kind).label}",
        reference=f"order:{order.number}",
        idempotency_key=f"settlement:order:{order.pk}:{sequence}",
    )
    settlement.next_sequence = sequence + 1
    return SettlementEntry.objects.create(
        settlement=settlement,
        sequence=sequence,
        kind=kind,
        ledger_transaction=txn,
        amount=amount,
        commission_amount=commission,
        commission_rate_percent=rate,
    )


def _target_commission(base: Decimal, net: Decimal, total: Decimal, currency: str) -> Decimal:
    if net <= 0:
        return ZERO
    share = base if net >= total or total <= 0 else quantize(base * net / total, currency)
    return min(share, net)


def _shop_cash_note(settlement: OrderSettlement, order: Order) -> None:
    """Add the cash collections of ``order`` not examined yet to ``settlement.shop_cash_amount``
    when their collector is a member (owner or staff) of the order's shop (one query, two when
    there is a new collection). Runs under settlement_order_sync's locks; the caller saves."""
    events = list(
        OrderEvent.objects.filter(
            order_id=order.pk, type=OrderEventType.PAID, data__cash=True, pk__gt=settlement.cash_events_seen
        )
        .order_by("pk")
        .values_list("pk", "user_id", "data")
    )
    if not events:
        return
    members = set(
        ShopMember.objects.filter(
            shop_id=order.shop_id, user_id__in={user for _, user, _ in events if user}
        ).values_list("user_id", flat=True)
    )
    for pk, user_id, data in events:
        if user_id in members:
            settlement.shop_cash_amount += quantize(Decimal(str(data.get("amount") or 0)), order.currency)
        settlement.cash_events_seen = pk


def settlement_order_sync(order: Order, *, now=None) -> list[SettlementEntry]:
    """Post what the order's current state requires and is not yet posted; return the new entries.

    ``order`` is the caller's copy: order services pass the row they hold locked, possibly with
    money changes not saved yet (charged and refunded only grow, so the larger of the copy and
    the row is taken); everything else is read from the row. A copy showing nothing charged costs
    no query and posts nothing (if it was stale, settlement_catch_up repairs it)."""
    if not order.charged_amount and not order.refunded_amount:
        return []
    now = now or timezone.now()
    with transaction.atomic():
        row = Order.objects.select_for_update(of=("self",)).select_related("shop").get(pk=order.pk)
        charged = max(row.charged_amount, order.charged_amount)
        refunded = max(row.refunded_amount, order.refunded_amount)
        settlement, _ = OrderSettlement.objects.select_for_update().get_or_create(
            order=row, defaults={"shop": row.shop, "currency": row.currency}
        )
        accounts = settlement_accounts(row.shop, row.currency)
        posted = dict(
            LedgerPosting.objects.filter(transaction__settlement_entry__settlement=settlement)
            .values("account_id")
            .annotate(total=Sum("amount"))
            .values_list("account_id", "total")
        )

        def held(role: str) -> Decimal:
            return posted.get(accounts[role].pk, ZERO)

        pending, available = held("pending"), held("available")
        created: list[SettlementEntry] = []
        released = settlement.released_at is not None
        newly_released = False
        if not released and _window_closed(row, now):
            released = newly_released = True
            settlement.released_at = now
            if pending:
                created.append(
                    _post(
                        settlement,
                        row,
                        EntryKind.RELEASE,
                        [(accounts["pending"], -pending), (accounts["available"], pending)],
                        amount=pending,
                    )
                )
                available, pending = available + pending, ZERO

        net = charged - refunded
        moved = net + held("gateway")  # the gateway account holds minus what was received
        if moved:
            kind = EntryKind.PAYMENT if moved > 0 else EntryKind.REFUND
            created.append(
                _post(
                    settlement,
                    row,
                    kind,
                    [(accounts["gateway"], -moved), (accounts["clearing"], moved)],
                    amount=abs(moved),
                )
            )

        lines = list(OrderLine.objects.filter(order=row).select_related("variant__product"))
        rates = commission_lines_freeze(settlement, row, lines)
        base = commission_of(lines, rates, row.currency)
        goods = sum((seller_gross(line) for line in lines), ZERO)
        rate = (base * 100 / goods).quantize(Decimal("0.0001")) if goods else None
        commission = _target_commission(base, net, row.total_amount, row.currency)
        margin = min(_target_commission(resale_margin_of(lines), net, row.total_amount, row.currency), net - commission)
        # pending + available hold the earnings posted minus the cash the shop kept
        kept_posted = held("cash")
        earn_delta = (net - commission - margin) - (pending + available + kept_posted)
        commission_delta = commission - held("commission")
        margin_delta = margin - held("distribution_margin")
        bucket = accounts["available" if released else "pending"]
        if earn_delta or commission_delta or margin_delta:
            kind = EntryKind.CLAWBACK if earn_delta < 0 else EntryKind.EARNINGS
            created.append(
                _post(
                    settlement,
                    row,
                    kind,
                    [
                        (accounts["clearing"], -(earn_delta + commission_delta + margin_delta)),
                        (bucket, earn_delta),
                        (accounts["commission"], commission_delta),
                        (accounts["distribution_margin"], margin_delta),
                    ],
                    amount=earn_delta,
                    commission=commission_delta,
                    rate=rate,
                )
            )
        _shop_cash_note(settlement, row)
        kept_delta = max(ZERO, min(settlement.shop_cash_amount, net)) - kept_posted
        if kept_delta:
            created.append(
                _post(
                    settlement,
                    row,
                    EntryKind.CASH_KEPT,
                    [(bucket, -kept_delta), (accounts["cash"], kept_delta)],
                    amount=kept_delta,
                )
            )
        settlement.synced_at = now
        settlement.charged_amount, settlement.refunded_amount, settlement.total_amount = (
            charged,
            refunded,
            row.total_amount,
        )
        settlement.save(
            update_fields=[
                "next_sequence",
                "released_at",
                "synced_at",
                "charged_amount",
                "refunded_amount",
                "total_amount",
                "shop_cash_amount",
                "cash_events_seen",
            ]
        )
        if created or newly_released:
            hooks.order_settled.send(settlement)
    return created


def settlement_order_sync_soon(order: Order) -> None:
    """What order events call. With a worker (FOLLOW_UPS_IN_WORKER, on when a broker is
    configured) the postings follow the commit in a task, so a checkout or a fulfilment does not
    wait on two ledger transactions; without one (demo, tests) they are posted in the caller's
    transaction. Either way the reconciliation is idempotent and settlement_catch_up repairs a
    lost task within the hour."""
    if not settings.FOLLOW_UPS_IN_WORKER:
        settlement_order_sync(order)
        return
    if not order.charged_amount and not order.refunded_amount:
        return
    from marketplace.settlement.tasks import settlement_order_sync_task

    order_pk = order.pk
    # robust: a broker that cannot take the task must not fail the committed order; the hourly
    # settlement_catch_up posts what the task would have
    transaction.on_commit(lambda: settlement_order_sync_task.delay(order_pk), robust=True)


def settlement_order_sync_by_pk(order_pk: int) -> int:
    """The worker's side: lock the committed order and reconcile it; the number of new entries."""
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).filter(pk=order_pk).first()
        return len(settlement_order_sync(order)) if order is not None else 0


def _sync_each(order_ids, now) -> int:
    """Sync each order in its own transaction; one that fails is logged and skipped (the next run
    retries it) so that it never holds back the others. The number of orders synced."""
    done = 0
    for pk in order_ids:
        try:
            with transaction.atomic():
                order = Order.objects.select_for_update(of=("self",)).get(pk=pk)
                settlement_order_sync(order, now=now)
        except Exception:
            logger.exception("Settlement sync of order %s failed; retried on the next run", pk)
            continue
        done += 1
    return done


def settlement_release_due(now=None, limit: int = 500) -> int:
    """Beat: release the earnings of delivered orders whose after-sales window has closed.
    Orders with a complaint still being handled are left out here (not only in _window_closed):
    otherwise, never released, they would stay the oldest due and fill every batch of ``limit``."""
    now = now or timezone.now()
    open_complaint = Complaint.objects.filter(order_id=OuterRef("pk"), status__in=OPEN_STATUSES)
    due = (
        Order.objects.filter(
            delivered_at__isnull=False,
            after_sales_until__lte=now,
            charged_amount__gt=0,
            settlement__released_at__isnull=True,
        )
        .exclude(status=OrderStatus.CANCELED)
        .exclude(Exists(open_complaint))
        .order_by("after_sales_until", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return _sync_each(list(due), now)


def settlement_catch_up(now=None, limit: int = 500) -> int:
    """Beat: re-sync orders whose money changed without a sync (a partial charge spread over a
    checkout raises no order event; a weighed total saved after its event). Safe any time."""
    now = now or timezone.now()
    stale = (
        Order.objects.filter(charged_amount__gt=0)
        .filter(
            Q(settlement__isnull=True)
            | ~Q(settlement__charged_amount=F("charged_amount"))
            | ~Q(settlement__refunded_amount=F("refunded_amount"))
            | ~Q(settlement__total_amount=F("total_amount"))
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    return _sync_each(list(stale), now)
