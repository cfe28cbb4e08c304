"""Keep each order's share of its checkout's payment up to date.

One transaction pays all the shops' orders of a checkout. Money an order service moves
for one order (COD collected at the door, a refund, the weighed difference) is attributed
to that order by the service itself before it calls the payments layer; whatever the
checkout holds beyond the orders' attributed shares (a card charge, a confirmed bank
transfer, a gateway webhook) is spread over the orders: first each order's amount due now
(a pre-sale order's deposit, any other order's total), then what is left (a pre-sale balance
paid early) up to each total, both in number order.

Every order of the checkout counts in that sum, cancelled ones too: what a cancelled order was
charged (and refunded) stays its own, so its refund is never handed to a sibling. Cancelled
orders take no new money.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from marketplace.orders.events import order_event
from marketplace.orders.models import Order, OrderEventType, OrderLine, OrderStatus
from marketplace.payments.models import TransactionEvent, TransactionItem
from marketplace.presale.models import CampaignStatus
from marketplace.presale.selectors import deposit_of
from meidu.core.sql.compiled import CompiledQuery

ZERO = Decimal("0.00")


def _deferred_of_saved(orders) -> dict[int, Decimal]:
    """{order pk: the part of its total not due yet}: the balance of its lines on a pre-sale still
    taking deposits (after the harvest the balance is due)."""
    by_pk = {order.pk: order for order in orders}
    deferred: dict[int, Decimal] = {}
    lines = OrderLine.objects.filter(
        order_id__in=list(by_pk), presale_campaign__status=CampaignStatus.OPEN
    ).select_related("presale_campaign")
    for line in lines:
        currency = by_pk[line.order_id].currency
        balance = line.total_price_amount - deposit_of(line.total_price_amount, line.presale_campaign, currency)
        deferred[line.order_id] = deferred.get(line.order_id, ZERO) + balance
    return deferred


def orders_due_now(orders) -> list[Decimal]:
    """What each saved order's buyer owes now: its total less the balance of its lines on a pre-sale
    whose harvest is still to come (those pay a deposit now). Orders being created pass theirs
    (checkout completion knows them from its shop groups)."""
    if any(order.pk is None for order in orders):
        raise ValueError("orders not saved yet: pass their due_now")
    deferred = _deferred_of_saved(orders)
    return [order.total_amount - deferred.get(order.pk, ZERO) for order in orders]


def payment_shares_spread(items, orders, due_now=None) -> tuple[list, list]:
    """Spread what the checkout's transactions hold over its orders, in memory: returns (orders
    changed, orders that became paid). Used on saved orders by orders_payment_sync and on orders
    not yet inserted by checkout completion.

    ``orders``: every order of the checkout, cancelled ones included (they count, they take nothing),
    in the order shares are filled. ``due_now``: what each of them owes now, in the same order
    (checkout completion knows it from its shop groups); looked up (orders_due_now) only when the
    money does not cover every total, so that which order comes first matters."""
    spare_charged = sum((item.charged_amount for item in items), ZERO) - sum(
        (order.charged_amount for order in orders), ZERO
    )
    spare_authorized = sum((item.authorized_amount for item in items), ZERO) - sum(
        (order.authorized_amount for order in orders), ZERO
    )
    takers = [order for order in orders if order.status != OrderStatus.CANCELED]
    before = [(order, order.charged_amount, order.authorized_amount) for order in orders]
    was_paid = {id(order): order.is_paid for order in takers}
    dues: dict[int, Decimal] | None = None

    def due_of(order) -> Decimal:
        nonlocal dues
        if dues is None:
            given = list(due_now) if due_now is not None else orders_due_now(takers)
            dues = {
                id(each): amount for each, amount in zip(orders if due_now is not None else takers, given, strict=True)
            }
        return min(dues[id(order)], order.total_amount)

    def first_due_now(spare, room_of) -> bool:
        """Whether the spare money falls short of the takers' room (so the due-now pass matters)."""
        return len(takers) > 1 and 0 < spare < sum((max(room_of(order), ZERO) for order in takers), ZERO)

    # Charged money: the amounts due now first, then the rest of each total.
    passes = []
    if first_due_now(spare_charged, lambda order: order.total_amount - order.charged_amount):
        passes.append(lambda order: due_of(order) - order.charged_amount)
    passes.append(lambda order: order.total_amount - order.charged_amount)
    for room_of in passes:
        for order in takers:
            take = min(spare_charged, room_of(order))
            if take <= 0:
                continue
            order.charged_amount += take
            spare_charged -= take
            # The charge used up part of an authorisation (card capture) or none (direct charge).
            release = min(order.authorized_amount, take)
            order.authorized_amount -= release
            spare_authorized += release

    # Authorised money likewise, on what is neither charged nor authorised yet.
    passes = []
    if first_due_now(
        spare_authorized, lambda order: order.total_amount - order.charged_amount - order.authorized_amount
    ):
        passes.append(lambda order: due_of(order) - order.charged_amount - order.authorized_amount)
    passes.append(lambda order: order.total_amount - order.charged_amount - order.authorized_amount)
    for room_of in passes:
        for order in takers:
            take = min(spare_authorized, room_of(order))
            if take > 0:
                order.authorized_amount += take
                spare_authorized -= take

    for order in reversed(orders):
        # Authorisations voided at the checkout level shrink the orders' shares, latest first.
        if spare_authorized >= 0:
            break
        release = min(order.authorized_amount, -spare_authorized)
        if release:
            order.authorized_amount -= release
            spare_authorized += release

    changed = [
        order
        for order, charged, authorized in before
        if (order.charged_amount, order.authorized_amount) != (charged, authorized)
    ]
    paid = [order for order in takers if order.is_paid and not was_paid[id(order)]]
    return changed, paid


# The checkout's orders, locked with their shops, compiled once per process: every transactionInitialize
# and payment notification asks (a checkout not completed yet has none), and building this queryset
# cost more than running it
_checkout_orders_locked = CompiledQuery(
    lambda token: (
        Order.objects.select_for_update().filter(checkout_token=token).select_related("shop").order_by("number")
    ),
    token=uuid.UUID,
)


def orders_payment_sync(checkout_token, *, items=None, orders=None) -> None:
    """``items`` and ``orders`` may be passed by a caller that already holds them (locked);
    ``orders`` are then all the checkout's orders, cancelled ones included, in number order."""
    if orders is None:
        orders = _checkout_orders_locked(token=checkout_token)
    if not orders:
        return  # a checkout not completed yet (its transactionInitialize): no shares, and no items to read
    if items is None:
        items = list(TransactionItem.objects.filter(checkout_token=checkout_token).order_by("pk"))
    changed, paid = payment_shares_spread(items, orders)
    for order in paid:
        order_event(order, OrderEventType.PAID, amount=str(order.charged_amount))
    for order in changed:
        order.save(update_fields=["authorized_amount", "charged_amount", "updated_at"])


def orders_transaction_changed(item: TransactionItem, event: TransactionEvent | None = None) -> None:
    """The ``transaction_changed`` subscriber (payments.hooks, wired in meidu/wiring.py): the orders'
    shares of the checkout's payment, and a refund the provider finished after answering "pending"."""
    if item.checkout_token:
        orders_payment_sync(item.checkout_token)
    if event is not None:
        from marketplace.orders.services.money import order_refund_settle

        order_refund_settle(item, event)
