"""The warehouse desk's trucks: the day's appointments (today by default), checking a truck in at
the gate by its plate, and publishing the slots trucks book. Each action calls one freight service
and shows its refusals as form messages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from magnesium_exchange.warehouses.models import AppointmentState
from magnesium_exchange.warehouses.selectors import truck_appointment_list, truck_slot_list
from magnesium_exchange.warehouses.services import truck_appointment_arrive, truck_slots_publish
from meidu.core.errors import DomainError
from storefront.exchange.errors import add_domain_errors
from storefront.exchange.freight_forms import SlotsPublishForm, TruckArriveForm
from storefront.exchange.warehouse_access import with_warehouse

SLOTS_SHOWN = 200


def _day(request) -> dt.date:
    text = request.GET.get("date") or ""
    try:
        return parse_date(text) or timezone.localdate()
    except ValueError:
        return timezone.localdate()


@with_warehouse
@require_http_methods(["GET", "HEAD", "POST"])
def trucks_page(request, warehouse):
    day = _day(request)
    form = TruckArriveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = truck_appointment_arrive(warehouse, plate=form.cleaned_data["plate"], actor=request.user)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("Truck %(plate)s checked in: driver %(driver)s, %(tonnes)s t to load for %(member)s.")
                % {
                    "plate": appointment.plate_display,
                    "driver": appointment.driver_name,
                    "tonnes": appointment.tonnes,
                    "member": appointment.member.name,
                },
            )
            return redirect("exchange:warehouse_trucks", code=warehouse.code)
    now = timezone.now()
    appointments = [
        {"appointment": a, "state": a.state_at(now)}
        for a in truck_appointment_list(warehouse=warehouse, day=day).order_by("slot__start_time", "id")
    ]
    return render(
        request,
        "exchange/warehouse/trucks.html",
        {
            "warehouse": warehouse,
            "form": form,
            "day": day,
            "rows": appointments,
            "states": AppointmentState,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
        },
    )


@with_warehouse
@require_http_methods(["GET", "HEAD", "POST"])
def slots_page(request, warehouse):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = SlotsPublishForm(
        request.POST or None,
        initial={
            "date": tomorrow,
            "start": dt.time(8),
            "end": dt.time(17),
            "length_minutes": 60,
            "capacity_trucks": 4,
            "capacity_tonnes": "200",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            slots = truck_slots_publish(
                warehouse,
                day=data["date"],
                start=data["start"],
                end=data["end"],
                length_minutes=data["length_minutes"],
                capacity_trucks=data["capacity_trucks"],
                capacity_tonnes=data["capacity_tonnes"],
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_errors(
                form,
                exc,
                {
                    "lengthMinutes": "length_minutes",
                    "capacityTrucks": "capacity_trucks",
                    "capacityTonnes": "capacity_tonnes",
                },
            )
        else:
            messages.success(
                request,
                _("%(count)d slots published for %(date)s.")
                % {"count": len(slots), "date": f"{data['date']:%Y-%m-%d}"},
            )
            return redirect("exchange:warehouse_slots", code=warehouse.code)
    slots = list(truck_slot_list(warehouse=warehouse, upcoming=True)[:SLOTS_SHOWN])
    return render(
        request,
        "exchange/warehouse/slots.html",
        {"warehouse": warehouse, "form": form, "slots": slots, "limit": SLOTS_SHOWN},
    )
