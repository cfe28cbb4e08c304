"""Reads of warehouses and receipts: what a member holds, what a warehouse keeps, tonnes in store."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus, WarehouseStaff, WeighbridgeTicket
from magnesium_exchange.warehouses.state import SUPERSEDED

_RELATED = ("warehouse", "commodity", "grade", "holder", "depositor")


def receipt_list(*, holder=None, warehouse=None, status: str | None = None):
    qs = Receipt.objects.select_related(*_RELATED)
    if holder is not None:
        qs = qs.filter(holder=holder)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if status:
        qs = qs.filter(status=status)
    return qs


def receipt_get_by_number(number: str) -> Receipt | None:
    return Receipt.objects.select_related(*_RELATED).filter(number=(number or "").strip()).first()


def warehouse_ids_of_staff(user) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return set()
    return set(WarehouseStaff.objects.filter(user=user).values_list("warehouse_id", flat=True))


def is_warehouse_staff(user, warehouse_id: int) -> bool:
    return warehouse_id in warehouse_ids_of_staff(user)


def tonnes_conservation(warehouse=None) -> tuple[Decimal, Decimal]:
    """(tonnes weighed in against issued receipts, tonnes on receipts that are not superseded by parts
    or merges): the two are equal after any sequence of operations."""
    tickets = WeighbridgeTicket.objects.filter(receipt__isnull=False)
    receipts = Receipt.objects.exclude(status__in=SUPERSEDED)
    if warehouse is not None:
        tickets, receipts = tickets.filter(warehouse=warehouse), receipts.filter(warehouse=warehouse)
    weighed_in = tickets.aggregate(total=Sum("net"))["total"] or Decimal(0)
    on_receipts = receipts.aggregate(total=Sum("quantity"))["total"] or Decimal(0)
    return weighed_in, on_receipts


def tonnes_in_store(warehouse) -> Decimal:
    """Tonnes the warehouse still keeps for live receipts (not withdrawn, cancelled or superseded)."""
    live = [ReceiptStatus.ACTIVE, ReceiptStatus.LISTED, ReceiptStatus.PLEDGED, ReceiptStatus.FROZEN]
    return Receipt.objects.filter(warehouse=warehouse, status__in=live).aggregate(total=Sum("quantity"))["total"] or Decimal(0)
