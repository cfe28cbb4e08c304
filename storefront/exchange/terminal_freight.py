"""The trader terminal's bulk freight: my truck appointments (state, slot, receipts, the outbound
tickets once weighed; cancel before the slot) and booking a truck to take out a receipt's goods.
Each action calls one freight service; refusals come back as form messages and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from magnesium_exchange.warehouses.models import AppointmentState
from magnesium_exchange.warehouses.selectors import (
    truck_appointment_get,
    truck_appointment_list,
    truck_appointments_by_receipt,
    truck_slots_bookable,
)
from magnesium_exchange.warehouses.services import truck_appointment_book, truck_appointment_cancel
from meidu.core.errors import DomainError
from storefront.exchange.freight_forms import TruckBookForm
from storefront.exchange.terminal_access import granted, with_trader
from storefront.exchange.terminal_errors import add_terminal_errors, error_messages
from storefront.exchange.terminal_views import free_receipts

APPOINTMENTS_SHOWN = 100


@with_trader
@require_safe
def freight_page(request, trader):
    now = timezone.now()
    appointments = list(
        truck_appointment_list(member=trader.member).order_by("-slot__date", "-slot__start_time")[:APPOINTMENTS_SHOWN]
    )
    rows = [
        {
            "appointment": a,
            "state": a.state_at(now),
            "may_cancel": a.state == AppointmentState.BOOKED and now < a.slot.starts_at,
        }
        for a in appointments
    ]
    return render(
        request,
        "exchange/terminal/freight.html",
        {"trader": trader, "member": trader.member, "rows": rows, "states": AppointmentState, "tab": "freight"},
    )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def freight_book(request, trader):
    free = free_receipts(trader.member)
    booked = truck_appointments_by_receipt(free.values_list("pk", flat=True))  # one truck per receipt
    receipts = free.exclude(pk__in=list(booked))
    warehouse_ids = set(receipts.values_list("warehouse_id", flat=True))
    form = TruckBookForm(
        request.POST or None,
        receipts=receipts,
        slots=truck_slots_bookable(warehouse_ids),
        initial={"receipt": request.GET.get("receipt")},
    )
    if request.method == "POST" and granted(request, trader, "can_settle") and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = truck_appointment_book(
                member=trader.member,
                slot=data["slot"],
                receipts=[data["receipt"]],
                plate=data["plate"],
                driver_name=data["driver_name"],
                driver_phone=data["driver_phone"],
                actor=request.user,
            )
        except DomainError as exc:
            add_terminal_errors(
                form, exc, {"receipts": "receipt", "driverName": "driver_name", "driverPhone": "driver_phone"}
            )
        else:
            slot = appointment.slot
            messages.success(
                request,
                _("Truck %(plate)s booked at %(warehouse)s on %(date)s %(start)s-%(end)s for receipt %(number)s.")
                % {
                    "plate": appointment.plate_display,
                    "warehouse": slot.warehouse.name,
                    "date": f"{slot.date:%Y-%m-%d}",
                    "start": f"{slot.start_time:%H:%M}",
                    "end": f"{slot.end_time:%H:%M}",
                    "number": data["receipt"].number,
                },
            )
            return redirect("exchange:terminal_freight")
    return render(
        request,
        "exchange/terminal/freight_book.html",
        {"trader": trader, "member": trader.member, "form": form, "tab": "freight"},
    )


@with_trader
@require_POST
def freight_cancel(request, trader, pk):
    appointment = truck_appointment_get(pk)
    if appointment is None or appointment.member_id != trader.member_id:
        raise Http404("No such appointment")
    if granted(request, trader, "can_settle"):
        try:
            truck_appointment_cancel(appointment, member=trader.member, actor=request.user)
        except DomainError as exc:
            for message in error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(
                request, _("Appointment of truck %(plate)s cancelled.") % {"plate": appointment.plate_display}
            )
    return redirect("exchange:terminal_freight")
