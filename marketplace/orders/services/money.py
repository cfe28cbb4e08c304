"""Money moved for one order through the checkout's payment transactions.

Each function attributes the amount to the order *before* calling the payments layer,
so payment_hooks.orders_payment_sync does not spread it over the other orders.
Lock order: the Order row (the caller holds it), then transaction items by pk (payments).
"""

from __future__ import annotations

from decimal import Decimal
from django.utils.translation import gettext as _

from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.events import order_event
from marketplace.orders.models import Order, OrderEventType
from meidu.core.errors import DomainError


def _items(order: Order):
    from marketplace.payments.selectors import transactions_for_checkout

    return list(transactions_for_checkout(order.checkout_token))


def order_refund_amount(order: Order, amount: Decimal, *, actor, reason: str, key: str) -> Decimal:
    """Give back ``amount`` of what this order was charged (refused above charged − refunded)."""
    from marketplace.payments.services import transaction_refund

    refundable = order.charged_amount - order.refunded_amount
    if amount <= 0:
        raise DomainError(_("Refund a positive amount"), OrderErrorCode.INVALID, field="amount")
    if amount > refundable:
        raise DomainError(_("At most %(amount)s can be refunded") % {"amount": refundable}, OrderErrorCode.CANNOT_REFUND, field="amount")
    order.refunded_amount += amount
    order.save(update_fields=["refunded_amount", "updated_at"])
    left = amount
    for item in _items(order):
        take = min(left, item.charged_amount - item.refunded_amount)
        if take > 0:
            transaction_refund(item, take, actor=actor, reason=reason, idempotency_key=f"{key}:{item.pk}")
            left -= take
        if not left:
            break
    if left:
        raise DomainError(_("The payment holds less than the refund"), OrderErrorCode.CANNOT_REFUND, field="amount")
    order_event(order, OrderEventType.REFUNDED, user=actor, amount=str(amount), reason=reason)
    return amount


def order_charge_authorized(order: Order, amount: Decimal, *, actor, reason: str) -> Decimal:
    """Capture part of the order's authorised share (card authorised on the estimate)."""
    from marketplace.payments.services import transaction_charge

    amount = min(amount, order.authorized_amount)
    if amount <= 0:
        return Decimal("0.00")
    order.authorized_amount -= amount
    order.charged_amount += amount
    order.save(update_fields=["authorized_amount", "charged_amount", "updated_at"])
    left = amount
    for item in _items(order):
        take = min(left, item.authorized_amount)
        if take > 0:
            transaction_charge(item, take, actor=actor, reason=reason)
            left -= take
        if not left:
            break
    return amount


def order_release_authorized(order: Order, amount: Decimal, *, actor, reason: str) -> None:
    """Drop part of the authorised share that will never be charged (cancelled, weighed lighter)."""
    from marketplace.payments.services import transaction_cancel_amount

    amount = min(amount, order.authorized_amount)
    if amount <= 0:
        return
    order.authorized_amount -= amount
    order.save(update_fields=["authorized_amount", "updated_at"])
    left = amount
    for item in _items(order):
        take = min(left, item.authorized_amount)
        if take > 0:
            transaction_cancel_amount(item, take, actor=actor, reason=reason)
            left -= take
        if not left:
            break


def order_cod_collect(order: Order, *, actor) -> Decimal:
    """Cash handed over at the door or the station counter: charge what the order still owes."""
    from marketplace.payments.services import transaction_cod_collect

    due = order.total_amount - order.charged_amount
    if due <= 0:
        return Decimal("0.00")
    items = [item for item in _items(order) if item.gateway.endswith("cod")]
    if not items:
        raise DomainError(_("This order is not paid by cash on delivery"), OrderErrorCode.INVALID, field="id")
    released = min(order.authorized_amount, due)
    order.authorized_amount -= released
    order.charged_amount += due
    order.save(update_fields=["authorized_amount", "charged_amount", "updated_at"])
    transaction_cod_collect(items[0], actor=actor, amount=due)
    order_event(order, OrderEventType.PAID, user=actor, amount=str(due), cash=True)
    return due
