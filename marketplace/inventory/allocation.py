"""Allocation of stock to orders, its release and its shipment, in bulk.

Callers lock first with ``stocks_lock`` (SELECT ... FOR UPDATE in ascending pk, the house
lock order for stock) and pass the locked rows; each change is one StockMovement, and the
database checks keep allocated within on-hand.
"""

from __future__ import annotations

from django.db.models import Q

from marketplace.inventory.models import MovementKind, Stock, StockMovement
from marketplace.shops.models import ShopNotice
from meidu.core.bulk_insert import bulk_insert


def stocks_lock(condition: Q) -> list[Stock]:
    """Lock the stock rows matching ``condition`` in ascending pk. FOR NO KEY UPDATE: only counts
    change, so inserts of rows referencing a stock (allocations, movements) need not wait."""
    return list(
        Stock.objects.select_for_update(of=("self",), no_key=True).filter(condition)
        .select_related("warehouse").order_by("pk")
    )


def _movements(changes, kind: str, *, quantity_sign: int, allocated_sign: int, note: str, actor) -> list[StockMovement]:
    return [StockMovement(stock=stock, kind=kind, quantity_delta=quantity_sign * units, allocated_delta=allocated_sign * units,
                          note=note[:255], actor=actor)
            for stock, units in changes]


def _journal(changes, kind: str, *, quantity_sign: int, allocated_sign: int, note: str, actor) -> None:
    bulk_insert(_movements(changes, kind, quantity_sign=quantity_sign, allocated_sign=allocated_sign, note=note, actor=actor))


def stock_allocation_movements(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> list[StockMovement]:
    """The movements of units allocated to orders, not written yet (for a caller that writes them
    with the counts' change: checkout.availability.stocks_take)."""
    return _movements(changes, MovementKind.ALLOCATED, quantity_sign=0, allocated_sign=1, note=note, actor=actor)


def stock_allocation_journal(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> None:
    """The movements of units allocated to orders (for a caller that changes the counts itself)."""
    bulk_insert(stock_allocation_movements(changes, note=note, actor=actor))


def stock_low_notices(changes) -> None:
    """Tell the shop when a change took a stock from at or above its threshold to below it."""
    notices = []
    for stock, units in changes:
        available = stock.quantity - stock.quantity_allocated
        if available < stock.low_stock_threshold <= available + units:
            notices.append(ShopNotice(
                shop_id=stock.warehouse.shop_id, kind="low_stock",
                message=f"SKU variant {stock.variant_id}: {available} left in {stock.warehouse.name}",
                data={"variant": stock.variant_id, "warehouse": stock.warehouse_id, "available": available},
            ))
    if notices:
        ShopNotice.objects.bulk_create(notices)


def stock_allocate_many(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> None:
    """Hold units of locked stocks for orders."""
    for stock, units in changes:
        stock.quantity_allocated += units
    Stock.objects.bulk_update([stock for stock, _ in changes], ["quantity_allocated"])
    stock_allocation_journal(changes, note=note, actor=actor)
    stock_low_notices(changes)


def stock_release_many(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> None:
    """Give allocated units back (an order cancelled or a line reduced)."""
    for stock, units in changes:
        stock.quantity_allocated -= units
    Stock.objects.bulk_update([stock for stock, _ in changes], ["quantity_allocated"])
    _journal(changes, MovementKind.RELEASED, quantity_sign=0, allocated_sign=-1, note=note, actor=actor)


def stock_ship_many(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> None:
    """Allocated units leave the warehouse: on-hand and allocated both go down."""
    for stock, units in changes:
        stock.quantity -= units
        stock.quantity_allocated -= units
    Stock.objects.bulk_update([stock for stock, _ in changes], ["quantity", "quantity_allocated"])
    _journal(changes, MovementKind.SHIPPED, quantity_sign=-1, allocated_sign=-1, note=note, actor=actor)


def stock_return_many(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> None:
    """Returned goods back on the shelf."""
    for stock, units in changes:
        stock.quantity += units
    Stock.objects.bulk_update([stock for stock, _ in changes], ["quantity"])
    _journal(changes, MovementKind.RECEIVED, quantity_sign=1, allocated_sign=0, note=note, actor=actor)
