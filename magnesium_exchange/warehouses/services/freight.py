"""Bulk freight at a supervised warehouse: staff publish truck slots, traders book a truck into one to
take out the goods of their receipts, the gate checks the truck in by its plate, the outbound weighing
(``receipt_withdraw``) records itself on the appointment, and bookings nobody came for become no-shows.

Lock orders (each use case takes its row locks in this order, so none waits on another in a cycle):

* publish: the warehouse row (publishing at one warehouse is serial, so slots never overlap).
* book: the slot row, then the receipts' rows (by id), then older bookings of those receipts that
  read as no-shows (recorded as such before the new line is written).
* cancel, no-show: the slot row, then the appointment row.
* arrive: the receipts' rows (by id; read again to turn away a truck for goods that were since sold,
  listed or pledged), then the appointment row — the withdrawal's order, so the two never deadlock.
* withdraw (supervision.receipt_withdraw): the receipt row, then its live appointment line and
  appointment, then the warehouse row (ticket counter).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.members.models import MemberStatus
from magnesium_exchange.warehouses.appointments import (
    LIVE,
    TRANSITIONS,
    AppointmentState,
    TruckAppointment,
    TruckAppointmentEvent,
    TruckAppointmentReceipt,
    TruckSlot,
    arrival_grace,
)
from magnesium_exchange.warehouses.error_codes import FreightErrorCode as Code
from magnesium_exchange.warehouses.models import Receipt, Warehouse, WeighbridgeTicket
from magnesium_exchange.warehouses.plates import plate_display, plate_normalize
from magnesium_exchange.warehouses.services.receipt_steps import check_transition, lock_rows
from magnesium_exchange.warehouses.services.tickets import user_of
from meidu.accounts.phone import InvalidPhone, normalize_cn_mobile
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.money import to_decimal
from meidu.core.validation import decimal_refusal, text_refusal

MAX_SLOTS_PER_PUBLISH = 48
MAX_RECEIPTS_PER_TRUCK = 20
MAX_DAYS_AHEAD = 60
MAX_SLOT_TRUCKS = 500
MAX_SLOT_TONNES = Decimal("100000")


# --- input ---------------------------------------------------------------------------------------


def plate_clean(value) -> str:
    plate = plate_normalize(value)
    if plate is None:
        raise DomainError(
            _("Enter a Chinese vehicle plate, such as 辽H12345 or 辽H·D12345"), Code.INVALID_PLATE, field="plate"
        )
    return plate


def _driver_name(value) -> str:
    name = (value or "").strip() if isinstance(value, str) else ""
    if not name:
        raise DomainError(_("Give the driver's name"), Code.REQUIRED, field="driverName")
    refusal = text_refusal(name, max_length=40, name=True)
    if refusal:
        raise DomainError(str(refusal), Code.INVALID, field="driverName")
    return name


def _driver_phone(value) -> str:
    if not isinstance(value, str) or len(value) > 32:
        raise DomainError(_("Enter the driver's mobile number"), Code.INVALID_PHONE, field="driverPhone")
    try:
        return normalize_cn_mobile(value)
    except InvalidPhone:
        raise DomainError(
            _("Enter the driver's mainland China mobile number (11 digits)"), Code.INVALID_PHONE, field="driverPhone"
        ) from None


def _capacity(trucks, tonnes) -> tuple[int, Decimal]:
    if isinstance(trucks, bool) or not isinstance(trucks, int) or not 0 < trucks <= MAX_SLOT_TRUCKS:
        raise DomainError(
            _("A slot takes between 1 and %(most)d trucks") % {"most": MAX_SLOT_TRUCKS},
            Code.INVALID_CAPACITY,
            field="capacityTrucks",
        )
    try:
        amount = to_decimal(tonnes)
    except (TypeError, ValueError):
        amount = None
    if amount is None or decimal_refusal(amount) or not 0 < amount <= MAX_SLOT_TONNES or amount != round(amount, 3):
        raise DomainError(
            _("Enter the slot's capacity in tonnes: more than 0, at most %(most)s, three decimals at most")
            % {"most": MAX_SLOT_TONNES},
            Code.INVALID_CAPACITY,
            field="capacityTonnes",
        )
    return trucks, amount.quantize(Decimal("0.001"))


# --- events --------------------------------------------------------------------------------------


def _transition(appointment: TruckAppointment, action: str, *, actor, data: dict | None = None) -> TruckAppointment:
    """Move a locked appointment through ``action`` (refused unless TRANSITIONS allows it) and record
    the event row with who and when."""
    allowed, target = TRANSITIONS[action]
    if appointment.state not in allowed:
        raise DomainError(
            _("This appointment is %(state)s") % {"state": AppointmentState(appointment.state).label},
            Code.INVALID_TRANSITION,
            field="appointment",
        )
    previous = appointment.state
    appointment.state = target
    appointment.save(update_fields=["state", "updated_at"])
    if target not in LIVE:
        appointment.lines.filter(live=True).update(live=False)
    TruckAppointmentEvent.objects.create(
        appointment=appointment,
        action=action,
        from_state=previous,
        to_state=target,
        actor=user_of(actor),
        data=data or {},
    )
    audit_record(
        f"exchange.truck_appointment_{action}",
        actor=actor,
        target=appointment,
        data={"from": previous, "to": target, **(data or {})},
    )
    return appointment


def _lock_appointment(appointment: TruckAppointment) -> TruckAppointment:
    return TruckAppointment.objects.select_for_update(of=("self",)).select_related("slot").get(pk=appointment.pk)


# --- slots ---------------------------------------------------------------------------------------


def truck_slots_publish(
    warehouse: Warehouse,
    *,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    length_minutes: int,
    capacity_trucks: int,
    capacity_tonnes,
    actor=None,
    now: dt.datetime | None = None,
) -> list[TruckSlot]:
    """Publish the slots of ``day`` from ``start`` to ``end``, each ``length_minutes`` long, each taking
    ``capacity_trucks`` trucks and ``capacity_tonnes`` tonnes. Refused (nothing written): a day past or
    too far ahead (SLOT_PAST, INVALID_TIME), end not after start or a length that does not divide the
    span (INVALID_TIME), bad capacities (INVALID_CAPACITY), a slot overlapping a published one
    (SLOT_OVERLAP). Lock order: the warehouse row."""
    now = timezone.localtime(now or timezone.now())
    trucks, tonnes = _capacity(capacity_trucks, capacity_tonnes)
    if not isinstance(day, dt.date) or not isinstance(start, dt.time) or not isinstance(end, dt.time):
        raise DomainError(_("Give the day, the first start and the last end"), Code.INVALID_TIME, field="date")
    if isinstance(length_minutes, bool) or not isinstance(length_minutes, int) or not 15 <= length_minutes <= 720:
        raise DomainError(_("A slot lasts 15 to 720 minutes"), Code.INVALID_TIME, field="lengthMinutes")
    begin, finish = dt.datetime.combine(day, start), dt.datetime.combine(day, end)
    span = (finish - begin).total_seconds() / 60
    if span <= 0:
        raise DomainError(_("The last slot must end after the first starts"), Code.INVALID_TIME, field="end")
    if span % length_minutes:
        raise DomainError(
            _("The hours from start to end must divide into slots of %(minutes)d minutes")
            % {"minutes": length_minutes},
            Code.INVALID_TIME,
            field="lengthMinutes",
        )
    count = int(span // length_minutes)
    if count > MAX_SLOTS_PER_PUBLISH:
        raise DomainError(
            _("At most %(most)d slots at once") % {"most": MAX_SLOTS_PER_PUBLISH}, Code.INVALID_TIME, field="end"
        )
    if timezone.make_aware(begin) <= now:
        raise DomainError(_("The slots must start in the future"), Code.SLOT_PAST, field="date")
    if day > now.date() + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(
            _("Slots are published at most %(days)d days ahead") % {"days": MAX_DAYS_AHEAD},
            Code.INVALID_TIME,
            field="date",
        )
    if not warehouse.is_active:
        raise DomainError(_("The warehouse is not active"), Code.WAREHOUSE_INACTIVE, field="warehouse")
    step = dt.timedelta(minutes=length_minutes)
    windows = [((begin + i * step).time(), (begin + (i + 1) * step).time()) for i in range(count)]
    with transaction.atomic():
        Warehouse.objects.select_for_update().get(pk=warehouse.pk)
        clash = TruckSlot.objects.filter(warehouse=warehouse, date=day, start_time__lt=end, end_time__gt=start).first()
        if clash is not None:
            raise DomainError(
                _("A slot from %(start)s to %(end)s is already published that day")
                % {"start": f"{clash.start_time:%H:%M}", "end": f"{clash.end_time:%H:%M}"},
                Code.SLOT_OVERLAP,
                field="start",
            )
        slots = TruckSlot.objects.bulk_create(
            [
                TruckSlot(
                    warehouse=warehouse,
                    date=day,
                    start_time=s,
                    end_time=e,
                    capacity_trucks=trucks,
                    capacity_tonnes=tonnes,
                    published_by=user_of(actor),
                )
                for s, e in windows
            ]
        )
        audit_record(
            "exchange.truck_slots_publish",
            actor=actor,
            target=warehouse,
            data={"date": day.isoformat(), "slots": len(slots), "trucks": trucks, "tonnes": str(tonnes)},
        )
    return slots


# --- booking -------------------------------------------------------------------------------------


def _receipt_withdrawable(receipt: Receipt, member) -> None:
    """The custody checks of a withdrawal: the member holds it, and it is active (not listed, pledged,
    frozen or closed) with no encumbrance."""
    if receipt.holder_id != member.pk:
        raise DomainError(
            _("Receipt %(number)s is not your member's") % {"number": receipt.number},
            Code.RECEIPT_NOT_YOURS,
            field="receipts",
        )
    check_transition(receipt, "withdraw")
    if receipt.encumbrance:
        raise DomainError(_("The receipt is pledged"), Code.RECEIPT_PLEDGED, field="receipts")


def truck_appointment_book(
    *,
    member,
    slot: TruckSlot,
    receipts: list[Receipt],
    plate,
    driver_name,
    driver_phone,
    actor=None,
    now: dt.datetime | None = None,
) -> TruckAppointment:
    """Book one truck into ``slot`` to take out the goods of ``receipts`` (the member's own, at the slot's
    warehouse, active and unencumbered, held by no other live booking). The slot must not have ended
    and must have a truck's place and the receipts' tonnes free. Refused with a code, nothing written.
    Lock order: the slot row, the receipts' rows (by id), then stale bookings of those receipts."""
    now = now or timezone.now()
    plate = plate_clean(plate)
    name, phone = _driver_name(driver_name), _driver_phone(driver_phone)
    if not receipts:
        raise DomainError(_("Choose the receipts to take out"), Code.REQUIRED, field="receipts")
    if len(receipts) > MAX_RECEIPTS_PER_TRUCK:
        raise DomainError(
            _("At most %(most)d receipts per truck") % {"most": MAX_RECEIPTS_PER_TRUCK}, Code.INVALID, field="receipts"
        )
    if len({receipt.pk for receipt in receipts}) != len(receipts):
        raise DomainError(_("A receipt is named twice"), Code.INVALID, field="receipts")
    if member.status != MemberStatus.ACTIVE:
        raise DomainError(_("Your member is not active on the exchange"), Code.MEMBER_NOT_ACTIVE, field="member")
    with transaction.atomic():
        slot = TruckSlot.objects.select_for_update(of=("self",)).select_related("warehouse").get(pk=slot.pk)
        if now >= slot.ends_at:
            raise DomainError(_("This slot is over: choose a later one"), Code.SLOT_PAST, field="slot")
        if not slot.warehouse.is_active:
            raise DomainError(_("The warehouse is not active"), Code.WAREHOUSE_INACTIVE, field="slot")
        locked = lock_rows(sorted(receipts, key=lambda receipt: receipt.pk))
        for receipt in locked:
            if receipt.warehouse_id != slot.warehouse_id:
                raise DomainError(
                    _("Receipt %(number)s is kept at another warehouse") % {"number": receipt.number},
                    Code.WRONG_WAREHOUSE,
                    field="receipts",
                )
            _receipt_withdrawable(receipt, member)
        _release_stale_bookings(locked, now)
        held = TruckAppointmentReceipt.objects.filter(receipt__in=locked, live=True).select_related("receipt").first()
        if held is not None:
            raise DomainError(
                _("Receipt %(number)s already has a truck booked") % {"number": held.receipt.number},
                Code.RECEIPT_ALREADY_BOOKED,
                field="receipts",
            )
        tonnes = sum((receipt.quantity for receipt in locked), Decimal(0))
        if slot.booked_trucks + 1 > slot.capacity_trucks or slot.booked_tonnes + tonnes > slot.capacity_tonnes:
            raise DomainError(
                _("This slot is full: %(trucks)d trucks and %(tonnes)s t free, choose another")
                % {"trucks": max(slot.free_trucks, 0), "tonnes": max(slot.free_tonnes, Decimal(0))},
                Code.SLOT_FULL,
                field="slot",
            )
        TruckSlot.objects.filter(pk=slot.pk).update(
            booked_trucks=F("booked_trucks") + 1, booked_tonnes=F("booked_tonnes") + tonnes
        )
        appointment = TruckAppointment.objects.create(
            slot=slot,
            warehouse=slot.warehouse,
            member=member,
            plate=plate,
            driver_name=name,
            driver_phone=phone,
            tonnes=tonnes,
            booked_by=user_of(actor),
        )
        TruckAppointmentReceipt.objects.bulk_create(
            [
                TruckAppointmentReceipt(appointment=appointment, receipt=receipt, quantity=receipt.quantity)
                for receipt in locked
            ]
        )
        TruckAppointmentEvent.objects.create(
            appointment=appointment,
            action="book",
            to_state=AppointmentState.BOOKED,
            actor=user_of(actor),
            data={"receipts": [receipt.number for receipt in locked], "plate": plate},
        )
        audit_record(
            "exchange.truck_appointment_book",
            actor=actor,
            target=appointment,
            data={"slot": slot.pk, "plate": plate, "tonnes": str(tonnes)},
        )
    return appointment


