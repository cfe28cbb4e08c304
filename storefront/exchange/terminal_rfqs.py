"""Negotiated deals on the terminal (协议交易): open a buying request for quote (询价求购) or offer one
of my receipts for quotes (询价求售) (rfq_open), quote on another member's request (quote_submit: a
seller's quote is backed by its receipts of the grade, a buyer's freezes its deposit) and accept a
quote on my own request (quote_accept, which makes the trade). Refusals come back as form messages
and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from magnesium_exchange.commodities.selectors import grades_for_trading
from magnesium_exchange.members.selectors import member_name_list
from magnesium_exchange.trading.models import ListingStatus, Side
from magnesium_exchange.trading.selectors import rfq_list
from magnesium_exchange.trading.services import quote_accept, quote_submit, rfq_open
from meidu.core.errors import DomainError
from storefront.exchange.terminal_access import granted, with_trader
from storefront.exchange.terminal_errors import add_terminal_errors, error_messages
from storefront.exchange.terminal_forms import QuoteForm, RfqOpenForm, SellRfqForm
from storefront.exchange.terminal_views import free_receipts

RFQS_SHOWN = 100


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def rfqs_page(request, trader):
    grades = grades_for_trading()
    form = RfqOpenForm(request.POST or None, grades=grades)
    if request.method == "POST" and granted(request, trader, "can_trade") and form.is_valid():
        data = form.cleaned_data
        try:
            rfq = rfq_open(
                member=trader.member,
                grade=data["grade"],
                side=Side.BUY.value,
                quantity=data["quantity"],
                expires_at=data["expires_at"],
                actor=request.user,
            )
        except DomainError as exc:
            add_terminal_errors(form, exc, {"expiresAt": "expires_at"})
        else:
            messages.success(
                request,
                _("Request for quote opened: %(quantity)s t of %(grade)s.")
                % {"quantity": rfq.quantity, "grade": data["grade"].name},
            )
            return redirect("exchange:terminal_rfq", pk=rfq.pk)
    rfqs = list(rfq_list(status=ListingStatus.OPEN).order_by("expires_at", "id")[:RFQS_SHOWN])
    return render(
        request,
        "exchange/terminal/rfqs.html",
        {"trader": trader, "member": trader.member, "form": form, "rfqs": rfqs, "tab": "board"},
    )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def rfq_sell_open(request, trader):
    """Offer one whole receipt for quotes; it is locked while the request is open."""
    receipts = free_receipts(trader.member)
    form = SellRfqForm(request.POST or None, receipts=receipts, initial={"receipt": request.GET.get("receipt")})
    if request.method == "POST" and granted(request, trader, "can_trade") and form.is_valid():
        data = form.cleaned_data
        receipt = data["receipt"]
        try:
            rfq = rfq_open(
                member=trader.member,
                grade=receipt.grade,
                side=Side.SELL.value,
                receipts=[receipt],
                expires_at=data["expires_at"],
                actor=request.user,
            )
        except DomainError as exc:
            add_terminal_errors(form, exc, {"expiresAt": "expires_at", "receipts": "receipt"})
        else:
            messages.success(
                request,
                _("Receipt offered for quotes: %(quantity)s t of %(grade)s.")
                % {"quantity": rfq.quantity, "grade": receipt.grade.name},
            )
            return redirect("exchange:terminal_rfq", pk=rfq.pk)
    return render(
        request,
        "exchange/terminal/rfq_sell_new.html",
        {"trader": trader, "member": trader.member, "form": form, "tab": "board"},
    )


def _quotes(rfq) -> list[dict]:
    names = member_name_list(int(q["quoter"]) for q in rfq.quotes)
    return [{**q, "quoter_name": names.get(int(q["quoter"]), "")} for q in rfq.quotes]


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def rfq_page(request, trader, pk):
    rfq = get_object_or_404(rfq_list(), pk=pk)
    mine = rfq.requester_id == trader.member_id
    form = QuoteForm(request.POST or None, initial={"quantity": rfq.remaining})
    can_quote = rfq.status == ListingStatus.OPEN and not mine
    if request.method == "POST" and can_quote and granted(request, trader, "can_trade") and form.is_valid():
        data = form.cleaned_data
        try:
            quote_submit(rfq, member=trader.member, price=data["price"], quantity=data["quantity"], actor=request.user)
        except DomainError as exc:
            add_terminal_errors(form, exc)
        else:
            messages.success(
                request,
                _("Quote sent: %(quantity)s t at %(price)s yuan/t.")
                % {"quantity": data["quantity"], "price": data["price"]},
            )
            return redirect("exchange:terminal_rfq", pk=rfq.pk)
    return render(
        request,
        "exchange/terminal/rfq.html",
        {
            "trader": trader,
            "member": trader.member,
            "rfq": rfq,
            "mine": mine,
            "form": form,
            "can_quote": can_quote,
            "quotes": _quotes(rfq),
            "tab": "board",
        },
    )


@with_trader
@require_POST
def quote_accept_view(request, trader, pk):
    rfq = get_object_or_404(rfq_list(), pk=pk)
    if granted(request, trader, "can_trade"):
        try:
            trade = quote_accept(
                rfq, member=trader.member, quote_id=request.POST.get("quote_id") or 0, actor=request.user
            )
        except (DomainError, ValueError) as exc:
            for message in error_messages(exc) if isinstance(exc, DomainError) else [_("No such quote.")]:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Quote accepted: %(quantity)s t at %(price)s yuan/t from %(seller)s; the balance is due by %(due)s.")
                % {
                    "quantity": trade.quantity,
                    "price": trade.price,
                    "seller": trade.seller.name,
                    "due": timezone.localtime(trade.settlement_due_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect("exchange:terminal_trades")
    return redirect("exchange:terminal_rfq", pk=rfq.pk)
