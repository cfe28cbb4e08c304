"""Money moved for one order through the checkout's payment transactions.

A capture is attributed to the order *before* calling the payments layer, so
payment_hooks.orders_payment_sync (run on every transaction change) does not spread it over the
other orders; that hook ignores refunds, so a refund is attributed once the provider has answered.
Only what the provider reports done counts: a refusal raises a DomainError (GATEWAY_ERROR, as
a provider that cannot be reached) so the caller's transaction rolls back; a refund the provider
is still processing is noted on the order and counted by order_refund_settle when it succeeds.
Lock order: the Order row (the caller holds it), then transaction items by pk (payments).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.utils.translation import gettext as _

from logistics.cash.services import cash_collected
from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.events import order_event
from marketplace.orders.models import Order, OrderEvent, OrderEventType
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.selectors import transactions_for_checkout
from marketplace.payments.services import (
    transaction_cancel_amount,
    transaction_charge,
    transaction_cod_collect,
    transaction_refund,
)
from marketplace.shops.selectors import shop_is_member
from meidu.core.errors import DomainError
from meidu.core.money import is_quantized, to_decimal

logger = logging.getLogger(__name__)

# Order amounts are DecimalField(max_digits=12, decimal_places=2): anything larger is not an amount.
MAX_AMOUNT = Decimal("9999999999.99")


def _items(order: Order):
    return list(transactions_for_checkout(order.checkout_token))


def refund_amount_parse(value, currency: str) -> Decimal:
    """A refund amount as given, or a clear INVALID refusal. Parse before comparing: NaN makes
    comparisons raise, 1e30 overflows quantize, 0.001 would be rounded by the database."""
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise DomainError(_("Enter a valid amount."), OrderErrorCode.INVALID, field="amount") from None
    if amount <= 0:
        raise DomainError(_("Refund a positive amount"), OrderErrorCode.INVALID, field="amount")
    if amount > MAX_AMOUNT:
        raise DomainError(_("Enter a valid amount."), OrderErrorCode.INVALID, field="amount")
    if not is_quantized(amount, currency):
        raise DomainError(
            _("The amount has more decimal places than %(currency)s allows.") % {"currency": currency},
            OrderErrorCode.INVALID,
            field="amount",
        )
    return amount


def _refused(event, message: str):
    """The provider said no: raise so the caller's transaction (and the failure event) rolls back;
    the provider's reason is logged because the rolled-back event cannot keep it."""
    logger.warning(
        "payment provider refused %s of %s on transaction %s: %s",
        event.type,
        event.amount,
        event.item_id,
        event.message,
    )
    raise DomainError(message, OrderErrorCode.GATEWAY_ERROR, field="amount")


def _pending_refunds(order: Order) -> dict[tuple[str, str], tuple[Decimal, dict]]:
    """Refunds noted as pending and not yet settled, by (transaction token, PSP reference)."""
    pending, settled = {}, set()
    rows = order.events.filter(type__in=[OrderEventType.NOTE, OrderEventType.REFUNDED], data__has_key="psp_reference")
    for type_, data in rows.order_by("pk").values_list("type", "data"):
        ref = (data.get("transaction"), data.get("psp_reference"))
        if "refund_pending" in data:
            pending[ref] = (Decimal(data["refund_pending"]), data)
        elif type_ == OrderEventType.REFUNDED or "refund_failed" in data:
            settled.add(ref)
    return {ref: value for ref, value in pending.items() if ref not in settled}


def order_refund_pending_amount(order: Order) -> Decimal:
    """What the provider is still refunding for this order (asked for, not yet counted as refunded)."""
    return sum((amount for amount, _data in _pending_refunds(order).values()), Decimal("0.00"))


def order_refundable_amount(order: Order) -> Decimal:
    """What may still be refunded: charged − refunded − refunds still in progress."""
    return order.charged_amount - order.refunded_amount - order_refund_pending_amount(order)


def order_refund_amount(order: Order, amount, *, actor, reason: str, key: str) -> Decimal:
    """Give back ``amount`` of what this order was charged (refused above order_refundable_amount).

    Returns what the provider refunded now, which is counted on the order with a REFUNDED event;
    a part the provider is still processing is noted (NOTE ``refund_pending``) and counted later
    by order_refund_settle, so the order never shows money back that the buyer has not got.
    """
    amount = refund_amount_parse(amount, order.currency)
    refundable = order_refundable_amount(order)
    if amount > refundable:
        raise DomainError(
            _("At most %(amount)s can be refunded") % {"amount": refundable},
            OrderErrorCode.CANNOT_REFUND,
            field="amount",
        )
    # Plan every item's part first: a shortfall is refused before any provider is asked.
    plan, left = [], amount
    for item in _items(order):
        take = min(left, item.charged_amount - item.refunded_amount - item.refund_pending_amount)
        if take > 0:
            plan.append((item, take))
            left -= take
        if not left:
            break
    if left:
        raise DomainError(_("The payment holds less than the refund"), OrderErrorCode.CANNOT_REFUND, field="amount")
    refunded = Decimal("0.00")
    for item, take in plan:
        event = transaction_refund(item, take, actor=actor, reason=reason, idempotency_key=f"{key}:{item.pk}")
        if event.type == T.REFUND_SUCCESS:
            refunded += min(event.amount, take)
        elif event.type == T.REFUND_REQUEST:
            # A replayed idempotency key returns the same request: note it once.
            if not event.psp_reference or (str(item.token), event.psp_reference) not in _pending_refunds(order):
                order_event(
                    order,
                    OrderEventType.NOTE,
                    user=actor,
                    refund_pending=str(min(event.amount, take)),
                    transaction=str(item.token),
                    psp_reference=event.psp_reference,
                    reason=reason,
                )
        else:
            _refused(event, _("The payment provider refused the refund."))
    if refunded:
        order.refunded_amount += refunded
        order.save(update_fields=["refunded_amount", "updated_at"])
        order_event(order, OrderEventType.REFUNDED, user=actor, amount=str(refunded), reason=reason)
    return refunded