def _release_stale_bookings(receipts: list[Receipt], now: dt.datetime) -> None:
    """Bookings of these receipts whose window has passed read as no-shows: record them so (the beat
    job would), which frees the receipts for a new booking."""
    stale = (
        TruckAppointment.objects.filter(lines__receipt__in=receipts, lines__live=True, state=AppointmentState.BOOKED)
        .select_related("slot")
        .distinct()
    )
    for appointment in stale:
        if appointment.state_at(now) == AppointmentState.NO_SHOW:
            _no_show(_lock_appointment(appointment), now)


def truck_appointment_cancel(appointment: TruckAppointment, *, member, actor=None, now=None) -> TruckAppointment:
    """The member's trader cancels a booking before its slot starts; the slot's place and tonnes are
    free again. Refused: another member's (NOT_YOUR_APPOINTMENT), not booked (INVALID_TRANSITION), the
    slot already started (TOO_LATE_TO_CANCEL). Lock order: the slot row, then the appointment row."""
    now = now or timezone.now()
    if appointment.member_id != member.pk:
        raise DomainError(_("This appointment is not your member's"), Code.NOT_YOUR_APPOINTMENT, field="appointment")
    with transaction.atomic():
        slot = TruckSlot.objects.select_for_update().get(pk=appointment.slot_id)
        appointment = _lock_appointment(appointment)
        if appointment.state == AppointmentState.BOOKED and now >= slot.starts_at:
            raise DomainError(
                _("The slot has started: an appointment can be cancelled only before it"),
                Code.TOO_LATE_TO_CANCEL,
                field="appointment",
            )
        _transition(appointment, "cancel", actor=actor)
        TruckSlot.objects.filter(pk=slot.pk).update(
            booked_trucks=F("booked_trucks") - 1, booked_tonnes=F("booked_tonnes") - appointment.tonnes
        )
    return appointment


