"""The order's life after checkout: confirm, fulfil (ship or get ready for pickup), deliver,
cancel, return.

Lock order (fulfilment -> shipment), each step taking only a prefix of it:

1. the checkout's payment lock (an advisory lock per checkout token, ``_lock``);
2. the Order row;
3. stock rows in ascending pk;
4. the payment transactions (through services.money);
5. the order's shipments, one fulfilment at a time in fulfilment id order (fulfil creates its
   shipment; deliver, and orders.services.delivery's hand-over and failed attempt, move them through
   logistics.shipments.services, which locks the shipment row).

Never the other way round: logistics below the marketplace locks a shipment (then, for a carrier's
push, its tracking subscription) and tells the marketplace only through the ``shipment_changed``
hook, whose subscriber writes the outbox and never locks an order. tests/marketplace/orders/
test_lock_order.py holds a shipment and an order on other connections to show it.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.inventory.allocation import stock_release_many, stock_return_many, stock_ship_many, stocks_lock
from marketplace.orders.error_codes import OrderErrorCode
from marketplace.orders.events import order_event
from marketplace.orders.models import (
    Allocation,
    DeliveryKind,
    Fulfillment,
    FulfillmentLine,
    Order,
    OrderEventType,
    OrderLine,
    OrderStatus,
)
from marketplace.orders.selectors import order_by_county_run
from marketplace.orders.services.money import (
    order_charge_authorized,
    order_refund_amount,
    order_refundable_amount,
    order_release_authorized,
    refund_amount_parse,
)
from marketplace.orders.services.shipping import fulfillment_ship, fulfillment_shipment_deliver
from marketplace.orders.state import allowed, target
from marketplace.payments.services import checkout_payments_lock
from marketplace.presale.models import CampaignStatus, PresaleCampaign
from meidu.core.errors import DomainError
from meidu.core.money import quantize

PAY_LATER_GATEWAYS = ("cod",)


def _lock(order: Order) -> Order:
    """The checkout's payment lock first (payments and the paid-share hook take it too, and the
    hook locks every order of the checkout), then the order row."""
    checkout_payments_lock(order.checkout_token)
    return Order.objects.select_for_update(of=("self",)).select_related("shop", "collection_point").get(pk=order.pk)


REFUSALS = {
    "confirm": gettext_lazy("An order that is %(status)s cannot be confirmed"),
    "fulfill": gettext_lazy("An order that is %(status)s cannot be fulfilled"),
    "deliver": gettext_lazy("An order that is %(status)s cannot be delivered"),
    "cancel": gettext_lazy("An order that is %(status)s cannot be canceled"),
    "return": gettext_lazy("An order that is %(status)s cannot be returned"),
}


def _refuse_unless(action: str, order: Order, code=OrderErrorCode.INVALID) -> None:
    if not allowed(action, order.status):
        raise DomainError(str(REFUSALS[action]) % {"status": order.get_status_display()}, code, field="id")


def _days(setting: str) -> timedelta:
    """A period in days from settings (meidu/settings/base.py holds each default once)."""
    return timedelta(days=int(getattr(settings, setting)))


def order_confirm(order: Order, *, actor) -> Order:
    with transaction.atomic():
        locked = _lock(order)
        _refuse_unless("confirm", locked)
        locked.status = target("confirm")
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_at", "updated_at"])
        order_event(locked, OrderEventType.CONFIRMED, user=actor)
    return locked


def _weighed_total(line: OrderLine, actual_weight) -> Decimal:
    try:
        weight = Decimal(str(actual_weight))
    except (InvalidOperation, TypeError):
        raise DomainError(_("The weight is not a number"), OrderErrorCode.INVALID, field="actualWeight") from None
    if weight <= 0 or weight != weight.quantize(Decimal("0.001")):
        raise DomainError(_("Weigh a positive weight, to the gram"), OrderErrorCode.INVALID, field="actualWeight")
    return quantize(line.unit_price_amount * weight)


def _settle_payment(order: Order, *, actor) -> None:
    """Make the money held match the (possibly weighed) total: refund prepaid money above it,
    capture what is authorised up to it (a card captures once: Stripe then releases the rest
    itself), and drop whatever authorisation is left above it. Pay-later gateways (cash on
    delivery) keep their authorisation until the cash is collected."""
    net_charged = order_refundable_amount(order)  # refunds still in progress are on their way back
    if net_charged > order.total_amount:
        order_refund_amount(
            order,
            net_charged - order.total_amount,
            actor=actor,
            reason="weighed lighter than estimated",
            key=f"weight:{order.pk}:{order.fulfillments.count()}",
        )
        net_charged = order.total_amount
    if order.authorized_amount > 0 and not order.payment_gateway.endswith(PAY_LATER_GATEWAYS):
        net_charged += order_charge_authorized(
            order, order.total_amount - net_charged, actor=actor, reason="charged at fulfilment"
        )
    surplus = net_charged + order.authorized_amount - order.total_amount
    if surplus > 0:
        order_release_authorized(order, surplus, actor=actor, reason="weighed lighter than estimated")


def _refuse_presale_before_harvest(order_lines) -> None:
    """A pre-sale line has no stock until the harvest is received and allocated to it: shipping it
    earlier would move no stock and leave the harvest allocated to a line already sent."""
    campaign_ids = {line.presale_campaign_id for line in order_lines if line.presale_campaign_id}
    if not campaign_ids:
        return
    still_open = set(
        PresaleCampaign.objects.filter(pk__in=campaign_ids, status=CampaignStatus.OPEN).values_list("pk", flat=True)
    )
    for line in order_lines:
        if line.presale_campaign_id in still_open:
            raise DomainError(
                _("%(sku)s is sold on pre-sale: ship it after the harvest") % {"sku": line.product_sku},
                OrderErrorCode.FULFILL_ORDER_LINE,
                field="lines",
            )


def _absorb(heavier: list[tuple[OrderLine, Decimal]], absorbed: Decimal) -> dict[str, str]:
    """Take what the shop absorbs off the lines that weighed heavier, in proportion to their
    increases and never more than a line's own increase, so no line drops below its estimate
    (a later return of one line must not refund another's price). The caller keeps
    ``absorbed`` <= the sum of the increases."""
    increases = sum(increase for _line, increase in heavier)
    shares = [
        min(increase, (absorbed * increase / increases).quantize(Decimal("0.01"), rounding=ROUND_DOWN))
        for _line, increase in heavier
    ]
    left = absorbed - sum(shares)
    for index, (_line, increase) in enumerate(heavier):
        extra = min(left, increase - shares[index])
        shares[index] += extra
        left -= extra
    taken = {}
    for (line, _increase), share in zip(heavier, shares, strict=True):
        if share:
            line.total_price_amount -= share
            line.save(update_fields=["total_price_amount"])
            taken[line.product_sku] = str(share)
    return taken


def order_paid_for_shipping(order: Order) -> bool:
    """Whether the buyer's money covers the order so the shop may ship it. What was paid is counted
    before refunds: a part refunded before shipping (a goodwill discount, a short line) still leaves an
    order the buyer paid for; an order refunded in full is not shipped. Pay-later gateways (cash on
    delivery) are collected at the door."""
    if order.payment_gateway.endswith(PAY_LATER_GATEWAYS):
        return True
    paid = order.charged_amount + order.authorized_amount
    return paid >= order.total_amount and (order.total_amount == 0 or order.refunded_amount < paid)


def order_fulfill(
    order: Order,
    *,
    actor,
    lines: list[tuple[OrderLine, int, object]],
    tracking_number: str = "",
    local_delivery: bool | None = None,
) -> Fulfillment:
    """Ship (or make ready for pickup) some units. By-weight lines give their actual weight: the
    line is charged on it (from the authorisation) and any prepaid difference is refunded.
    Pre-sale lines wait for their harvest. FULFILLED (and its webhook) comes with the last part.
    The route is the buyer's choice (order_by_county_run): ``local_delivery``, when a caller still
    gives it, must agree with that choice, else the parcel would miss the county's driver."""
    if not lines:
        raise DomainError(_("Choose the lines to fulfil"), OrderErrorCode.REQUIRED, field="lines")
    with transaction.atomic():
        locked = _lock(order)
        by_county_run = order_by_county_run(locked)
        if local_delivery is not None and bool(local_delivery) != by_county_run:
            raise DomainError(
                _("The buyer chose village delivery: the county delivery run carries this order")
                if by_county_run
                else _("The buyer did not choose village delivery: the county delivery run does not carry this order"),
                OrderErrorCode.INVALID,
                field="localDelivery",
            )
        local_delivery = by_county_run
        if allowed("confirm", locked.status):  # fulfilling an unconfirmed order confirms it first
            locked.status = target("confirm")
            locked.confirmed_at = timezone.now()
            order_event(locked, OrderEventType.CONFIRMED, user=actor, implicit=True)
        _refuse_unless("fulfill", locked)
        if not order_paid_for_shipping(locked):
            raise DomainError(_("The order is not paid yet"), OrderErrorCode.CANNOT_FULFILL_UNPAID_ORDER, field="id")
        line_ids = [line.pk for line, _quantity, _weight in lines]
        order_lines = {
            line.pk: line for line in OrderLine.objects.select_for_update().filter(order=locked, pk__in=line_ids)
        }
        if len(order_lines) != len(set(line_ids)):
            raise DomainError(_("A line is not part of this order"), OrderErrorCode.NOT_FOUND, field="lines")
        _refuse_presale_before_harvest(order_lines.values())
        allocations = list(
            Allocation.objects.filter(order_line__in=order_lines.values(), quantity_allocated__gt=0).order_by(
                "stock_id"
            )
        )
        stocks = {
            stock.pk: stock for stock in stocks_lock(Q(pk__in=[allocation.stock_id for allocation in allocations]))
        }
        shipments: dict[int, list] = {}
        number = locked.fulfillments.count() + 1
        fulfillment = Fulfillment.objects.create(
            order=locked,
            fulfillment_order=number,
            tracking_number=(tracking_number or "").strip()[:64],
            local_delivery=local_delivery,
        )
        delta = Decimal("0.00")
        heavier: list[tuple[OrderLine, Decimal]] = []
        for given, quantity, actual_weight in lines:
            line = order_lines[given.pk]
            remaining = line.quantity - line.quantity_fulfilled
            if quantity is None or quantity <= 0 or quantity > remaining:
                raise DomainError(
                    _("Between 1 and %(count)s of %(sku)s can be fulfilled")
                    % {"count": remaining, "sku": line.product_sku},
                    OrderErrorCode.FULFILL_ORDER_LINE,
                    field="lines",
                )
            if line.sold_by_weight:
                if actual_weight is None:
                    raise DomainError(
                        _("Weigh %(product)s before shipping") % {"product": line.product_name},
                        OrderErrorCode.REQUIRED,
                        field="actualWeight",
                    )
                if quantity != remaining:
                    raise DomainError(_("A weighed line ships whole"), OrderErrorCode.FULFILL_ORDER_LINE, field="lines")
                new_total = _weighed_total(line, actual_weight)
                delta += new_total - line.total_price_amount
                if new_total > line.total_price_amount:
                    heavier.append((line, new_total - line.total_price_amount))
                line.actual_weight = Decimal(str(actual_weight))
                line.total_price_amount = new_total
                order_event(
                    locked,
                    OrderEventType.WEIGHED,
                    user=actor,
                    sku=line.product_sku,
                    estimated=line.quantity,
                    actual=str(actual_weight),
                    total=str(new_total),
                )
            line.quantity_fulfilled += quantity
            line.save(update_fields=["quantity_fulfilled", "actual_weight", "total_price_amount"])
            FulfillmentLine.objects.create(fulfillment=fulfillment, order_line=line, quantity=quantity)
            wanted = quantity
            for allocation in allocations:
                if allocation.order_line_id != line.pk or not wanted:
                    continue
                units = min(wanted, allocation.quantity_allocated)
                allocation.quantity_allocated -= units
                allocation.save(update_fields=["quantity_allocated"])
                shipments.setdefault(allocation.stock_id, [stocks[allocation.stock_id], 0])[1] += units
                wanted -= units
        if shipments:
            stock_ship_many(
                [(stock, units) for stock, units in shipments.values()], note=f"order #{locked.number}", actor=actor
            )
        if delta > 0:
            # Heavier than estimated: the buyer agreed to pay the estimate at most; the shop absorbs the rest.
            # Only this shipment's excess: what was short before it is not the weighing's doing.
            covered = locked.charged_amount - locked.refunded_amount + locked.authorized_amount
            absorbed = min(delta, max(Decimal("0.00"), locked.total_amount + delta - covered))
            if absorbed:
                taken = _absorb(heavier, absorbed)
                delta -= absorbed
                order_event(locked, OrderEventType.NOTE, user=actor, absorbed_by_shop=str(absorbed), lines=taken)
        if delta:
            locked.subtotal_amount += delta
            locked.total_amount += delta
            locked.save(update_fields=["subtotal_amount", "total_amount", "updated_at"])
        _settle_payment(locked, actor=actor)
        fulfillment_ship(locked, fulfillment, actor=actor)
        order_shipping_advance(
            locked,
            actor=actor,
            fulfillment=number,
            tracking_number=fulfillment.tracking_number,
            local_delivery=local_delivery,
        )
    return fulfillment


def order_shipping_advance(locked: Order, *, actor, **data) -> bool:
    """After units shipped (or a harvest shortfall left none to ship): FULFILLED when nothing is left
    (the after-sales clock, READY_FOR_PICKUP or FULFILLED with its webhook), else PARTIALLY_FULFILLED
    with a note. True when fully shipped. The caller holds the order's lock."""
    all_done = not locked.lines.filter(quantity_fulfilled__lt=F("quantity")).exists()
    locked.status = OrderStatus.FULFILLED if all_done else OrderStatus.PARTIALLY_FULFILLED
    if all_done:
        locked.fulfilled_at = timezone.now()
        if locked.delivery_kind != DeliveryKind.COLLECTION:
            locked.auto_confirm_at = locked.fulfilled_at + _days("ORDER_AUTO_CONFIRM_DAYS")
    locked.save(update_fields=["status", "fulfilled_at", "auto_confirm_at", "confirmed_at", "updated_at"])
    if all_done:
        kind = (
            OrderEventType.READY_FOR_PICKUP
            if locked.delivery_kind == DeliveryKind.COLLECTION
            else OrderEventType.FULFILLED
        )
    else:
        # A part sent is a note, not FULFILLED: that event is the order_fulfilled webhook, which
        # subscribers read as "everything has left", so it is sent once, with the last part.
        kind, data = OrderEventType.NOTE, {**data, "partial_shipment": True}
    order_event(locked, kind, user=actor, **data)
    return all_done


def _refuse_undelivered(order: Order) -> None:
    """DELIVERED ends the hand-over: after it the cash can no longer be collected (hand-over and
    pickup accept only a shipped order) and the pickup code no longer works. So cash still due is
    collected first (order_handover, order_pickup_verify) and a pickup order is delivered only by
    its pickup code (order_pickup_verify marks it picked up, then delivers)."""
    due = order.total_amount - order.charged_amount
    if due > 0:
        raise DomainError(
            _(
                "%(amount)s is still due in cash: the order is marked received when the courier or the pickup point "
                "takes the cash"
            )
            % {"amount": due},
            OrderErrorCode.CANNOT_FULFILL_UNPAID_ORDER,
            field="id",
        )
    if order.delivery_kind == DeliveryKind.COLLECTION and order.picked_up_at is None:
        raise DomainError(
            _(
                "This order is collected at a pickup point: it is marked received when the staff there check "
                "the pickup code"
            ),
            OrderErrorCode.INVALID,
            field="id",
        )


def _undelivered_q() -> Q:
    """The orders _refuse_undelivered refuses, as a filter."""
    return Q(total_amount__gt=F("charged_amount")) | Q(delivery_kind=DeliveryKind.COLLECTION, picked_up_at__isnull=True)


def order_deliver(
    order: Order,
    *,
    actor,
    by_buyer: bool = False,
    automatic: bool = False,
    proof_kind: str = "handed_over",
    proof_text: str = "",
    source: str = "staff",
) -> Order:
    """Goods reached the buyer: confirmed by the buyer, the courier, or automatically after N days.
    Each fulfilment's shipment is delivered with it (`proof_kind`: how the hand-over was proven).
    The after-sales window (complaints, returns, seller earnings pending) starts now. Refused while
    cash is due or a pickup order's code is unchecked (see _refuse_undelivered)."""
    with transaction.atomic():
        locked = _lock(order)
        if locked.status == OrderStatus.DELIVERED:
            return locked
        _refuse_unless("deliver", locked)
        _refuse_undelivered(locked)
        now = timezone.now()
        locked.status = OrderStatus.DELIVERED
        locked.delivered_at = now
        locked.auto_confirm_at = None
        locked.after_sales_until = now + _days("ORDER_AFTER_SALES_DAYS")
        locked.save(update_fields=["status", "delivered_at", "auto_confirm_at", "after_sales_until", "updated_at"])
        for fulfillment in locked.fulfillments.select_related("shipment"):
            fulfillment.status = "delivered"
            fulfillment.save(update_fields=["status"])
            fulfillment_shipment_deliver(
                fulfillment,
                actor=actor,
                proof_kind=proof_kind,
                proof_text=proof_text,
                source="system" if automatic else "buyer" if by_buyer else source,
            )
        order_event(locked, OrderEventType.DELIVERED, user=actor, by_buyer=by_buyer, automatic=automatic)
    return locked


def orders_auto_confirm_due(now=None, limit: int = 500) -> int:
    """Confirm receipt of shipped orders whose buyers said nothing for N days. Orders whose cash
    is still due or that wait at a pickup point are left to the hand-over and the pickup code
    (and filtered out in the query, so they do not fill every batch). Returns how many were delivered."""
    now = now or timezone.now()
    due = list(
        Order.objects.filter(status=OrderStatus.FULFILLED, auto_confirm_at__lte=now)
        .exclude(_undelivered_q())
        .order_by("auto_confirm_at")[:limit]
    )
    delivered = 0
    for order in due:
        try:
            order_deliver(order, actor=None, automatic=True)
        except DomainError:
            continue  # changed since the query (returned, or weighed): the next run sees it again
        delivered += 1
    return delivered


def _release_allocations(order: Order, *, actor, note: str) -> None:
    allocations = list(
        Allocation.objects.filter(order_line__order=order, quantity_allocated__gt=0).order_by("stock_id")
    )
    if not allocations:
        return
    stocks = {stock.pk: stock for stock in stocks_lock(Q(pk__in=[allocation.stock_id for allocation in allocations]))}
    changes: dict[int, list] = {}
    for allocation in allocations:
        changes.setdefault(allocation.stock_id, [stocks[allocation.stock_id], 0])[1] += allocation.quantity_allocated
        allocation.quantity_allocated = 0
    Allocation.objects.bulk_update(allocations, ["quantity_allocated"])
    stock_release_many([(stock, units) for stock, units in changes.values()], note=note, actor=actor)


def order_cancel(order: Order, *, actor, reason: str = "", by_buyer: bool = False) -> Order:
    """Before anything ships: stock goes back, money paid is refunded, the authorisation dropped.
    ``by_buyer``: the buyer's own cancellation, allowed only while the seller has not confirmed
    (checked here under the lock: a confirmation may land between the caller's check and this)."""
    with transaction.atomic():
        locked = _lock(order)
        if by_buyer and locked.status != OrderStatus.UNCONFIRMED:
            raise DomainError(
                _("The seller has confirmed this order: ask the shop to cancel it"),
                OrderErrorCode.CANNOT_CANCEL_ORDER,
                field="id",
            )
        _refuse_unless("cancel", locked, OrderErrorCode.CANNOT_CANCEL_ORDER)
        _release_allocations(locked, actor=actor, note=f"order #{locked.number} cancelled")
        refundable = order_refundable_amount(locked)
        if refundable > 0:
            order_refund_amount(
                locked, refundable, actor=actor, reason=reason or "order cancelled", key=f"cancel:{locked.pk}"
            )
        order_release_authorized(locked, locked.authorized_amount, actor=actor, reason="order cancelled")
        locked.status = OrderStatus.CANCELED
        locked.canceled_at = timezone.now()
        locked.save(update_fields=["status", "canceled_at", "updated_at"])
        order_event(locked, OrderEventType.CANCELED, user=actor, reason=reason)
    return locked


def _returned_share(line: OrderLine, units: int) -> Decimal:
    """The price of a line's first ``units`` returned units. Each return refunds the growth of this
    share, so rounding never adds up past the line total (4 × 10.42 of a 41.66 line would)."""
    return quantize(line.total_price_amount * units / line.quantity)


def order_return(
    order: Order,
    *,
    actor,
    lines: list[tuple[OrderLine, int]],
    refund: bool = True,
    restock: bool = True,
    reason: str = "",
) -> Order:
    """Take back shipped units (all or some); refund their price and put them back on the shelf."""
    if not lines:
        raise DomainError(_("Choose the lines to return"), OrderErrorCode.REQUIRED, field="lines")
    with transaction.atomic():
        locked = _lock(order)
        _refuse_unless("return", locked)
        order_lines = {
            line.pk: line
            for line in OrderLine.objects.select_for_update().filter(
                order=locked, pk__in=[line.pk for line, _quantity in lines]
            )
        }
        if len(order_lines) != len({line.pk for line, _quantity in lines}):
            raise DomainError(_("A line is not part of this order"), OrderErrorCode.NOT_FOUND, field="lines")
        amount = Decimal("0.00")
        restocks: dict[int, int] = {}
        for given, quantity in lines:
            line = order_lines[given.pk]
            returnable = line.quantity_fulfilled - line.quantity_returned
            if quantity is None or quantity <= 0 or quantity > returnable:
                raise DomainError(
                    _("Between 1 and %(count)s of %(sku)s can be returned")
                    % {"count": returnable, "sku": line.product_sku},
                    OrderErrorCode.INVALID_QUANTITY,
                    field="lines",
                )
            before = line.quantity_returned
            line.quantity_returned += quantity
            line.save(update_fields=["quantity_returned"])
            amount += _returned_share(line, line.quantity_returned) - _returned_share(line, before)
            first_stock = (
                Allocation.objects.filter(order_line=line)
                .order_by("stock_id")
                .values_list("stock_id", flat=True)
                .first()
            )
            if restock and first_stock and not line.sold_by_weight:
                restocks[first_stock] = restocks.get(first_stock, 0) + quantity
        if restocks:
            stocks = stocks_lock(Q(pk__in=list(restocks)))
            stock_return_many(
                [(stock, restocks[stock.pk]) for stock in stocks],
                note=f"returned from order #{locked.number}",
                actor=actor,
            )
        everything = not locked.lines.exclude(quantity_returned=F("quantity")).exists()
        locked.status = OrderStatus.RETURNED if everything else OrderStatus.PARTIALLY_RETURNED
        locked.save(update_fields=["status", "updated_at"])
        order_event(
            locked,
            OrderEventType.RETURNED,
            user=actor,
            amount=str(amount),
            reason=reason,
            lines=[{"sku": order_lines[line.pk].product_sku, "quantity": quantity} for line, quantity in lines],
        )
        if refund:
            refundable = order_refundable_amount(locked)
            if min(amount, refundable) > 0:
                order_refund_amount(
                    locked,
                    min(amount, refundable),
                    actor=actor,
                    reason=reason or "goods returned",
                    key=f"return:{locked.pk}:{locked.events.count()}",
                )
    return locked


def order_refund(order: Order, amount, *, actor, reason: str = "") -> Order:
    """A goodwill or complaint refund of part of what was paid (never above it)."""
    amount = refund_amount_parse(amount, order.currency)  # refused before the order is locked
    with transaction.atomic():
        locked = _lock(order)
        if locked.status == OrderStatus.CANCELED:
            raise DomainError(_("A cancelled order was already refunded"), OrderErrorCode.CANNOT_REFUND, field="id")
        order_refund_amount(
            locked, amount, actor=actor, reason=reason or "refund", key=f"refund:{locked.pk}:{locked.events.count()}"
        )
    return locked
