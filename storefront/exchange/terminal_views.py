"""The trader terminal: the overview (funds, my receipts, the market) and the listing board (挂牌 /
摘牌): pick a listing, list one of my receipts, withdraw my listing. Each action calls one trading
service; refusals come back as form messages and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from magnesium_exchange.commodities.selectors import grades_for_trading
from magnesium_exchange.financing.selectors import margin_call_list_open_for_member
from magnesium_exchange.marketdata.selectors import daily_bar_series, market_grade_summaries
from magnesium_exchange.members.selectors import member_balances
from magnesium_exchange.trading.models import ListingStatus, Side
from magnesium_exchange.trading.selectors import listing_list, listing_search
from magnesium_exchange.trading.services import listing_open, listing_pick, listing_withdraw
from magnesium_exchange.warehouses.models import ReceiptStatus
from magnesium_exchange.warehouses.selectors import receipt_list
from meidu.core.errors import DomainError
from storefront.exchange.price_chart import price_chart
from storefront.exchange.terminal_access import granted, with_trader
from storefront.exchange.terminal_errors import add_terminal_errors, error_messages
from storefront.exchange.terminal_forms import ListingCreateForm, ListingSearchForm, PickForm

LIVE_RECEIPTS = (ReceiptStatus.ACTIVE, ReceiptStatus.LISTED, ReceiptStatus.PLEDGED, ReceiptStatus.FROZEN)
LISTINGS_SHOWN = 200
CHART_DAYS = 30


def my_receipts(member):
    return receipt_list(holder=member, statuses=LIVE_RECEIPTS).order_by("grade_id", "-id")


def free_receipts(member, grade=None):
    """The member's receipts it may offer now (listing, auction, request for quote), by grade (of ``grade``
    only, when given)."""
    return receipt_list(holder=member, status=ReceiptStatus.ACTIVE, grade=grade).order_by("grade_id", "-id")


@with_trader
@require_safe
def overview(request, trader):
    member = trader.member
    return render(
        request,
        "exchange/terminal/overview.html",
        {
            "trader": trader,
            "member": member,
            "funds": member_balances(member),
            "receipts": list(my_receipts(member)),
            "summaries": market_grade_summaries(timezone.localdate()),
            "now": timezone.now(),
            "tab": "overview",
            "margin_calls": list(margin_call_list_open_for_member(member)),
        },
    )


def _open_sell_listings(grade=None):
    qs = listing_list(grade=grade, status=ListingStatus.OPEN, side=Side.SELL)
    return qs.order_by("grade__commodity_id", "-grade__rank", "price", "id")


@with_trader
@require_safe
def board(request, trader):
    grades = list(grades_for_trading())
    grade = next((g for g in grades if g.code == request.GET.get("grade")), None)
    search = ListingSearchForm(request.GET or None)
    if search.searching():
        found = search.cleaned_data
        listings = list(
            listing_search(
                found["q"],
                mgo_min=found["mgo_min"],
                sio2_max=found["sio2_max"],
                warehouse_code=found["warehouse"],
                price_max=found["price_max"],
            )[:LISTINGS_SHOWN]
        )
    else:
        listings = list(_open_sell_listings(grade)[:LISTINGS_SHOWN])
    chart = None
    if grade is not None:
        today = timezone.localdate()
        chart = price_chart(daily_bar_series([grade.pk], CHART_DAYS, today)[grade.pk], today, CHART_DAYS)
    return render(
        request,
        "exchange/terminal/board.html",
        {
            "trader": trader,
            "member": trader.member,
            "grades": grades,
            "grade": grade,
            "listings": listings,
            "limit": LISTINGS_SHOWN,
            "chart": chart,
            "chart_days": CHART_DAYS,
            "tab": "board",
            "search": search,
            "searching": search.is_bound and search.is_valid() and search.searching(),
        },
    )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def listing_page(request, trader, pk):
    listing = get_object_or_404(listing_list(), pk=pk)
    mine = listing.owner_id == trader.member_id
    form = PickForm(request.POST or None, initial={"quantity": listing.min_pick})
    if request.method == "POST" and granted(request, trader, "can_trade") and form.is_valid():
        try:
            trade = listing_pick(
                listing, member=trader.member, quantity=form.cleaned_data["quantity"], actor=request.user
            )
        except DomainError as exc:
            add_terminal_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Picked %(quantity)s t of %(grade)s at %(price)s yuan/t from %(seller)s: deposit "
                    "%(deposit)s yuan frozen, balance due by %(due)s."
                )
                % {
                    "quantity": trade.quantity,
                    "grade": listing.grade.name,
                    "price": trade.price,
                    "seller": trade.seller.name,
                    "deposit": trade.deposit,
                    "due": timezone.localtime(trade.settlement_due_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect("exchange:terminal_trades")
    return render(
        request,
        "exchange/terminal/listing.html",
        {
            "trader": trader,
            "member": trader.member,
            "listing": listing,
            "mine": mine,
            "form": form,
            "can_pick": listing.status == ListingStatus.OPEN and listing.side == Side.SELL and not mine,
            "tab": "board",
        },
    )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def listing_create(request, trader):
    receipts = free_receipts(trader.member)
    form = ListingCreateForm(request.POST or None, receipts=receipts, initial={"receipt": request.GET.get("receipt")})
    if request.method == "POST" and granted(request, trader, "can_trade") and form.is_valid():
        data = form.cleaned_data
        receipt = data["receipt"]
        try:
            listing = listing_open(
                member=trader.member,
                grade=receipt.grade,
                price=data["price"],
                receipts=[receipt],
                min_pick=data["min_pick"],
                step=data["step"],
                actor=request.user,
            )
        except DomainError as exc:
            add_terminal_errors(form, exc, {"receipts": "receipt", "minPick": "min_pick"})
        else:
            messages.success(
                request,
                _("Receipt %(number)s listed: %(quantity)s t of %(grade)s at %(price)s yuan/t.")
                % {
                    "number": receipt.number,
                    "quantity": listing.quantity,
                    "grade": receipt.grade.name,
                    "price": listing.price,
                },
            )
            return redirect("exchange:terminal_listing", pk=listing.pk)
    return render(
        request,
        "exchange/terminal/listing_new.html",
        {"trader": trader, "member": trader.member, "form": form, "tab": "board"},
    )


@with_trader
@require_POST
def listing_withdraw_view(request, trader, pk):
    listing = get_object_or_404(listing_list(), pk=pk)
    if granted(request, trader, "can_trade"):
        try:
            listing_withdraw(listing, member=trader.member, actor=request.user)
        except DomainError as exc:
            for message in error_messages(exc):
                messages.error(request, message)
        else:
            messages.success(request, _("Listing withdrawn; its receipts are unlocked."))
    return redirect("exchange:terminal_listing", pk=listing.pk)