# --- the gate ------------------------------------------------------------------------------------


def truck_appointment_arrive(
    warehouse: Warehouse, *, plate, actor=None, now: dt.datetime | None = None
) -> TruckAppointment:
    """Check a truck in at the gate by its plate: its booking at this warehouse whose slot window (give
    or take the grace) holds ``now`` becomes arrived. Refused: a malformed plate (INVALID_PLATE); a
    booking of that truck only at another warehouse (WRONG_WAREHOUSE) or at another time
    (OUTSIDE_SLOT_WINDOW, naming the slot); none at all (NO_APPOINTMENT); goods that are no longer
    the member's or no longer free (the receipt codes). Lock order: its receipts' rows, then the
    appointment row."""
    now = now or timezone.now()
    plate = plate_clean(plate)
    grace = arrival_grace()
    booked = list(
        TruckAppointment.objects.filter(plate=plate, state=AppointmentState.BOOKED)
        .select_related("slot", "warehouse")
        .order_by("slot__date", "slot__start_time")
    )
    here = [a for a in booked if a.warehouse_id == warehouse.pk]
    due = [a for a in here if a.slot.starts_at - grace <= now <= a.slot.ends_at + grace]
    if not due:
        shown = {"plate": plate_display(plate)}
        if here:
            slot = next((a.slot for a in here if a.slot.ends_at + grace >= now), here[-1].slot)
            raise DomainError(
                _("Truck %(plate)s is booked for %(date)s %(start)s-%(end)s, not now")
                % {**shown, "date": slot.date, "start": f"{slot.start_time:%H:%M}", "end": f"{slot.end_time:%H:%M}"},
                Code.OUTSIDE_SLOT_WINDOW,
                field="plate",
            )
        if booked:
            raise DomainError(
                _("Truck %(plate)s is booked at another warehouse (%(warehouse)s)")
                % {**shown, "warehouse": booked[0].warehouse.name},
                Code.WRONG_WAREHOUSE,
                field="plate",
            )
        raise DomainError(_("Truck %(plate)s has no booking here") % shown, Code.NO_APPOINTMENT, field="plate")
    with transaction.atomic():
        # Receipts before the appointment, as the withdrawal locks them (a booking's receipts never change).
        receipts = [line.receipt for line in due[0].lines.filter(live=True).select_related("receipt")]
        locked = lock_rows(sorted(receipts, key=lambda receipt: receipt.pk))
        appointment = _lock_appointment(due[0])
        for receipt in locked:
            _receipt_withdrawable(receipt, appointment.member)
        _transition(appointment, "arrive", actor=actor, data={"at": now.isoformat()})
    return appointment


