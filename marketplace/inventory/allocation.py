"""Allocation of stock to orders, its release and its shipment, in bulk.

Callers lock first with ``stocks_lock`` (SELECT ... FOR UPDATE in ascending pk, the house
lock order for stock) and pass the locked rows; each change is one StockMovement, and the
database checks keep allocated within on-hand.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

from marketplace.inventory.models import MovementKind, Stock, StockMovement
from marketplace.shops.models import ShopNotice
from meidu.core.cache_versions import STOCK, bump
from meidu.core.sql.bulk import bulk_insert


def stocks_lock(condition: Q) -> list[Stock]:
    """Lock the stock rows matching ``condition`` in ascending pk. FOR NO KEY UPDATE: only counts
    change, so inserts of rows referencing a stock (allocations, movements) need not wait."""
    return list(
        Stock.objects.select_for_update(of=("self",), no_key=True)
        .filter(condition)
        .select_related("warehouse")
        .order_by("pk")
    )


def stocks_allocate_free(
    wanted: dict[int, int], *, held_elsewhere: tuple[str, dict] | None = None, also: tuple = ()
) -> list[tuple] | None:
    """Add the wanted units ({stock pk: units}) to the stocks' allocated units, if every stock still has
    them free (quantity − allocated − the units `held_elsewhere` says others hold); None when any falls
    short (what the statement did take and write stays until the caller rolls back).
    `held_elsewhere`: (SQL, named params) from the app that holds units on stocks (checkout's live
    reservations: checkout.availability.reserved_elsewhere_sql), rows (stock_id, units), which may use
    `%(ids)s`, the bigint[] of the wanted stocks. `also`: inserts (meidu.core.sql.bulk.InsertPart)
    written by the same statement, such as the allocation and movement rows of these units.

    Two statements: the first locks the rows in ascending pk (FOR NO KEY UPDATE, so rows that only
    reference a stock do not wait); the second, on a snapshot taken once the locks are held, re-checks
    and counts. One statement cannot do both: its snapshot predates the lock wait, so a buyer who
    committed meanwhile would count twice, its new allocation (the locked row's newest version) and its
    deleted reservation (still in the snapshot), and holders of the last units were refused units held
    for them (issue 12). The lock lasts from the first statement to the commit.
    Returns (pk, quantity, allocated after, low-stock threshold, warehouse pk, variant pk) per stock."""
    if not wanted:
        return []
    ids = sorted(wanted)
    table = Stock._meta.db_table
    held_sql, held_params = held_elsewhere or ("SELECT NULL::bigint AS stock_id, 0 AS units WHERE FALSE", {})
    lock = f"SELECT id FROM {table} WHERE id = ANY(%(ids)s::bigint[]) ORDER BY id FOR NO KEY UPDATE"
    sql = f"""
        WITH wanted AS (SELECT * FROM unnest(%(ids)s::bigint[], %(units)s::integer[]) AS w(stock_id, units)),
             reserved AS ({held_sql}),
             taken AS (UPDATE {table} s SET quantity_allocated = s.quantity_allocated + w.units
                       FROM wanted w LEFT JOIN reserved r ON r.stock_id = w.stock_id
                       WHERE s.id = w.stock_id
                         AND s.quantity - s.quantity_allocated - COALESCE(r.units, 0) >= w.units
                       RETURNING s.id, s.quantity, s.quantity_allocated, s.low_stock_threshold, s.warehouse_id,
                                 s.variant_id)
             {"".join(f", {part.cte}" for part in also)}
        SELECT taken.*{"".join(f", {part.select}" for part in also)} FROM taken ORDER BY id"""
    params = {**held_params, "ids": ids, "units": [wanted[pk] for pk in ids]}
    for part in also:
        params.update(part.params)
    with connection.cursor() as cursor:
        cursor.execute(lock, {"ids": ids})
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    bump(STOCK)  # raw SQL, no model save: cached answers showing stock counts are read afresh after commit
    if len(rows) < len(ids):
        return None  # some stock fell short: the caller rolls back what the statement did take
    for n, part in enumerate(also):
        part.saved(rows[0][6 + n])
    return [row[:6] for row in rows]


def _movements(changes, kind: str, *, quantity_sign: int, allocated_sign: int, note: str, actor) -> list[StockMovement]:
    return [
        StockMovement(
            stock=stock,
            kind=kind,
            quantity_delta=quantity_sign * units,
            allocated_delta=allocated_sign * units,
            note=note[:255],
            actor=actor,
        )
        for stock, units in changes
    ]


def _journal(changes, kind: str, *, quantity_sign: int, allocated_sign: int, note: str, actor) -> None:
    bulk_insert(
        _movements(changes, kind, quantity_sign=quantity_sign, allocated_sign=allocated_sign, note=note, actor=actor)
    )


def stock_allocation_movements(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> list[StockMovement]:
    """The movements of units allocated to orders, not written yet (for a caller that writes them
    with the counts' change: stocks_allocate_free)."""
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
            notices.append(
                ShopNotice(
                    shop_id=stock.warehouse.shop_id,
                    kind="low_stock",
                    message=f"SKU variant {stock.variant_id}: {available} left in {stock.warehouse.name}",
                    data={"variant": stock.variant_id, "warehouse": stock.warehouse_id, "available": available},
                )
            )
    if notices:
        ShopNotice.objects.bulk_create(notices)


def stock_allocate_many(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> None:
    """Hold units of locked stocks for orders."""
    for stock, units in changes:
        stock.quantity_allocated += units
    Stock.objects.bulk_update([stock for stock, _ in changes], ["quantity_allocated"])
    bump(STOCK)
    stock_allocation_journal(changes, note=note, actor=actor)
    stock_low_notices(changes)


def stock_release_many(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> None:
    """Give allocated units back (an order cancelled or a line reduced)."""
    for stock, units in changes:
        stock.quantity_allocated -= units
    Stock.objects.bulk_update([stock for stock, _ in changes], ["quantity_allocated"])
    bump(STOCK)
    _journal(changes, MovementKind.RELEASED, quantity_sign=0, allocated_sign=-1, note=note, actor=actor)


def stock_ship_many(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> None:
    """Allocated units leave the warehouse: on-hand and allocated both go down."""
    for stock, units in changes:
        stock.quantity -= units
        stock.quantity_allocated -= units
    Stock.objects.bulk_update([stock for stock, _ in changes], ["quantity", "quantity_allocated"])
    bump(STOCK)
    _journal(changes, MovementKind.SHIPPED, quantity_sign=-1, allocated_sign=-1, note=note, actor=actor)


def stock_return_many(changes: list[tuple[Stock, int]], *, note: str = "", actor=None) -> None:
    """Returned goods back on the shelf."""
    for stock, units in changes:
        stock.quantity += units
    Stock.objects.bulk_update([stock for stock, _ in changes], ["quantity"])
    bump(STOCK)
    _journal(changes, MovementKind.RECEIVED, quantity_sign=1, allocated_sign=0, note=note, actor=actor)
