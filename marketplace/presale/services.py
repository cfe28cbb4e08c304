"""Open a harvest pre-sale, then settle it when the harvest is in.

presale_harvest: the harvest is received into a warehouse; orders are served first come, first
served (by order number); a buyer whose order the yield cannot fill gets the shortfall's deposit
back and the line shrinks, or leaves the order when it gets nothing (an order left with nothing
is cancelled and refunded); served units are allocated, and the buyers then pay the balance
(transactionInitialize on their checkout) before the seller ships. Lock order: the campaign row,
then the payment locks of the orders' checkouts (by token), then the order rows (ascending pk),
then their pre-sale lines, then stock rows in ascending pk.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.inventory.allocation import stock_allocate_many, stocks_lock
from marketplace.inventory.services import stock_receive
from marketplace.orders.events import order_event
from marketplace.orders.models import Allocation, Order, OrderEventType, OrderLine, OrderStatus
from marketplace.orders.services.lifecycle import order_cancel, order_shipping_advance
from marketplace.orders.services.money import order_refund_amount, order_refundable_amount, order_release_authorized
from marketplace.payments.services import checkout_payments_lock
from marketplace.presale.error_codes import PresaleErrorCode
from marketplace.presale.models import CampaignStatus, PresaleCampaign
from marketplace.presale.policies import presale_campaign_is_open
from marketplace.presale.selectors import deposit_of
from marketplace.settlement.services.commission import commission_line_forget
from meidu.core.audit.services import audit_record
from meidu.core.cache_versions import CATALOG, bump
from meidu.core.errors import DomainError
from meidu.core.money import quantize


def presale_campaign_open(
    variant, channel, *, actor, deposit_percent, expected_quantity: int, harvest_expected_on: date
) -> PresaleCampaign:
    try:
        percent = Decimal(str(deposit_percent))
    except (InvalidOperation, TypeError):
        raise DomainError(_("The deposit is a percentage"), PresaleErrorCode.INVALID, field="depositPercent") from None
    if not Decimal("1") <= percent <= Decimal("100") or percent != percent.quantize(Decimal("0.01")):
        raise DomainError(_("The deposit is 1 to 100 percent"), PresaleErrorCode.INVALID, field="depositPercent")
    if expected_quantity is None or expected_quantity <= 0:
        raise DomainError(_("Expect a positive harvest"), PresaleErrorCode.INVALID, field="expectedQuantity")
    if harvest_expected_on is None or harvest_expected_on < timezone.localdate():
        raise DomainError(_("The harvest date lies ahead"), PresaleErrorCode.INVALID, field="harvestExpectedOn")
    if not variant.channel_listings.filter(channel=channel).exists():
        raise DomainError(_("Price the variant in this channel first"), PresaleErrorCode.INVALID, field="variant")
    with transaction.atomic():
        if PresaleCampaign.objects.filter(variant=variant, channel=channel, status=CampaignStatus.OPEN).exists():
            raise DomainError(
                _("A pre-sale of this variant is already open"), PresaleErrorCode.ALREADY_EXISTS, field="variant"
            )
        campaign = PresaleCampaign.objects.create(
            variant=variant,
            channel=channel,
            deposit_percent=percent,
            expected_quantity=expected_quantity,
            harvest_expected_on=harvest_expected_on,
            opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record("presale.opened", actor=actor, target=campaign, data={"deposit_percent": str(percent)})
        bump(CATALOG)  # the product page shows the open pre-sale
    return campaign


def _money_back(order, removed: Decimal, campaign, *, actor, key: str) -> Decimal:
    """After ``removed`` came off the order's total: the deposit of the units the field did not
    give goes back, or more when the buyer had already paid beyond the new total (a balance paid
    early), and an authorisation above the new total is dropped, so no money is kept for nothing."""
    net_charged = order_refundable_amount(order)  # net of refunds, those still in progress included
    back = min(max(deposit_of(removed, campaign, order.currency), net_charged - order.total_amount), net_charged)
    if back > 0:
        order_refund_amount(order, back, actor=actor, reason="harvest fell short", key=key)
    else:
        back = Decimal("0.00")
    surplus = order_refundable_amount(order) + order.authorized_amount - order.total_amount
    if surplus > 0:
        order_release_authorized(order, surplus, actor=actor, reason="harvest fell short")
    return back


def _shrink_line(order, line: OrderLine, quantity: int, campaign, *, actor) -> None:
    """Keep ``quantity`` (> 0) of the line's units; the rest's deposit goes back and the totals shrink."""
    short = line.quantity - quantity
    removed = quantize(line.unit_price_amount * short)
    line.quantity = quantity
    line.total_price_amount -= removed
    line.save(update_fields=["quantity", "total_price_amount"])
    order.subtotal_amount -= removed
    order.total_amount -= removed
    order.save(update_fields=["subtotal_amount", "total_amount", "updated_at"])
    deposit_back = _money_back(order, removed, campaign, actor=actor, key=f"presale-short:{order.pk}:{line.pk}")
    order_event(
        order,
        OrderEventType.NOTE,
        user=actor,
        harvest_short=short,
        sku=line.product_sku,
        deposit_refunded=str(deposit_back),
    )


def _drop_line(order, line: OrderLine, campaign, *, actor) -> None:
    """A line the harvest gives nothing to, in an order that keeps other lines: a line cannot hold
    zero units, so it is deleted (with the commission rate frozen for it, which would block the
    deletion and has nothing left to price) before the money moves, so the settlement the refund
    triggers sees the order without it. Its deposit goes back and the totals shrink."""
    line_pk, short, removed = line.pk, line.quantity, line.total_price_amount
    commission_line_forget(line)
    line.delete()
    order.subtotal_amount -= removed
    order.total_amount -= removed
    order.save(update_fields=["subtotal_amount", "total_amount", "updated_at"])
    deposit_back = _money_back(order, removed, campaign, actor=actor, key=f"presale-short:{order.pk}:{line_pk}")
    order_event(
        order,
        OrderEventType.NOTE,
        user=actor,
        harvest_short=short,
        sku=line.product_sku,
        deposit_refunded=str(deposit_back),
        line_removed=True,
        unit_price=str(line.unit_price_amount),
    )


def _finish_if_all_shipped(order, *, actor) -> None:
    """A partly shipped order whose only open units were the ones the harvest could not give is
    now wholly shipped: it moves on as order_fulfill moves it (else it would wait forever)."""
    if (
        order.status == OrderStatus.PARTIALLY_FULFILLED
        and not order.lines.filter(quantity_fulfilled__lt=F("quantity")).exists()
    ):
        order_shipping_advance(order, actor=actor, harvest_short=True)


def _orders_lock(campaign) -> dict[int, Order]:
    """The campaign's orders, locked before their lines or status are read: every checkout's
    payment lock first (sorted by token, so two harvests sharing checkouts take them in the same
    order; payments and order services take it before an order row too), then the order rows in
    ascending pk. No new order can join: checkout completion locks the campaign row, held here.
    Cancelled orders (also those cancelled while this waited for the locks) are left out."""
    candidates = (
        Order.objects.filter(lines__presale_campaign=campaign)
        .exclude(status=OrderStatus.CANCELED)
        .values_list("pk", "checkout_token")
    )
    pks, tokens = set(), set()
    for pk, token in candidates:
        pks.add(pk)
        tokens.add(uuid.UUID(str(token)))
    for token in sorted(tokens):
        checkout_payments_lock(token)
    locked = Order.objects.select_for_update(of=("self",)).filter(pk__in=pks).order_by("pk")
    return {order.pk: order for order in locked if order.status != OrderStatus.CANCELED}


def presale_harvest(campaign: PresaleCampaign, *, actor, harvested_quantity: int, warehouse) -> PresaleCampaign:
    """Lines are served by order number up to the harvest. A line already shipped in full takes
    nothing; one partly shipped is owed only its unshipped units (and is never cut below them)."""
    if not isinstance(harvested_quantity, int) or isinstance(harvested_quantity, bool) or harvested_quantity < 0:
        raise DomainError(_("Give the harvested quantity"), PresaleErrorCode.INVALID, field="harvestedQuantity")
    if warehouse.shop_id != campaign.variant.product.shop_id:
        raise DomainError(
            _("Store the harvest in one of the shop's warehouses"), PresaleErrorCode.NOT_FOUND, field="warehouse"
        )
    with transaction.atomic():
        locked = PresaleCampaign.objects.select_for_update().select_related("variant__product").get(pk=campaign.pk)
        if not presale_campaign_is_open(locked):
            raise DomainError(
                _("This pre-sale is not taking deposits any more"), PresaleErrorCode.NOT_OPEN, field="campaign"
            )
        orders = _orders_lock(locked)
        lines = list(
            OrderLine.objects.select_for_update(of=("self",))
            .filter(presale_campaign=locked, order_id__in=list(orders))
            .order_by("order__number", "pk")
        )
        remaining = harvested_quantity
        allocations: list[tuple[OrderLine, int]] = []
        for line in lines:
            order = orders[line.order_id]
            if order.status == OrderStatus.CANCELED:
                continue  # cancelled at this harvest, through another of its lines
            owed = line.quantity - line.quantity_fulfilled
            if owed <= 0:
                continue  # shipped before the harvest: it takes no stock
            served = min(owed, remaining)
            remaining -= served
            if served < owed:
                if line.quantity_fulfilled + served:
                    _shrink_line(order, line, line.quantity_fulfilled + served, locked, actor=actor)
                elif order.lines.exclude(pk=line.pk).exists():
                    _drop_line(order, line, locked, actor=actor)
                else:
                    orders[order.pk] = order_cancel(order, actor=actor, reason="harvest fell short")
                    continue
                _finish_if_all_shipped(order, actor=actor)
            if served:
                allocations.append((line, served))
            order_event(
                order,
                OrderEventType.NOTE,
                user=actor,
                harvested=True,
                served=served,
                balance_due=str(order.total_amount - order.charged_amount + order.refunded_amount),
            )
        if harvested_quantity:
            stock_receive(
                warehouse, locked.variant, actor=actor, quantity=harvested_quantity, note="harvest (pre-sale)"
            )
        if allocations:
            [stock] = stocks_lock(Q(warehouse=warehouse, variant=locked.variant))
            Allocation.objects.bulk_create(
                [Allocation(order_line=line, stock=stock, quantity_allocated=units) for line, units in allocations]
            )
            stock_allocate_many([(stock, sum(units for _, units in allocations))], note="pre-sale orders", actor=actor)
        locked.status = CampaignStatus.HARVESTED
        locked.harvested_quantity = harvested_quantity
        locked.harvested_at = timezone.now()
        locked.save(update_fields=["status", "harvested_quantity", "harvested_at"])
        audit_record("presale.harvested", actor=actor, target=locked, data={"quantity": harvested_quantity})
        bump(CATALOG)  # the product page no longer shows the pre-sale
    return locked
