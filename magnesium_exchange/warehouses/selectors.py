"""Reads of warehouses and receipts: what a member holds, what a warehouse keeps, tonnes in store."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Prefetch, Sum
from django.utils import timezone

from magnesium_exchange.warehouses.models import (
    AppointmentState,
    Receipt,
    ReceiptEvent,
    ReceiptStatus,
    TicketDirection,
    TruckAppointment,
    TruckAppointmentReceipt,
    TruckSlot,
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


# Bulk freight: truck slots and appointments (the trader terminal, the warehouse desk, the API).


def truck_slot_list(*, warehouse=None, warehouse_ids=None, day=None, upcoming: bool = False, now=None):
    """Slots by start, narrowed to a warehouse (or several), a day, or those not yet over."""
    qs = TruckSlot.objects.select_related("warehouse")
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if warehouse_ids is not None:
        qs = qs.filter(warehouse_id__in=warehouse_ids)
    if day is not None:
        qs = qs.filter(date=day)
    if upcoming:
        local = timezone.localtime(now or timezone.now())
        qs = qs.filter(date__gte=local.date()).exclude(date=local.date(), end_time__lte=local.time())
    return qs.order_by("date", "start_time", "id")


def truck_slots_bookable(warehouse_ids, now=None):
    """Slots of these warehouses not yet over with a truck's place free, soonest first."""
    return truck_slot_list(warehouse_ids=warehouse_ids, upcoming=True, now=now).filter(
        booked_trucks__lt=F("capacity_trucks")
    )


def truck_slot_get(pk) -> TruckSlot | None:
    try:
        return TruckSlot.objects.select_related("warehouse").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def truck_appointment_list(*, member=None, warehouse=None, day=None, states=None):
    """Appointments with their slot, warehouse, member, receipts and outbound tickets (prefetched)."""
    qs = TruckAppointment.objects.select_related("slot__warehouse", "warehouse", "member").prefetch_related(
        Prefetch(
            "lines",
            queryset=TruckAppointmentReceipt.objects.select_related("receipt", "outbound_ticket").order_by("id"),
        )
    )
    if member is not None:
        qs = qs.filter(member=member)
    if warehouse is not None:
        qs = qs.filter(warehouse=warehouse)
    if day is not None:
        qs = qs.filter(slot__date=day)
    if states:
        qs = qs.filter(state__in=states)
    return qs


def truck_appointment_get(pk) -> TruckAppointment | None:
    try:
        return truck_appointment_list().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def truck_appointments_by_receipt(receipt_ids) -> dict[int, TruckAppointment]:
    """The live appointment holding each of these receipts, by receipt id (a booking that reads as a
    no-show holds nothing)."""
    lines = TruckAppointmentReceipt.objects.filter(
        receipt_id__in=list(receipt_ids),
        live=True,
        appointment__state__in=[AppointmentState.BOOKED, AppointmentState.ARRIVED, AppointmentState.LOADED],
    ).select_related("appointment__slot")
    now = timezone.now()
    return {
        line.receipt_id: line.appointment
        for line in lines
        if line.appointment.state_at(now) != AppointmentState.NO_SHOW
    }
