"""Receipt pages. The verification page is public (a bank or buyer scans the QR code on the printed
receipt); the PDF is for the holder's traders, the warehouse's staff and operators."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from magnesium_exchange.members.selectors import trader_for_user
from magnesium_exchange.warehouses.models import receipt_event_label
from magnesium_exchange.warehouses.pdf import receipt_pdf
from magnesium_exchange.warehouses.selectors import is_warehouse_staff, receipt_get_by_number
from magnesium_exchange.warehouses.verification import receipt_verify
from meidu.core.permissions import ExchangePermissions


def _masked(name: str) -> str:
    """Holder names are shown masked to the public: the first two characters and the last one."""
    return name if len(name) <= 3 else name[:2] + "＊" * (len(name) - 3) + name[-1]


@require_safe
def receipt_verify_page(request, number):
    receipt = receipt_get_by_number(number)
    if receipt is None:
        return render(request, "exchange/receipt_verify.html", {"number": number, "receipt": None}, status=404)
    result = receipt_verify(receipt)
    events = list(receipt.events.order_by("seq").only("seq", "action", "occurred_at", "hash", "kid"))
    for event in events:
        event.label = receipt_event_label(event.action)
    return render(request, "exchange/receipt_verify.html", {
        "number": number, "receipt": receipt, "result": result, "events": events,
        "holder_masked": _masked(receipt.holder.name), "depositor_masked": _masked(receipt.depositor.name),
    })


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
