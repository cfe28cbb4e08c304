from __future__ import annotations

from django.db.models import QuerySet, Sum

from marketplace.inventory.models import Stock, StockMovement, Warehouse


def stock_from_journal(stock: Stock) -> tuple[int, int]:
    """(quantity, allocated) recomputed from the movement journal: must equal the row."""
    totals = StockMovement.objects.filter(stock=stock).aggregate(q=Sum("quantity_delta"), a=Sum("allocated_delta"))
    return totals["q"] or 0, totals["a"] or 0


# Reads of the pages (storefront): the seller centre's stock table and notices, pickup counters, checkout.


def warehouse_list_for_shop(shop) -> list[Warehouse]:
    return list(Warehouse.objects.filter(shop=shop).order_by("id"))


def warehouse_list_in_bulk(warehouse_ids) -> dict[int, Warehouse]:
    """{id: warehouse} in one query (none when no ids)."""
    warehouse_ids = set(warehouse_ids) - {None}
    return Warehouse.objects.in_bulk(warehouse_ids) if warehouse_ids else {}


def stock_list_for_shop(shop) -> QuerySet[Stock]:
    """Every stock row in the shop's warehouses."""
    return Stock.objects.filter(warehouse__shop=shop)


def pickup_point_list_for_shops(shop_ids) -> list[Warehouse]:
    """The pickup points of these shops, with their shop, oldest first."""
    return list(
        Warehouse.objects.filter(shop_id__in=shop_ids, is_pickup_point=True).select_related("shop").order_by("pk")
    )


def pickup_point_get(warehouse_id) -> Warehouse | None:
    return Warehouse.objects.filter(pk=warehouse_id, is_pickup_point=True).first()
