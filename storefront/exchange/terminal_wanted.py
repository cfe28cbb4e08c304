"""Wanted (buy) listings on the terminal (求购挂牌): the open wanted listings, posting one (listing_open,
side buy, its deposit frozen) and selling into one with a receipt of its grade (listing_pick with the
picker's receipts, locked and the unsold part unlocked by the service). Refusals come back as form
messages and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from magnesium_exchange.commodities.selectors import grades_for_trading
from magnesium_exchange.trading.models import ListingStatus, Side
from magnesium_exchange.trading.selectors import listing_list
from magnesium_exchange.trading.services import listing_open, listing_pick
from meidu.core.errors import DomainError
from storefront.exchange.terminal_access import granted, with_trader
from storefront.exchange.terminal_errors import add_terminal_errors
from storefront.exchange.terminal_forms import WantedCreateForm, WantedPickForm
from storefront.exchange.terminal_views import free_receipts

WANTED_SHOWN = 200


@with_trader
@require_safe
def wanted_board(request, trader):
    listings = list(
        listing_list(status=ListingStatus.OPEN, side=Side.BUY).order_by(
            "grade__commodity_id", "-grade__rank", "-price", "id"
        )[:WANTED_SHOWN]
    )
    return render(
        request,
        "exchange/terminal/wanted.html",
        {"trader": trader, "member": trader.member, "listings": listings, "limit": WANTED_SHOWN, "tab": "board"},
    )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def wanted_create(request, trader):
    grades = grades_for_trading()
    form = WantedCreateForm(request.POST or None, grades=grades)
    if request.method == "POST" and granted(request, trader, "can_trade") and form.is_valid():
        data = form.cleaned_data
        try:
            listing = listing_open(
                member=trader.member,
                grade=data["grade"],
                side=Side.BUY.value,
                price=data["price"],
                quantity=data["quantity"],
                min_pick=data["min_pick"],
                step=data["step"],
                actor=request.user,
            )
        except DomainError as exc:
            add_terminal_errors(form, exc, {"minPick": "min_pick"})
        else:
            messages.success(
                request,
                _("Wanted listing posted: %(quantity)s t of %(grade)s at %(price)s yuan/t.")
                % {"quantity": listing.quantity, "grade": data["grade"].name, "price": listing.price},
            )
            return redirect("exchange:terminal_wanted_pick", pk=listing.pk)
    return render(
        request,
        "exchange/terminal/wanted_new.html",
        {"trader": trader, "member": trader.member, "form": form, "tab": "board"},
    )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def wanted_pick(request, trader, pk):
    listing = get_object_or_404(listing_list(side=Side.BUY), pk=pk)
    mine = listing.owner_id == trader.member_id
    receipts = free_receipts(trader.member, grade=listing.grade)
    form = WantedPickForm(request.POST or None, receipts=receipts, initial={"quantity": listing.min_pick})
    can_pick = listing.status == ListingStatus.OPEN and not mine
    if request.method == "POST" and can_pick and granted(request, trader, "can_trade") and form.is_valid():
        data = form.cleaned_data
        try:
            trade = listing_pick(
                listing, member=trader.member, quantity=data["quantity"], receipts=[data["receipt"]], actor=request.user
            )
        except DomainError as exc:
            add_terminal_errors(form, exc, {"receipts": "receipt"})
        else:
            messages.success(
                request,
                _("Sold %(quantity)s t of %(grade)s at %(price)s yuan/t to %(buyer)s; the balance is due by %(due)s.")
                % {
                    "quantity": trade.quantity,
                    "grade": listing.grade.name,
                    "price": trade.price,
                    "buyer": trade.buyer.name,
                    "due": timezone.localtime(trade.settlement_due_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
            return redirect("exchange:terminal_trades")
    return render(
        request,
        "exchange/terminal/wanted_pick.html",
        {
            "trader": trader,
            "member": trader.member,
            "listing": listing,
            "mine": mine,
            "form": form,
            "can_pick": can_pick,
            "tab": "board",
        },
    )
