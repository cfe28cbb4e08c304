"""Weighbridge tickets: goods weighed in (with the sample assay that grades them) or out.

Lock order: the warehouse row (its ticket counter)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from magnesium_exchange.commodities.services import assay_clean, grade_assign
from magnesium_exchange.members.models import MemberStatus
from magnesium_exchange.warehouses.error_codes import ExchangeReceiptErrorCode as Code
from magnesium_exchange.warehouses.models import TicketDirection, Warehouse, WeighbridgeTicket
from meidu.accounts.models import User
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.money import is_quantized, quantize, to_decimal


def user_of(actor):
    """The user behind ``actor`` (None for apps, system calls and anonymous callers)."""
    return actor if isinstance(actor, User) else None


# Weights named in refusals, by input field.
_WEIGHT_NAMES = {
    "gross": gettext_lazy("The gross weight"),
    "tare": gettext_lazy("The tare"),
    "net": gettext_lazy("The net weight"),
    "quantities": gettext_lazy("Each part"),
}


def tonnes_clean(value, field: str) -> Decimal:
    """Tonnes as a Decimal with three decimals; negative, sub-kilogram or non-decimal values are refused."""
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise DomainError(
            _("%(name)s must be decimal tonnes") % {"name": _WEIGHT_NAMES.get(field, field)},
            Code.INVALID_QUANTITY,
            field=field,
        ) from None
    if amount < 0 or not is_quantized(amount, "TNE"):
        raise DomainError(
            _("%(name)s must be non-negative tonnes with at most 3 decimals")
            % {"name": _WEIGHT_NAMES.get(field, field)},
            Code.INVALID_QUANTITY,
            field=field,
        )
    return quantize(amount, "TNE")


def weights_check(gross, tare, net) -> tuple[Decimal, Decimal, Decimal]:
    """Gross, tare and net as tonnes; refused with NET_WEIGHT_MISMATCH unless net = gross - tare > 0."""
    gross, tare, net = tonnes_clean(gross, "gross"), tonnes_clean(tare, "tare"), tonnes_clean(net, "net")
    if net <= 0 or gross <= tare:
        raise DomainError(_("Gross must exceed tare and net must be positive"), Code.INVALID_QUANTITY, field="net")
    if net != gross - tare:
        raise DomainError(
            _("Net %(net)s t is not gross %(gross)s t minus tare %(tare)s t")
            % {"net": net, "gross": gross, "tare": tare},
            Code.NET_WEIGHT_MISMATCH,
            field="net",
        )
    return gross, tare, net


def next_ticket_number(warehouse: Warehouse, direction: str) -> str:
    """Lock the warehouse row and take its next ticket number (call inside a transaction)."""
    locked = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    locked.ticket_seq += 1
    locked.save(update_fields=["ticket_seq"])
    prefix = "IN" if direction == TicketDirection.INBOUND else "OUT"
    return f"{locked.code}-{prefix}-{timezone.localdate():%Y%m%d}-{locked.ticket_seq:06d}"


def ticket_create(
    warehouse: Warehouse,
    direction: str,
    *,
    commodity,
    gross,
    tare,
    net,
    depositor=None,
    grade=None,
    assay: dict | None = None,
    vehicle_plate: str = "",
    lot_no: str = "",
    inspection_ref: str = "",
    number: str = "",
    weighed_at=None,
    actor=None,
) -> WeighbridgeTicket:
    """Record a weighing (inside the caller's transaction); weights are checked first."""
    gross, tare, net = weights_check(gross, tare, net)
    if not warehouse.is_active:
        raise DomainError(_("The warehouse is not active"), Code.WAREHOUSE_INACTIVE, field="warehouse")
    number = (number or "").strip() or next_ticket_number(warehouse, direction)
    if WeighbridgeTicket.objects.filter(warehouse=warehouse, number=number).exists():
        raise DomainError(_("This ticket number was already recorded"), Code.UNIQUE, field="number")
    return WeighbridgeTicket.objects.create(
        warehouse=warehouse,
        number=number,
        direction=direction,
        commodity=commodity,
        grade=grade,
        depositor=depositor,
        vehicle_plate=(vehicle_plate or "").strip().upper(),
        gross=gross,
        tare=tare,
        net=net,
        assay=assay or {},
        lot_no=(lot_no or "").strip(),
        inspection_ref=(inspection_ref or "").strip(),
        weighed_at=weighed_at or timezone.now(),
        operator=user_of(actor),
    )


def inbound_ticket_create(
    warehouse: Warehouse,
    *,
    commodity,
    depositor,
    gross,
    tare,
    net,
    assay: dict,
    vehicle_plate: str = "",
    lot_no: str = "",
    inspection_ref: str = "",
    number: str = "",
    weighed_at=None,
    actor=None,
) -> WeighbridgeTicket:
    """Goods arrive: weigh them (net must be gross - tare) and grade the sample (refused when no grade
    matches). A receipt can then be issued against this ticket, once."""
    weights_check(gross, tare, net)
    if depositor.status != MemberStatus.ACTIVE:
        raise DomainError(_("The depositor is not an active member"), Code.MEMBER_NOT_ACTIVE, field="depositor")
    cleaned = assay_clean(assay)
    grade = grade_assign(commodity, cleaned)
    with transaction.atomic():
        ticket = ticket_create(
            warehouse,
            TicketDirection.INBOUND,
            commodity=commodity,
            gross=gross,
            tare=tare,
            net=net,
            depositor=depositor,
            grade=grade,
            assay={key: str(value) for key, value in cleaned.items()},
            vehicle_plate=vehicle_plate,
            lot_no=lot_no,
            inspection_ref=inspection_ref,
            number=number,
            weighed_at=weighed_at,
            actor=actor,
        )
        audit_record(
            "exchange.inbound_ticket", actor=actor, target=ticket, data={"net": str(ticket.net), "grade": grade.code}
        )
    return ticket
