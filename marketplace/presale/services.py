"""Open a harvest pre-sale, then settle it when the harvest is in.

presale_harvest: the harvest is received into a warehouse; orders are served first come, first
served (by order number); a buyer whose order the yield cannot fill gets the shortfall's deposit
back and the line shrinks (an order left with nothing is cancelled and refunded); served units are
allocated, and the buyers then pay the balance (transactionInitialize on their checkout) before the
seller ships. Lock order: the campaign row, then each order (its checkout's payment lock, then the
row, ascending number), then stock rows in ascending pk.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.inventory.allocation import stock_allocate_many, stocks_lock
from marketplace.inventory.services import stock_receive
from marketplace.orders.events import order_event
from marketplace.orders.models import Allocation, OrderEventType, OrderLine, OrderStatus
from marketplace.orders.services.lifecycle import _lock as order_lock
from marketplace.orders.services.lifecycle import order_cancel
from marketplace.orders.services.money import order_refund_amount
from marketplace.presale.error_codes import PresaleErrorCode
from marketplace.presale.models import CampaignStatus, PresaleCampaign
from marketplace.presale.selectors import deposit_of
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.money import quantize


def presale_campaign_open(variant, channel, *, actor, deposit_percent, expected_quantity: int,
                          harvest_expected_on: date) -> PresaleCampaign:
    try:
        percent = Decimal(str(deposit_percent))
    except (InvalidOperation, TypeError):
        raise DomainError("The deposit is a percentage", PresaleErrorCode.INVALID, field="depositPercent") from None
    if not Decimal("1") <= percent <= Decimal("100") or percent != percent.quantize(Decimal("0.01")):
        raise DomainError("The deposit is 1 to 100 percent", PresaleErrorCode.INVALID, field="depositPercent")
    if expected_quantity is None or expected_quantity <= 0:
        raise DomainError("Expect a positive harvest", PresaleErrorCode.INVALID, field="expectedQuantity")
    if harvest_expected_on is None or harvest_expected_on < timezone.localdate():
        raise DomainError("The harvest date lies ahead", PresaleErrorCode.INVALID, field="harvestExpectedOn")
    if not variant.channel_listings.filter(channel=channel).exists():
        raise DomainError("Price the variant in this channel first", PresaleErrorCode.INVALID, field="variant")
    with transaction.atomic():
        if PresaleCampaign.objects.filter(variant=variant, channel=channel, status=CampaignStatus.OPEN).exists():
            raise DomainError("A pre-sale of this variant is already open", PresaleErrorCode.ALREADY_EXISTS, field="variant")
        campaign = PresaleCampaign.objects.create(
            variant=variant, channel=channel, deposit_percent=percent, expected_quantity=expected_quantity,
            harvest_expected_on=harvest_expected_on, opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record("presale.opened", actor=actor, target=campaign, data={"deposit_percent": str(percent)})
    return campaign


def _shrink_line(order, line: OrderLine, served: int, campaign, *, actor) -> None:
    """Serve ``served`` of the line's units; the rest's deposit goes back and the totals shrink."""
    short = line.quantity - served
    removed = quantize(line.unit_price_amount * short)
    line.quantity = served
    line.total_price_amount -= removed
    line.save(update_fields=["quantity", "total_price_amount"])
    order.subtotal_amount -= removed
    order.total_amount -= removed
    order.save(update_fields=["subtotal_amount", "total_amount", "updated_at"])
    deposit_back = min(deposit_of(removed, campaign, order.currency), order.charged_amount - order.refunded_amount)
    if deposit_back > 0:
        order_refund_amount(order, deposit_back, actor=actor, reason="harvest fell short",
                            key=f"presale-short:{order.pk}:{line.pk}")
    order_event(order, OrderEventType.NOTE, user=actor, harvest_short=short, sku=line.product_sku,
                deposit_refunded=str(deposit_back))


def presale_harvest(campaign: PresaleCampaign, *, actor, harvested_quantity: int, warehouse) -> PresaleCampaign:
    if harvested_quantity is None or harvested_quantity < 0:
        raise DomainError("Give the harvested quantity", PresaleErrorCode.INVALID, field="harvestedQuantity")
    if warehouse.shop_id != campaign.variant.product.shop_id:
        raise DomainError("Store the harvest in one of the shop's warehouses", PresaleErrorCode.NOT_FOUND, field="warehouse")
    with transaction.atomic():
        locked = PresaleCampaign.objects.select_for_update().select_related("variant__product").get(pk=campaign.pk)
        if locked.status != CampaignStatus.OPEN:
            raise DomainError("This pre-sale is not taking deposits any more", PresaleErrorCode.NOT_OPEN, field="campaign")
        remaining = harvested_quantity
        lines = list(OrderLine.objects.filter(presale_campaign=locked).exclude(order__status=OrderStatus.CANCELED)
                     .select_related("order").order_by("order__number", "pk"))
        allocations: list[tuple[OrderLine, int]] = []
        for line in lines:
            order = order_lock(line.order)
            served = min(line.quantity, remaining)
            remaining -= served
            if served == 0 and order.lines.count() == 1:
                order_cancel(order, actor=actor, reason="harvest fell short")
                continue
            if served < line.quantity:
                _shrink_line(order, line, served, locked, actor=actor)
            if served:
                allocations.append((line, served))
            order_event(order, OrderEventType.NOTE, user=actor, harvested=True, served=served,
                        balance_due=str(order.total_amount - order.charged_amount + order.refunded_amount))
        if harvested_quantity:
            stock_receive(warehouse, locked.variant, actor=actor, quantity=harvested_quantity, note="harvest (pre-sale)")
        if allocations:
            [stock] = stocks_lock(Q(warehouse=warehouse, variant=locked.variant))
            Allocation.objects.bulk_create([Allocation(order_line=line, stock=stock, quantity_allocated=units)
                                            for line, units in allocations])
            stock_allocate_many([(stock, sum(units for _, units in allocations))], note="pre-sale orders", actor=actor)
        locked.status = CampaignStatus.HARVESTED
        locked.harvested_quantity = harvested_quantity
        locked.harvested_at = timezone.now()
        locked.save(update_fields=["status", "harvested_quantity", "harvested_at"])
        audit_record("presale.harvested", actor=actor, target=locked, data={"quantity": harvested_quantity})
    return locked
