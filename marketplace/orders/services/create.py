"""Orders written from a completed checkout: one per shop, lines snapshotted, stock allocated.

Runs inside checkout_complete's transaction, after it has locked the checkout and the
stock rows; this module only writes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass


from django.conf import settings
from django.db import connection

from marketplace.inventory.allocation import stock_allocate_many
from marketplace.orders.events import order_event
from marketplace.orders.models import Allocation, DeliveryKind, Order, OrderEventType, OrderLine
from meidu.accounts.addresses import address_copy


@dataclass
class LinePlan:
    """One checkout line and where its units come from: [(locked stock, units)]."""

    info: object
    stocks: list


@dataclass
class GroupPlan:
    group: object
    lines: list[LinePlan]


def order_numbers(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('order_number_seq') FROM generate_series(1, %s)", [count])
        return [row[0] for row in cursor.fetchall()]


def pickup_code_new(collection_point_id: int) -> str:
    """Six digits, unique among the orders still waiting at that point."""
    from marketplace.orders.selectors import orders_awaiting_pickup

    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if not orders_awaiting_pickup(collection_point_id).filter(pickup_code=code).exists():
            return code


def _thumbnail_name(product) -> str:
    """The first photo's small rendition (checkout_lines prefetches the media)."""
    media = min(product.media.all(), key=lambda m: (m.sort_order, m.pk), default=None)
    return (media.renditions or {}).get("thumbnail", "") if media else ""


def orders_create_from_checkout(checkout, groups, *, user, payment_gateway: str) -> tuple[list[Order], dict]:
    """Orders and lines for each shop group; returns them and {checkout line pk: OrderLine} so the
    caller can allocate stock last (the stock row locks are then held for the shortest time)."""
    auto_days = int(getattr(settings, "ORDER_AUTO_CONFIRM_DAYS", 10))
    shipping = checkout.shipping_address
    billing = checkout.billing_address or shipping
    numbers = order_numbers(len(groups))
    orders: list[Order] = []
    order_lines: dict[int, OrderLine] = {}
    for number, group in zip(numbers, groups):
        delivery = group.delivery
        point = delivery.collection_point if delivery else None
        method = delivery.shipping_method if delivery else None
        kind = DeliveryKind.COLLECTION if point else (DeliveryKind.SHIPPING if method else DeliveryKind.NONE)
        order = Order.objects.create(
            number=number, checkout_token=checkout.pk, shop=group.shop, channel=checkout.channel,
            user=user, user_email=checkout.email or (user.email if user and user.email else ""),
            currency=checkout.channel.currency_code, subtotal_amount=group.subtotal, shipping_amount=group.shipping_price,
            total_amount=group.total, payment_gateway=payment_gateway,
            shipping_address=address_copy(shipping) if shipping and kind == DeliveryKind.SHIPPING else None,
            billing_address=address_copy(billing) if billing else None,
            delivery_kind=kind, shipping_method=method, shipping_method_name=method.name if method else "",
            collection_point=point, collection_point_name=point.name if point else "",
            pickup_code=pickup_code_new(point.pk) if point else "", customer_note=checkout.note,
        )
        lines = [
            OrderLine(
                order=order, variant=info.variant, product_name=info.variant.product.name, variant_name=info.variant.name,
                product_sku=info.variant.sku, quantity=info.line.quantity, currency=order.currency,
                unit_price_amount=info.unit_price, total_price_amount=info.total, sold_by_weight=info.sold_by_weight,
                weight_unit=info.variant.product.weight_unit if info.sold_by_weight else "",
                thumbnail_name=_thumbnail_name(info.variant.product), presale_campaign=info.campaign,
            )
            for info in group.lines
        ]
        OrderLine.objects.bulk_create(lines)
        for info, line in zip(group.lines, lines):
            order_lines[info.line.pk] = line
        order_event(order, OrderEventType.CREATED, user=user, auto_confirm_days=auto_days)
        orders.append(order)
    return orders, order_lines


def order_allocations_create(plans: list[GroupPlan], order_lines: dict, *, actor, note: str) -> None:
    """Allocate the planned units of the locked stocks to the order lines."""
    allocations = [
        Allocation(order_line=order_lines[line_plan.info.line.pk], stock=stock, quantity_allocated=units)
        for plan in plans for line_plan in plan.lines for stock, units in line_plan.stocks
    ]
    if not allocations:
        return
    Allocation.objects.bulk_create(allocations)
    by_stock: dict[int, list] = {}
    for allocation in allocations:
        by_stock.setdefault(allocation.stock.pk, [allocation.stock, 0])[1] += allocation.quantity_allocated
    stock_allocate_many([(stock, units) for stock, units in by_stock.values()], note=note, actor=actor)
