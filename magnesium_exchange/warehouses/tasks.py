"""Beat tasks of the warehouses: thin, idempotent, each calls one service (see README "Periodic jobs")."""

from __future__ import annotations

from celery import shared_task
from django.utils.dateparse import parse_datetime

from magnesium_exchange.warehouses.services.freight import truck_appointments_no_show_due as _no_show_due


@shared_task(name="magnesium_exchange.warehouses.tasks.truck_appointments_no_show_due")
def truck_appointments_no_show_due(now=None) -> int:
    """Beat (every 5 minutes): bookings whose slot and arrival grace have passed without the truck
    become no-shows. Returns how many were marked."""
    moment = parse_datetime(now) if isinstance(now, str) else now
    return _no_show_due(moment)
