"""Keep each order's share of its checkout's payment up to date.

One transaction pays all the shops' orders of a checkout. Money an order service moves
for one order (COD collected at the door, a refund, the weighed difference) is attributed
to that order by the service itself before it calls the payments layer; whatever the
checkout holds beyond the orders' attributed shares (a card charge, a confirmed bank
transfer, a gateway webhook) is spread over the orders in number order, each up to its total.
"""

from __future__ import annotations

from decimal import Decimal

from marketplace.orders.events import order_event
from marketplace.orders.models import Order, OrderEventType, OrderStatus


def payment_shares_spread(items, orders) -> tuple[list, list]:
    """Spread what the checkout's transactions hold over its orders, in memory: returns (orders
    changed, orders that became paid). Used on saved orders by orders_payment_sync and on orders
    not yet inserted by checkout completion."""
    charged = sum((item.charged_amount for item in items), Decimal("0.00"))
    authorized = sum((item.authorized_amount for item in items), Decimal("0.00"))
    spare_charged = charged - sum((order.charged_amount for order in orders), Decimal("0.00"))
    spare_authorized = authorized - sum((order.authorized_amount for order in orders), Decimal("0.00"))
    changed, paid = [], []
    for order in orders:
        before = (order.charged_amount, order.authorized_amount)
        if spare_charged > 0 and order.charged_amount < order.total_amount:
            take = min(spare_charged, order.total_amount - order.charged_amount)
            was_paid = order.is_paid
            order.charged_amount += take
            spare_charged -= take
            # The charge used up part of an authorisation (card capture) or none (direct charge).
            if order.authorized_amount:
                release = min(order.authorized_amount, take)
                order.authorized_amount -= release
                spare_authorized += release
            if order.is_paid and not was_paid:
                paid.append(order)
        need = order.total_amount - order.charged_amount - order.authorized_amount
        if spare_authorized > 0 and need > 0:
            take = min(spare_authorized, need)
            order.authorized_amount += take
            spare_authorized -= take
        if (order.charged_amount, order.authorized_amount) != before:
            changed.append(order)
    for order in reversed(orders):
        # Authorisations voided at the checkout level shrink the orders' shares, latest first.
        if spare_authorized >= 0:
            break
        release = min(order.authorized_amount, -spare_authorized)
        if release:
            order.authorized_amount -= release
            spare_authorized += release
            if order not in changed:
                changed.append(order)
    return changed, paid


def orders_payment_sync(checkout_token, *, items=None, orders=None) -> None:
    """``items`` and ``orders`` may be passed by a caller that already holds them (locked)."""
    from marketplace.payments.models import TransactionItem

    if items is None:
        items = list(TransactionItem.objects.filter(checkout_token=checkout_token).order_by("pk"))
    if orders is None:
        orders = list(Order.objects.select_for_update().filter(checkout_token=checkout_token).exclude(
            status=OrderStatus.CANCELED).select_related("shop").order_by("number"))
    if not orders:
        return
    changed, paid = payment_shares_spread(items, orders)
    for order in paid:
        order_event(order, OrderEventType.PAID, amount=str(order.charged_amount))
    for order in changed:
        order.save(update_fields=["authorized_amount", "charged_amount", "updated_at"])


def _on_transaction_changed(item, event=None) -> None:
    if item.checkout_token:
        orders_payment_sync(item.checkout_token)


def register() -> None:
    try:
        from marketplace.payments.hooks import on_transaction_changed
    except ImportError:  # the payments app is not installed in this deployment
        return
    on_transaction_changed(_on_transaction_changed)
