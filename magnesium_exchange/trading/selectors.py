"""Reads of trading: listings board, auctions, RFQs, a member's trades, a trade's receipts."""

from __future__ import annotations

from django.db.models import Q

from magnesium_exchange.trading.models import Auction, Listing, LotReceipt, Rfq, Trade


def trade_receipts(trade: Trade) -> list:
    """The receipts sold by a trade (already split to its tonnes)."""
    return [row.receipt for row in LotReceipt.objects.filter(trade=trade, superseded=False).select_related("receipt")]


def listing_list(*, grade=None, status: str | None = None):
    qs = Listing.objects.select_related("grade", "owner")
    if grade is not None:
        qs = qs.filter(grade=grade)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def auction_list(*, status: str | None = None):
    qs = Auction.objects.select_related("grade", "initiator")
    return qs.filter(status=status) if status else qs


def rfq_list(*, status: str | None = None):
    qs = Rfq.objects.select_related("grade", "requester")
    return qs.filter(status=status) if status else qs


def trade_list_for_member(member):
    return (Trade.objects.filter(Q(buyer=member) | Q(seller=member))
            .select_related("grade", "buyer", "seller", "contract").order_by("-id"))
