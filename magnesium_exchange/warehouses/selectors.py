"""Reads of warehouses and receipts: what a member holds, what a warehouse keeps, tonnes in store."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from magnesium_exchange.warehouses.models import (
    Receipt,
    ReceiptEvent,
    ReceiptStatus,
    TicketDirection,
    Warehouse,
    WarehouseStaff,
    WeighbridgeTicket,
)
from magnesium_exchange.warehouses.state import SUPERSEDED

_RELATED = ("warehouse", "commodity", "grade", "holder", "depositor")


def receipt_list(*, holder=None, warehouse=None, status: str | None = None, statuses=None, grade=None):
    """Receipts with their warehouse, commodity, grade, holder and depositor; each argument narrows."""
    qs = Receipt.objects.select_related(*_RELATED)
    if holder is not None:
        qs = qs.filter(holder=holder)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if status:
        qs = qs.filter(status=status)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if grade is not None:
        qs = qs.filter(grade=grade)
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
    return Receipt.objects.filter(warehouse=warehouse, status__in=live).aggregate(total=Sum("quantity"))[
        "total"
    ] or Decimal(0)


# Reads of the pages (storefront): the warehouse desk, the public verification page, the loan pages.


def warehouse_list_for_staff(user) -> list[Warehouse]:
    """The warehouses the user works at, by code."""
    return list(Warehouse.objects.filter(pk__in=warehouse_ids_of_staff(user)).order_by("code"))


def warehouse_get_by_code(code: str) -> Warehouse | None:
    return Warehouse.objects.filter(code=code.upper()).first()


def weighbridge_ticket_list_pending(warehouse, limit: int = 50) -> list[WeighbridgeTicket]:
    """Inbound tickets of the warehouse with no receipt issued yet, newest first."""
    return list(
        WeighbridgeTicket.objects.filter(warehouse=warehouse, direction=TicketDirection.INBOUND, receipt__isnull=True)
        .select_related("grade", "depositor")
        .order_by("-id")[:limit]
    )


def weighbridge_ticket_get_inbound(warehouse, number: str) -> WeighbridgeTicket | None:
    return (
        WeighbridgeTicket.objects.filter(warehouse=warehouse, number=number, direction=TicketDirection.INBOUND)
        .select_related("commodity", "grade", "depositor")
        .first()
    )


def receipt_get_for_ticket(ticket: WeighbridgeTicket) -> Receipt | None:
    """The receipt issued from an inbound ticket, if any."""
    return Receipt.objects.filter(inbound_ticket=ticket).first()


def receipt_get_in_warehouse(warehouse, number: str) -> Receipt | None:
    return receipt_list(warehouse=warehouse).filter(number=number).first()


def receipt_list_by_ids(receipt_ids):
    """These receipts with grade and warehouse, by number."""
    return Receipt.objects.filter(pk__in=receipt_ids).select_related("grade", "warehouse").order_by("number")


def receipt_event_list_for_number(number: str) -> list[ReceiptEvent]:
    """The chain of a receipt (by its number), oldest first, with only what the public page shows."""
    return list(
        ReceiptEvent.objects.filter(receipt__number=number)
        .order_by("seq")
        .only("seq", "action", "occurred_at", "hash", "kid")
    )
