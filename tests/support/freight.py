"""Bulk-freight helpers shared by the service, API, page and browser tests: a day of truck slots at a
warehouse (published through the service) and a booking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from magnesium_exchange.warehouses.services import truck_appointment_book, truck_slots_publish

PLATE = "辽H12345"
DRIVER = {"driver_name": "张师傅", "driver_phone": "13904170001"}


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def publish_day(warehouse, *, day=None, trucks=2, tonnes="500.000", start="08:00", end="12:00", minutes=60, actor=None):
    """Slots of ``minutes`` from ``start`` to ``end`` on ``day`` (tomorrow), each ``trucks`` / ``tonnes``."""
    return truck_slots_publish(
        warehouse,
        day=day or tomorrow(),
        start=dt.time.fromisoformat(start),
        end=dt.time.fromisoformat(end),
        length_minutes=minutes,
        capacity_trucks=trucks,
        capacity_tonnes=Decimal(tonnes),
        actor=actor,
        now=timezone.make_aware(dt.datetime.combine((day or tomorrow()) - dt.timedelta(days=1), dt.time(7))),
    )


def book(member, slot, receipts, *, plate=PLATE, actor=None, now=None, **driver):
    return truck_appointment_book(
        member=member,
        slot=slot,
        receipts=list(receipts),
        plate=plate,
        actor=actor,
        now=now,
        **{**DRIVER, **driver},
    )
