"""The auction room (竞价): open auctions, opening a sale auction (竞卖) of one of my receipts in one
lot or several, or a procurement auction (竞买) of a grade up to a ceiling price (auction_open), an
auction's lots, reserve or ceiling, best bids, end and extensions, a bid form (auction_bid: a buyer's
bid on a sale, a seller's offer on a procurement), and a small JSON state polled by the page every
2 s for the best price, the caller's standing and the countdown."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from magnesium_exchange.commodities.selectors import grades_for_trading
from magnesium_exchange.trading.models import AuctionStatus
from magnesium_exchange.trading.selectors import auction_bid_list_for_member, auction_list, auction_status_now
from magnesium_exchange.trading.services import auction_bid, auction_close_if_due, auction_open
from meidu.core.errors import DomainError
from storefront.exchange.terminal_access import granted, with_trader
from storefront.exchange.terminal_errors import add_terminal_errors
from storefront.exchange.terminal_forms import BidForm, ProcurementAuctionForm, SaleAuctionForm
from storefront.exchange.terminal_views import free_receipts

AUCTIONS_SHOWN = 100
POLL_MS = 2000


def my_standing(auction, member, now=None) -> list[dict]:
    """The caller's current bid per lot: leading, outbid, and once closed won or not (trading reads its journal)."""
    return auction_bid_list_for_member(auction, member, now)


STANDING_LABELS = {
    "leading": gettext_lazy("Leading"),
    "outbid": gettext_lazy("Outbid"),
    "won": gettext_lazy("Won"),
    "lost": gettext_lazy("Not won"),
    "cancelled": gettext_lazy("Auction cancelled"),
}


def _seconds_left(auction, now) -> int:
    if auction_status_now(auction, now) != AuctionStatus.OPEN:
        return 0
    return max(0, int((auction.ends_at - now).total_seconds()))


@with_trader
@require_safe
def auctions_page(request, trader):
    now = timezone.now()  # one clock for both lists: an auction past its end is in "closed" only
    open_auctions = list(auction_list(status=AuctionStatus.OPEN, now=now).order_by("ends_at", "id")[:AUCTIONS_SHOWN])
    closed = list(auction_list(status=AuctionStatus.CLOSED, now=now).order_by("-ends_at", "-id")[:20])
    return render(
        request,
        "exchange/terminal/auctions.html",
        {
            "trader": trader,
            "member": trader.member,
            "open_auctions": open_auctions,
            "closed_auctions": closed,
            "now": now,
            "tab": "auctions",
        },
    )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def auction_create(request, trader):
    """Sell one whole receipt by auction, in one lot or lots of a chosen size at the reserve price; the
    receipt is locked while the auction runs."""
    receipts = free_receipts(trader.member)
    form = SaleAuctionForm(request.POST or None, receipts=receipts, initial={"receipt": request.GET.get("receipt")})
    if request.method == "POST" and granted(request, trader, "can_trade") and form.is_valid():
        data = form.cleaned_data
        receipt = data["receipt"]
        try:
            auction = auction_open(
                member=trader.member,
                grade=receipt.grade,
                receipts=[receipt],
                reserve_price=data["reserve_price"],
                lot_size=data["lot_size"],
                starts_at=data["starts_at"] or timezone.now(),
                ends_at=data["ends_at"],
                actor=request.user,
            )
        except DomainError as exc:
            add_terminal_errors(
                form,
                exc,
                {
                    "receipts": "receipt",
                    "reservePrice": "reserve_price",
                    "lots": "lot_size",
                    "lotSize": "lot_size",
                    "startsAt": "starts_at",
                    "endsAt": "ends_at",
                },
            )
        else:
            messages.success(
                request,
                _("Sale auction opened: %(quantity)s t of %(grade)s, reserve %(price)s yuan/t.")
                % {"quantity": auction.quantity, "grade": receipt.grade.name, "price": data["reserve_price"]},
            )
            return redirect("exchange:terminal_auction", pk=auction.pk)
    return render(
        request,
        "exchange/terminal/auction_new.html",
        {"trader": trader, "member": trader.member, "form": form, "tab": "auctions"},
    )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def procurement_create(request, trader):
    """Buy a grade by auction: sellers offer down from the ceiling price, backed by their receipts; the
    deposit on the ceiling value is frozen from my funds while it runs."""
    grades = grades_for_trading()
    form = ProcurementAuctionForm(request.POST or None, grades=grades)
    if request.method == "POST" and granted(request, trader, "can_trade") and form.is_valid():
        data = form.cleaned_data
        try:
            auction = auction_open(
                member=trader.member,
                grade=data["grade"],
                kind="procurement",
                lots=[(data["quantity"], data["ceiling_price"])],
                starts_at=data["starts_at"] or timezone.now(),
                ends_at=data["ends_at"],
                actor=request.user,
            )
        except DomainError as exc:
            add_terminal_errors(form, exc, {"lots": "ceiling_price", "startsAt": "starts_at", "endsAt": "ends_at"})
        else:
            messages.success(
                request,
                _("Procurement auction opened: %(quantity)s t of %(grade)s, ceiling %(price)s yuan/t.")
                % {"quantity": auction.quantity, "grade": data["grade"].name, "price": data["ceiling_price"]},
            )
            return redirect("exchange:terminal_auction", pk=auction.pk)
    return render(
        request,
        "exchange/terminal/auction_new_procurement.html",
        {"trader": trader, "member": trader.member, "form": form, "tab": "auctions"},
    )