# --- the outbound weighing (called by supervision.receipt_withdraw) --------------------------------


def truck_line_for_withdrawal(
    receipt: Receipt, vehicle_plate: str, now=None
) -> tuple[TruckAppointmentReceipt | None, str]:
    """Inside the withdrawal's transaction, after the receipt row is locked: the live appointment line
    holding ``receipt`` (locked), and the plate to print on the ticket. A receipt with a booking goes
    out only on that booking's truck, after it checked in (TRUCK_NOT_ARRIVED, WRONG_TRUCK); a plate
    typed for it must be that truck's. A booking that reads as a no-show holds nothing."""
    line = (
        TruckAppointmentReceipt.objects.select_for_update(of=("self",))
        .select_related("appointment__slot")
        .filter(receipt=receipt, live=True)
        .first()
    )
    if line is None:
        return None, vehicle_plate
    appointment = _lock_appointment(line.appointment)
    line.appointment = appointment
    if appointment.state_at(now or timezone.now()) == AppointmentState.NO_SHOW:
        _no_show(appointment, now or timezone.now())
        return None, vehicle_plate
    if appointment.state == AppointmentState.BOOKED:
        raise DomainError(
            _("Truck %(plate)s is booked for this receipt but has not checked in at the gate")
            % {"plate": plate_display(appointment.plate)},
            Code.TRUCK_NOT_ARRIVED,
            field="vehicle_plate",
        )
    typed = (vehicle_plate or "").strip()
    if typed and plate_normalize(typed) != appointment.plate:
        raise DomainError(
            _("This receipt goes out on truck %(plate)s only") % {"plate": plate_display(appointment.plate)},
            Code.WRONG_TRUCK,
            field="vehicle_plate",
        )
    return line, appointment.plate


