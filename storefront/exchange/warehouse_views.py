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
from django.views.decorators.http import require_http_methods, require_safe

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
from meidu.core.errors import DomainError
from storefront.exchange.errors import add_domain_errors
from storefront.exchange.forms import InboundTicketForm, ReceiptIssueForm, WithdrawForm
from storefront.exchange.warehouse_access import staff_warehouses, with_warehouse

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


@with_warehouse
@require_http_methods(["GET", "HEAD", "POST"])
def inbound_page(request, warehouse):
    form = InboundTicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = inbound_ticket_create(
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
        except DomainError as exc:
            add_domain_errors(form, exc, {"assay": None})
        else:
            messages.success(
                request,
                _("Ticket %(number)s recorded: %(net)s t of %(grade)s.")
                % {"number": ticket.number, "net": ticket.net, "grade": ticket.grade.name},
            )
            return redirect("exchange:warehouse_issue", code=warehouse.code, ticket=ticket.number)
    return render(request, "exchange/warehouse/inbound.html", {"warehouse": warehouse, "form": form})


@with_warehouse
@require_http_methods(["GET", "HEAD", "POST"])
def issue_page(request, warehouse, ticket):
    found = weighbridge_ticket_get_inbound(warehouse, ticket)
    if found is None:
        raise Http404("No such ticket")
    issued = receipt_get_for_ticket(found)
    form = ReceiptIssueForm(request.POST or None, initial={"pieces": int(found.net), "packaging": "吨袋"})
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items()}
        text = {key: data[key] or "" for key in ("packaging", "marks", "location", "insurer", "insurance_policy_no")}
        try:
            receipt = receipt_issue(
                found,
                pieces=data["pieces"],
                storage_until=data["storage_until"],
                insured_value=data["insured_value"],
                insurance_until=data["insurance_until"],
                actor=request.user,
                **text,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("Receipt %(number)s issued for %(quantity)s t.")
                % {"number": receipt.number, "quantity": receipt.quantity},
            )
            return redirect("exchange:warehouse_receipts", code=warehouse.code)
    return render(
        request,
        "exchange/warehouse/issue.html",
        {"warehouse": warehouse, "ticket": found, "issued": issued, "form": form},
    )


@with_warehouse
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_page(request, warehouse, number):
    receipt = receipt_get_in_warehouse(warehouse, number)
    if receipt is None:
        raise Http404("No such receipt")
    booking = truck_appointments_by_receipt([receipt.pk]).get(receipt.pk)  # goes out on its truck only
    form = WithdrawForm(request.POST or None, initial={"vehicle_plate": booking.plate if booking else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = receipt_withdraw(
                receipt,
                gross=data["gross"],
                tare=data["tare"],
                net=data["net"],
                vehicle_plate=data["vehicle_plate"],
                number=data["number"],
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
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
    return render(
        request,
        "exchange/warehouse/withdraw.html",
        {"warehouse": warehouse, "receipt": receipt, "form": form, "booking": booking},
    )
