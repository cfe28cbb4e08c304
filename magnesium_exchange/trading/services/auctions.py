"""One-sided auctions (竞卖): the initiator's receipts are locked at open, bidders freeze deposits,
better bids release the outbid deposits, the close allocates by price then time and creates the
trades. Procurement auctions (竞买) are refused for now (NOT_SUPPORTED): the offers' receipts would
have to be locked per bid. Lock order: see services.common (the auction row first)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from magnesium_exchange.engine import AuctionKind, CancelAuction, CloseAuction, LotSpec, OpenAuction, PlaceBid, to_ms
from magnesium_exchange.trading.config import market_rules
from magnesium_exchange.trading.error_codes import ExchangeTradingErrorCode as Code
from magnesium_exchange.trading.facts import available_funds, excluded_counterparties, exposure_headroom, reference_price
from magnesium_exchange.trading.models import AggregateType, Auction, AuctionStatus
from magnesium_exchange.trading.services.common import load, member_require_active, now_or, receipts_lock, run
from meidu.core.errors import DomainError

T = AggregateType.AUCTION


def auction_open(*, member, grade, receipts, starts_at, ends_at, reserve_price=None, lots=None, kind: str = "sale",
                 min_bid_quantity=None, step=None, reference_price_fallback=None, actor=None, now=None) -> Auction:
    """Open a sale auction of `receipts` (locked). `lots` is a list of (quantity, reserve price) summing
    to the receipts' tonnes; by default one lot of all of them at `reserve_price`."""
    now = now_or(now)
    member = member_require_active(member)
    if kind != AuctionKind.SALE.value:
        raise DomainError("Procurement auctions are not offered yet", Code.NOT_SUPPORTED, field="kind")
    if not receipts:
        raise DomainError("A sale auction needs receipts", Code.REQUIRED, field="receipts")
    with transaction.atomic():
        reference = reference_price(grade, reference_price_fallback)
        row = Auction.objects.create(kind=kind, initiator=member, grade=grade, quantity=0, min_bid_quantity=0,
                                     starts_at=starts_at, ends_at=ends_at, reference_price=reference)
        held = receipts_lock(T, row, member, receipts, actor=actor)
        if lots is None:
            if reserve_price is None:
                raise DomainError("A reserve price is needed", Code.REQUIRED, field="reservePrice")
            lots = [(held, reserve_price)]
        specs = tuple(LotSpec(str(i), Decimal(str(q)), Decimal(str(p))) for i, (q, p) in enumerate(lots, start=1))
        if sum(spec.quantity for spec in specs) != held:
            raise DomainError(f"The lots must add up to the receipts' {held} t", Code.INVALID_QUANTITY, field="lots")
        command = OpenAuction(
            aggregate_id=row.aggregate_id, actor=str(member.pk), now=now, kind=AuctionKind.SALE, grade=grade.code,
            lots=specs, starts_at=to_ms(starts_at), ends_at=to_ms(ends_at), reference_price=reference,
            min_bid_quantity=min_bid_quantity, step=step, rules=market_rules(grade),
            receipt_ids=tuple(r.number for r in receipts), available_quantity=held,
            excluded_counterparties=excluded_counterparties(member))
        run(T, row, None, command, actor=actor)
    return row


def auction_bid(auction: Auction, *, member, price, quantity, lot_id: str = "1", actor=None, now=None) -> Auction:
    """Bid (or improve one's bid) on a lot: at or above the reserve, on the tick, inside the price
    limit, beating the marginal bid once the lot is covered; its deposit frozen from available funds."""
    now = now_or(now)
    member = member_require_active(member)
    with transaction.atomic():
        # The bidder's facts are read before the auction row lock, so bids on a busy auction queue for
        # less time; they concern the bidder only, and the ledger refuses an overdraft at posting time.
        value_room, tonnes_room = exposure_headroom(member)
        if Decimal(str(quantity)) > tonnes_room:
            raise DomainError("The member's tonnage cap would be exceeded", Code.EXPOSURE_CAP_EXCEEDED, field="quantity")
        funds, excluded = available_funds(member), excluded_counterparties(member)
        row, state = load(T, Auction, auction.pk)
        command = PlaceBid(aggregate_id=row.aggregate_id, actor=str(member.pk), now=now, lot_id=str(lot_id),
                           price=Decimal(str(price)), quantity=Decimal(str(quantity)), available_funds=funds,
                           excluded_counterparties=excluded, exposure_headroom=value_room)
        run(T, row, state, command, actor=actor)
    return row


def auction_close(auction: Auction, *, actor=None, now=None) -> Auction:
    """Clear an ended auction (an operator or the beat task): one trade per winning bid, deposits
    applied or released, unsold receipts unlocked."""
    now = now_or(now)
    with transaction.atomic():
        row, state = load(T, Auction, auction.pk)
        run(T, row, state, CloseAuction(aggregate_id=row.aggregate_id, actor="system", now=now), actor=actor)
    return row


def auction_cancel(auction: Auction, *, member=None, by_operator: bool = False, reason: str = "", actor=None,
                   now=None) -> Auction:
    """The initiator cancels before any bid; an operator at any time (all deposits released)."""
    now = now_or(now)
    with transaction.atomic():
        row, state = load(T, Auction, auction.pk)
        command = CancelAuction(aggregate_id=row.aggregate_id, actor=str(member.pk) if member else "operator",
                                now=now, by_operator=by_operator, reason=reason)
        run(T, row, state, command, actor=actor)
    return row


def auctions_close_due(now=None) -> int:
    """Beat: close every open auction past its (possibly extended) end; each in its own transaction."""
    now = now_or(now)
    closed = 0
    for pk in Auction.objects.filter(status=AuctionStatus.OPEN, ends_at__lte=now).values_list("pk", flat=True):
        try:
            auction_close(Auction(pk=pk), now=now)
            closed += 1
        except DomainError as exc:
            if exc.code not in (Code.NOT_ENDED.value, Code.ENDED.value):
                raise
    return closed
