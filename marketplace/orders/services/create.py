"""Orders written from a completed checkout: one per shop, lines snapshotted, stock allocated.

Runs inside checkout_complete's transaction, after it has locked the checkout; the stock rows are
allocated last, with the rows order_allocations_new prepares. This module only writes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings

from marketplace.inventory.allocation import stock_allocation_movements
from marketplace.orders.events import order_events_announce, order_events_new
from marketplace.orders.models import Allocation, DeliveryKind, Order, OrderEventType, OrderLine
from meidu.accounts.models import Address
from meidu.core.sql.bulk import InsertPart, bulk_insert, insert_together


@dataclass
class LinePlan:
    """One checkout line and where its units come from: [(locked stock, units)]."""

    info: object
    stocks: list


@dataclass
class GroupPlan:
    group: object
    lines: list[LinePlan]


def pickup_code_new(collection_point_id: int) -> str:
    """Six digits, unique among the orders still waiting at that point."""
    from marketplace.orders.selectors import orders_awaiting_pickup

    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if not orders_awaiting_pickup(collection_point_id).filter(pickup_code=code).exists():
            return code


def _address_copies(shipping, billing, kinds) -> tuple[list, list]:
    """Detached copies of the checkout's addresses for each order (shipping only where the order is
    shipped), written in one insert; (shipping copies, billing copies), None where none."""
    wanted = [(shipping if shipping and kind == DeliveryKind.SHIPPING else None, billing) for kind in kinds]
    copies = [Address(**address.as_data()) for pair in wanted for address in pair if address is not None]
    bulk_insert(copies)
    made = iter(copies)
    pairs = [tuple(next(made) if address is not None else None for address in pair) for pair in wanted]
    return [pair[0] for pair in pairs], [pair[1] for pair in pairs]


def orders_create_from_checkout(
    checkout, groups, *, user, payment_gateway: str, items=(), also=()
) -> tuple[list[Order], dict]:
    """Orders and lines for each shop group, with their shares of the checkout's payment
    (``items``: its transaction items) and their created/paid events, in a fixed number of inserts
    (``also``: the caller's other steps for the lines' statement, e.g. deleting the checkout);
    returns them and {checkout line pk: OrderLine} so the caller can allocate stock last (the stock
    row locks are then held for the shortest time)."""
    from marketplace.orders.payment_hooks import payment_shares_spread

    auto_days = int(settings.ORDER_AUTO_CONFIRM_DAYS)
    shipping = checkout.shipping_address
    billing = checkout.billing_address or shipping
    kinds = []
    for group in groups:
        delivery = group.delivery
        point, method = (delivery.collection_point, delivery.shipping_method) if delivery else (None, None)
        kinds.append(DeliveryKind.COLLECTION if point else (DeliveryKind.SHIPPING if method else DeliveryKind.NONE))
    shipping_copies, billing_copies = _address_copies(shipping, billing, kinds)
    orders: list[Order] = []
    for group, kind, shipping_copy, billing_copy in zip(groups, kinds, shipping_copies, billing_copies, strict=True):
        delivery = group.delivery
        point = delivery.collection_point if delivery else None
        method = delivery.shipping_method if delivery else None
        orders.append(
            Order(
                checkout_token=checkout.pk,
                shop=group.shop,
                reseller_shop=getattr(group, "reseller", None),
                channel=checkout.channel,
                user=user,
                user_email=checkout.email or (user.email if user and user.email else ""),
                currency=checkout.channel.currency_code,
                subtotal_amount=group.subtotal,
                shipping_amount=group.shipping_price,
                total_amount=group.total,
                payment_gateway=payment_gateway,
                shipping_address=shipping_copy,
                billing_address=billing_copy,
                delivery_kind=kind,
                shipping_method=method,
                shipping_method_name=method.name if method else "",
                collection_point=point,
                collection_point_name=point.name if point else "",
                pickup_code=pickup_code_new(point.pk) if point else "",
                customer_note=checkout.note,
            )
        )
    _changed, paid = payment_shares_spread(items, orders, due_now=[group.due_now for group in groups])
    bulk_insert(orders)  # numbers from the sequence, returned with the ids
    lines, order_lines = [], {}
    for order, group in zip(orders, groups, strict=True):
        for info in group.lines:
            line = OrderLine(
                order=order,
                variant=info.variant,
                product_name=info.variant.product.name,
                variant_name=info.variant.name,
                product_sku=info.variant.sku,
                quantity=info.line.quantity,
                currency=order.currency,
                unit_price_amount=info.unit_price,
                supply_unit_price=info.resale.supply_unit_price if getattr(info, "resale", None) else None,
                total_price_amount=info.total,
                sold_by_weight=info.sold_by_weight,
                weight_unit=info.variant.product.weight_unit if info.sold_by_weight else "",
                thumbnail_name=info.line.thumbnail_name or "",
                presale_campaign=info.campaign,
            )
            lines.append(line)
            order_lines[info.line.pk] = line
    events = [(order, OrderEventType.CREATED, user, {"auto_confirm_days": auto_days}) for order in orders]
    events += [(order, OrderEventType.PAID, None, {"amount": str(order.charged_amount)}) for order in paid]
    insert_together(InsertPart("order_lines", lines), InsertPart("order_events", order_events_new(events)), *also)
    order_events_announce(events)
    return orders, order_lines


def order_allocations_new(
    plans: list[GroupPlan], order_lines: dict, *, actor, note: str
) -> tuple[list[tuple], list, list]:
    """The planned units per stock, [(stock, units)], and the allocation and stock movement rows that
    record them, not written yet: the caller writes them with the change of the stock counts, last
    (checkout.availability.stocks_take)."""
    allocations = [
        Allocation(order_line=order_lines[line_plan.info.line.pk], stock=stock, quantity_allocated=units)
        for plan in plans
        for line_plan in plan.lines
        for stock, units in line_plan.stocks
    ]
    by_stock: dict[int, list] = {}
    for allocation in allocations:
        by_stock.setdefault(allocation.stock.pk, [allocation.stock, 0])[1] += allocation.quantity_allocated
    changes = [(stock, units) for stock, units in by_stock.values()]
    return changes, allocations, stock_allocation_movements(changes, note=note, actor=actor)
