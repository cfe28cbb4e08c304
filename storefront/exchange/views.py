"""Receipt pages. The verification page is public (a bank or buyer scans the QR code on the printed
receipt, which carries the verification code, or types the number and the code): it shows the receipt's
masked signed statement (financing.statements); the PDF is for the holder's traders, the warehouse's
staff and operators."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from magnesium_exchange.financing.error_codes import ExchangeStatementErrorCode as StatementCode
from magnesium_exchange.financing.statements import receipt_statement_by_code
from magnesium_exchange.members.selectors import trader_for_user
from magnesium_exchange.warehouses.models import ReceiptStatus, receipt_event_label
from magnesium_exchange.warehouses.pdf import receipt_pdf
from magnesium_exchange.warehouses.selectors import (
    is_warehouse_staff,
    receipt_event_list_for_number,
    receipt_get_by_number,
)
from meidu.core.permissions import ExchangePermissions


def _verify_response(request, number: str, code: str):
    """The page of a receipt's masked statement when the number and code match; the form with a message
    otherwise. A wrong code and an unknown number read the same (no oracle), both 404."""
    context = {"number": number, "code": code, "jwks_url": reverse("jwks")}
    if not number or not code:
        context["missing"] = "code" if number else "number"
        return render(request, "exchange/receipt_verify.html", context)
    result = receipt_statement_by_code(number, code, viewer=None, address=request.META.get("REMOTE_ADDR"))
    if result.code is not None:
        context.update(refusal=result.message, refusal_code=result.code.value)
        status = (
            429 if result.code == StatementCode.THROTTLED else 400 if result.code != StatementCode.NOT_FOUND else 404
        )
        return render(request, "exchange/receipt_verify.html", context, status=status)
    claims = result.claims
    events = receipt_event_list_for_number(claims["receipt"]["number"])
    for event in events:
        event.label = receipt_event_label(event.action)
    status = claims["status"]
    context.update(
        statement=result.statement,
        claims=claims,
        events=events,
        number=claims["receipt"]["number"],
        status_label=ReceiptStatus(status).label if status in ReceiptStatus.values else status,
        signed_at=dt.datetime.fromtimestamp(claims["iat"], tz=dt.timezone.utc),
        issued_at=dt.datetime.fromisoformat(claims["receipt"]["issued_at"].replace("Z", "+00:00")),
    )
    return render(request, "exchange/receipt_verify.html", context)


@require_safe
def receipt_verify_page(request, number):
    """The QR's target: /exchange/receipts/<number>/verify/?code=<verification code>."""
    return _verify_response(request, (number or "").strip(), (request.GET.get("code") or "").strip())


@require_safe
def receipt_verify_form(request):
    """The same page from the form: number and code typed by hand."""
    return _verify_response(request, (request.GET.get("number") or "").strip(), (request.GET.get("code") or "").strip())


@login_required
@require_safe
def receipt_pdf_download(request, number):
    receipt = receipt_get_by_number(number)
    if receipt is None:
        raise Http404
    trader = trader_for_user(request.user)
    allowed = (
        (trader is not None and trader.member_id == receipt.holder_id)
        or is_warehouse_staff(request.user, receipt.warehouse_id)
        or request.user.has_perm(ExchangePermissions.MANAGE_EXCHANGE.value)
    )
    if not allowed:
        raise Http404  # do not tell others whose receipt this is
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{receipt.number}.pdf"'
    return response