@with_trader
@require_http_methods(["GET", "HEAD", "POST"])
def auction_room(request, trader, pk):
    auction = auction_close_if_due(get_object_or_404(auction_list(), pk=pk))  # met past its end: cleared now
    form = BidForm(request.POST or None, lots=auction.lots)
    if request.method == "POST" and granted(request, trader, "can_trade") and form.is_valid():
        data = form.cleaned_data
        try:
            auction_bid(
                auction,
                member=trader.member,
                price=data["price"],
                quantity=data["quantity"],
                lot_id=data["lot"],
                actor=request.user,
            )
        except DomainError as exc:
            add_terminal_errors(form, exc)
        else:
            messages.success(
                request,
                _("Bid placed: %(quantity)s t at %(price)s yuan/t.")
                % {"quantity": data["quantity"], "price": data["price"]},
            )
            return redirect("exchange:terminal_auction", pk=auction.pk)
    now = timezone.now()
    status = auction_status_now(auction, now)
    standing = my_standing(auction, trader.member, now)
    for row in standing:
        row["label"] = str(STANDING_LABELS[row["standing"]])
    return render(
        request,
        "exchange/terminal/auction.html",
        {
            "trader": trader,
            "member": trader.member,
            "auction": auction,
            "form": form,
            "standing": standing,
            "mine": auction.initiator_id == trader.member_id,
            "seconds_left": _seconds_left(auction, now),
            "status": status,
            "status_label": AuctionStatus(status).label,
            "poll_ms": POLL_MS,
            "tab": "auctions",
        },
    )


@never_cache
@with_trader
@require_safe
def auction_state(request, trader, pk):
    """What the room refreshes: status, end (and seconds left by the server's clock), best price per
    lot, the caller's standing. Prices are decimal strings."""
    auction = auction_close_if_due(get_object_or_404(auction_list(), pk=pk))
    now = timezone.now()
    status = auction_status_now(auction, now)
    standing = my_standing(auction, trader.member, now)
    for row in standing:
        row["label"] = str(STANDING_LABELS[row["standing"]])
    return JsonResponse(
        {
            "id": auction.pk,
            "status": status,
            "status_label": str(AuctionStatus(status).label),
            "ends_at": timezone.localtime(auction.ends_at).isoformat(),
            "seconds_left": _seconds_left(auction, now),
            "extensions": auction.extensions,
            "bid_count": auction.bid_count,
            "live_bid_count": auction.live_bid_count,
            "best_price": None if auction.best_price is None else str(auction.best_price),
            "lots": [
                {
                    "lot_id": lot["lot_id"],
                    "best_price": lot["best_price"],
                    "live_quantity": lot["live_quantity"],
                    "live_bids": lot["live_bids"],
                    "quantity": lot["quantity"],
                    "reserve_price": lot["reserve_price"],
                }
                for lot in auction.lots
            ],
            "mine": standing,
        }
    )
