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

from magnesium_exchange.warehouses.models import AppointmentState
from magnesium_exchange.warehouses.selectors import truck_appointment_list, truck_slot_list
from magnesium_exchange.warehouses.services import truck_appointment_arrive, truck_slots_publish
from storefront.exchange.freight_forms import SlotsPublishForm, TruckArriveForm
from storefront.exchange.warehouse_desk import desk_form_page, desk_submit

SLOTS_SHOWN = 200


def _day(request) -> dt.date:
    text = request.GET.get("date") or ""
    try:
        return parse_date(text) or timezone.localdate()
    except ValueError:
        return timezone.localdate()


@desk_form_page
def trucks_page(request, warehouse):
    day = _day(request)
    form = TruckArriveForm(request.POST or None)

    def arrive(data):
        return truck_appointment_arrive(warehouse, plate=data["plate"], actor=request.user)

    def arrived(appointment):
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

    answer = desk_submit(request, form, arrive, arrived)
    if answer is not None:
        return answer
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


@desk_form_page
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

    def publish(data):
        return truck_slots_publish(
            warehouse,
            day=data["date"],
            start=data["start"],
            end=data["end"],
            length_minutes=data["length_minutes"],
            capacity_trucks=data["capacity_trucks"],
            capacity_tonnes=data["capacity_tonnes"],
            actor=request.user,
        )

    def published(slots):
        day = form.cleaned_data["date"]
        messages.success(
            request, _("%(count)d slots published for %(date)s.") % {"count": len(slots), "date": f"{day:%Y-%m-%d}"}
        )
        return redirect("exchange:warehouse_slots", code=warehouse.code)

    fields = {
        "lengthMinutes": "length_minutes",
        "capacityTrucks": "capacity_trucks",
        "capacityTonnes": "capacity_tonnes",
    }
    answer = desk_submit(request, form, publish, published, fields)
    if answer is not None:
        return answer
    slots = list(truck_slot_list(warehouse=warehouse, upcoming=True)[:SLOTS_SHOWN])
    return render(
        request,
        "exchange/warehouse/slots.html",
        {"warehouse": warehouse, "form": form, "slots": slots, "limit": SLOTS_SHOWN},
    )