def order_refund_settle(item, event) -> Order | None:
    """The provider finished a refund noted as pending (a webhook's REFUND_SUCCESS or REFUND_FAILURE):
    count it on the order that asked for it, once. Meant for payment_hooks._on_transaction_changed
    (the item row and the checkout's payment lock are held); None when no pending refund matches."""
    if event is None or event.type not in (T.REFUND_SUCCESS, T.REFUND_FAILURE) or not event.psp_reference:
        return None
    ref = (str(item.token), event.psp_reference)
    note = (
        OrderEvent.objects.filter(
            order__checkout_token=item.checkout_token,
            type=OrderEventType.NOTE,
            data__has_key="refund_pending",
            data__transaction=ref[0],
            data__psp_reference=ref[1],
        )
        .order_by("pk")
        .first()
    )
    if note is None:
        return None
    order = Order.objects.select_for_update(of=("self",)).get(pk=note.order_id)
    pending = _pending_refunds(order).get(ref)
    if pending is None:
        return None  # already settled
    amount, data = pending
    if event.type == T.REFUND_SUCCESS:
        amount = min(amount, event.amount, order.charged_amount - order.refunded_amount)
        order.refunded_amount += amount
        order.save(update_fields=["refunded_amount", "updated_at"])
        order_event(
            order,
            OrderEventType.REFUNDED,
            amount=str(amount),
            reason=data.get("reason", ""),
            transaction=ref[0],
            psp_reference=ref[1],
        )
    else:
        order_event(
            order,
            OrderEventType.NOTE,
            refund_failed=str(amount),
            transaction=ref[0],
            psp_reference=ref[1],
            message=event.message,
        )
    return order


def order_charge_authorized(order: Order, amount: Decimal, *, actor, reason: str) -> Decimal:
    """Capture part of the order's authorised share (card authorised on the estimate).

    The share is credited before the call (see the module docstring), so the paid-share hook finds
    nothing new and writes no PAID: this function writes it when the capture pays the order.
    A capture the provider is still processing is given back to the authorisation (the hook
    spreads its CHARGE_SUCCESS later). Returns what was captured now.
    """
    amount = min(amount, order.authorized_amount)
    if amount <= 0:
        return Decimal("0.00")
    plan, left = [], amount
    for item in _items(order):
        take = min(left, item.authorized_amount)
        if take > 0:
            plan.append((item, take))
            left -= take
        if not left:
            break
    amount -= left  # never credit the order more than the payments hold
    if amount <= 0:
        return Decimal("0.00")
    was_paid = order.is_paid
    order.authorized_amount -= amount
    order.charged_amount += amount
    order.save(update_fields=["authorized_amount", "charged_amount", "updated_at"])
    pending = Decimal("0.00")
    for item, take in plan:
        event = transaction_charge(item, take, actor=actor, reason=reason)
        if event.type == T.CHARGE_REQUEST:
            pending += take
        elif event.type != T.CHARGE_SUCCESS:
            _refused(event, _("The payment provider refused the capture."))
    if pending:
        order.authorized_amount += pending
        order.charged_amount -= pending
        order.save(update_fields=["authorized_amount", "charged_amount", "updated_at"])
        order_event(order, OrderEventType.NOTE, user=actor, charge_pending=str(pending), reason=reason)
    if order.is_paid and not was_paid:
        order_event(order, OrderEventType.PAID, user=actor, amount=str(order.charged_amount))
    return amount - pending


def order_release_authorized(order: Order, amount: Decimal, *, actor, reason: str) -> None:
    """Drop part of the authorised share that will never be charged (cancelled, weighed lighter)."""
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


def order_cod_collect(order: Order, *, actor, collector_verified: bool = False) -> Decimal:
    """Cash handed over at the door or the station counter: charge what the order still owes.
    ``collector_verified``: the caller has checked that ``actor`` may take this parcel's cash (the
    pickup counter: a member of the point's shop, after the code matched), whatever their role."""
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
    event = transaction_cod_collect(items[0], actor=actor, amount=due, collector_verified=collector_verified)
    if event.type != T.CHARGE_SUCCESS:
        _refused(event, _("The payment provider refused the capture."))
    order_event(order, OrderEventType.PAID, user=actor, amount=str(due), cash=True)
    if not shop_is_member(actor, order.shop_id):
        # A driver or a village station's agent holds the platform's cash until the hub counts it in
        # (the shop's own staff keep theirs: settlement books it as the shop's cash).
        cash_collected(actor, due, reference=f"order:{order.number}", currency=order.currency)
    return due
