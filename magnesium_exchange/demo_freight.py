"""Demo data of bulk freight: truck slots at the demo warehouse (DSQ01, where the demo warehouse
operator +8613800000008 works) for the rest of today and the next three days, and one booking of the
demo trader's firm: a 32 t truckload split off its smallest free receipt there, on truck 辽H·12345
tomorrow 09:00-10:00.

Runs after the exchange and financing steps (so the receipt chosen is one nobody else took) and
through the services; a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from magnesium_exchange.demo_firms import demo_credit_code
from magnesium_exchange.members.models import Member
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus, TruckAppointment, TruckSlot, Warehouse
from magnesium_exchange.warehouses.services import receipt_split, truck_appointment_book, truck_slots_publish

WAREHOUSE = "DSQ01"
DAYS_AHEAD = 3
FIRST, LAST = dt.time(8), dt.time(17)
TRUCKS_PER_SLOT, TONNES_PER_SLOT = 4, Decimal("160.000")
TRUCKLOAD = Decimal("32.000")
PLATE, DRIVER, DRIVER_PHONE = "辽H12345", "李建军", "13904171234"


def _publish(warehouse: Warehouse, day: dt.date, start: dt.time, end: dt.time) -> int:
    if start >= end or TruckSlot.objects.filter(warehouse=warehouse, date=day).exists():
        return 0
    slots = truck_slots_publish(
        warehouse,
        day=day,
        start=start,
        end=end,
        length_minutes=60,
        capacity_trucks=TRUCKS_PER_SLOT,
        capacity_tonnes=TONNES_PER_SLOT,
    )
    return len(slots)


def seed_freight_slots() -> int:
    warehouse = Warehouse.objects.filter(code=WAREHOUSE).first()
    if warehouse is None:
        return 0
    now = timezone.localtime()
    today = now.date()
    next_hour = (now + dt.timedelta(hours=1)).hour
    created = 0
    if now.hour < 22 and next_hour > now.hour:  # the rest of today, from the next full hour
        created += _publish(warehouse, today, max(FIRST, dt.time(next_hour)), dt.time(max(LAST.hour, next_hour + 1)))
    for offset in range(1, DAYS_AHEAD + 1):
        created += _publish(warehouse, today + dt.timedelta(days=offset), FIRST, LAST)
    return created


def seed_freight_appointment() -> int:
    warehouse = Warehouse.objects.filter(code=WAREHOUSE).first()
    member = Member.objects.filter(credit_code=demo_credit_code(1)).first()
    if warehouse is None or member is None or TruckAppointment.objects.filter(member=member).exists():
        return 0
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    slot = TruckSlot.objects.filter(warehouse=warehouse, date=tomorrow, start_time=dt.time(9)).first()
    receipt = (
        Receipt.objects.filter(holder=member, warehouse=warehouse, status=ReceiptStatus.ACTIVE, encumbrance="")
        .order_by("quantity", "id")
        .first()
    )
    if slot is None or receipt is None or receipt.quantity <= TRUCKLOAD:
        return 0
    load, _rest = receipt_split(receipt, [TRUCKLOAD, receipt.quantity - TRUCKLOAD])
    truck_appointment_book(
        member=member,
        slot=slot,
        receipts=[load],
        plate=PLATE,
        driver_name=DRIVER,
        driver_phone=DRIVER_PHONE,
    )
    return 1


FREIGHT_DEMO_STEPS = [
    ("truck slots at the demo warehouse for the next days", seed_freight_slots),
    ("a truck booked to take out a truckload of the demo trader's", seed_freight_appointment),
]