def truck_line_weighed(line: TruckAppointmentReceipt, ticket: WeighbridgeTicket, *, actor=None) -> None:
    """Record the outbound ticket on the appointment; the appointment is completed once every receipt
    it came for is weighed out, loading until then."""
    line.outbound_ticket = ticket
    line.save(update_fields=["outbound_ticket"])
    appointment = line.appointment
    remaining = appointment.lines.filter(outbound_ticket__isnull=True).exists()
    _transition(
        appointment,
        "load" if remaining else "complete",
        actor=actor,
        data={"receipt": line.receipt.number, "ticket": ticket.number, "net": str(ticket.net)},
    )


# --- no-shows ------------------------------------------------------------------------------------


def _no_show(appointment: TruckAppointment, now) -> None:
    _transition(appointment, "no_show", actor=None, data={"at": now.isoformat()})


def truck_appointments_no_show_due(now: dt.datetime | None = None) -> int:
    """Mark every booking whose slot ended more than the grace ago without its truck a no-show (the
    beat job; idempotent). Lock order per booking: the slot row, then the appointment row; a booking
    locked by someone else right now is left for the next run. Returns how many were marked."""
    now = now or timezone.now()
    cutoff = timezone.localtime(now - arrival_grace())
    candidates = TruckAppointment.objects.filter(
        state=AppointmentState.BOOKED, slot__date__lte=cutoff.date()
    ).select_related("slot")
    marked = 0
    for candidate in candidates:
        if candidate.state_at(now) != AppointmentState.NO_SHOW:
            continue
        with transaction.atomic():
            TruckSlot.objects.select_for_update().get(pk=candidate.slot_id)
            appointment = (
                TruckAppointment.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("slot")
                .filter(pk=candidate.pk, state=AppointmentState.BOOKED)
                .first()
            )
            if appointment is None:
                continue
            _no_show(appointment, now)
            marked += 1
    return marked
