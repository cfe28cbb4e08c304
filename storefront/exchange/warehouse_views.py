"""The warehouse desk: weigh goods in, issue receipts from inbound tickets, release goods against
an outbound weighing, and see the warehouse's receipts. Each page calls one warehouses service and
shows its refusals as form messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from magnesium_exchange.warehouses.models import ReceiptStatus
from magnesium_exchange.warehouses.selectors import (
    receipt_get_for_ticket,
    receipt_get_in_warehouse,
    receipt_list,
    truck_appointments_by_receipt,
    weighbridge_ticket_get_inbound,
    weighbridge_ticket_list_pending,
)
from magnesium_exchange.warehouses.services import inbound_ticket_create, receipt_issue, receipt_withdraw
from storefront.exchange.forms import InboundTicketForm, ReceiptIssueForm, WithdrawForm
from storefront.exchange.warehouse_access import staff_warehouses, with_warehouse
from storefront.exchange.warehouse_desk import desk_form_page, desk_submit

RECEIPTS_SHOWN = 200


@login_required
@require_safe
def desk_home(request):
    warehouses = staff_warehouses(request.user)
    if not warehouses:
        raise PermissionDenied("You do not work at a supervised warehouse")
    if len(warehouses) == 1:
        return redirect("exchange:warehouse_receipts", code=warehouses[0].code)
    return render(request, "exchange/warehouse/home.html", {"warehouses": warehouses})


@with_warehouse
@require_safe
def receipts_page(request, warehouse):
    status = request.GET.get("status") or ""
    if status not in ReceiptStatus.values:
        status = ""
    receipts = list(receipt_list(warehouse=warehouse, status=status or None).order_by("-id")[:RECEIPTS_SHOWN])
    pending = weighbridge_ticket_list_pending(warehouse, limit=50)
    return render(
        request,
        "exchange/warehouse/receipts.html",
        {
            "warehouse": warehouse,
            "receipts": receipts,
            "pending_tickets": pending,
            "status": status,
            "statuses": ReceiptStatus.choices,
            "limit": RECEIPTS_SHOWN,
        },
    )


@desk_form_page
def inbound_page(request, warehouse):
    form = InboundTicketForm(request.POST or None)

    def record(data):
        return inbound_ticket_create(
            warehouse,
            commodity=data["commodity"],
            depositor=data["depositor"],
            gross=data["gross"],
            tare=data["tare"],
            net=data["net"],
            assay=form.assay(),
            vehicle_plate=data["vehicle_plate"],
            lot_no=data["lot_no"],
            inspection_ref=data["inspection_ref"],
            number=data["number"],
            actor=request.user,
        )

    def recorded(ticket):
        messages.success(
            request,
            _("Ticket %(number)s recorded: %(net)s t of %(grade)s.")
            % {"number": ticket.number, "net": ticket.net, "grade": ticket.grade.name},
        )
        return redirect("exchange:warehouse_issue", code=warehouse.code, ticket=ticket.number)

    answer = desk_submit(request, form, record, recorded, {"assay": None})
    return answer or render(request, "exchange/warehouse/inbound.html", {"warehouse": warehouse, "form": form})


@desk_form_page
def issue_page(request, warehouse, ticket):
    found = weighbridge_ticket_get_inbound(warehouse, ticket)
    if found is None:
        raise Http404("No such ticket")
    issued = receipt_get_for_ticket(found)
    form = ReceiptIssueForm(request.POST or None, initial={"pieces": int(found.net), "packaging": "吨袋"})

    def issue(data):
        text = {key: data[key] or "" for key in ("packaging", "marks", "location", "insurer", "insurance_policy_no")}
        return receipt_issue(
            found,
            pieces=data["pieces"],
            storage_until=data["storage_until"],
            insured_value=data["insured_value"],
            insurance_until=data["insurance_until"],
            actor=request.user,
            **text,
        )

    def issued_now(receipt):
        messages.success(
            request,
            _("Receipt %(number)s issued for %(quantity)s t.")
            % {"number": receipt.number, "quantity": receipt.quantity},
        )
        return redirect("exchange:warehouse_receipts", code=warehouse.code)

    answer = desk_submit(request, form, issue, issued_now)
    return answer or render(
        request,
        "exchange/warehouse/issue.html",
        {"warehouse": warehouse, "ticket": found, "issued": issued, "form": form},
    )


@desk_form_page
def withdraw_page(request, warehouse, number):
    receipt = receipt_get_in_warehouse(warehouse, number)
    if receipt is None:
        raise Http404("No such receipt")
    booking = truck_appointments_by_receipt([receipt.pk]).get(receipt.pk)  # goes out on its truck only
    form = WithdrawForm(request.POST or None, initial={"vehicle_plate": booking.plate if booking else ""})

    def withdraw(data):
        return receipt_withdraw(
            receipt,
            gross=data["gross"],
            tare=data["tare"],
            net=data["net"],
            vehicle_plate=data["vehicle_plate"],
            number=data["number"],
            actor=request.user,
        )

    def weighed_out(result):
        values = {"number": receipt.number, "net": result.ticket.net, "difference": result.difference}
        if result.within_tolerance:
            messages.success(request, _("Goods of receipt %(number)s released: %(net)s t weighed out.") % values)
        else:
            messages.error(
                request,
                _(
                    "Receipt %(number)s frozen: %(net)s t weighed out differs by %(difference)s t, "
                    "beyond the loss tolerance. The supervisor has been alerted."
                )
                % values,
            )
        return redirect("exchange:warehouse_receipts", code=warehouse.code)

    answer = desk_submit(request, form, withdraw, weighed_out)
    return answer or render(
        request,
        "exchange/warehouse/withdraw.html",
        {"warehouse": warehouse, "receipt": receipt, "form": form, "booking": booking},
    )
