"""One-sided auctions.

* 竞卖 (sale): the initiator's receipts are locked at open, bidders freeze deposits, better bids
  release the outbid deposits, the close allocates by price then time and creates the trades.
* 竞买 (procurement): the initiator freezes the deposit on the ceiling value at open; sellers offer
  below the ceiling, each offer backed by the seller's unencumbered receipts of the grade, which are
  locked (whole, oldest first) as soon as the offer needs them and unlocked when the seller has no live
  offer left; the close gives each winning seller's trade its locked receipts (split to the tonnes).

Lock order: see services.common (the auction row first, then ledger accounts, then receipts). A close
or cancellation runs the trading.hooks of apps above trading (a forced sale's loan row is taken right
after the auction row, before any ledger account or receipt)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from magnesium_exchange.engine import AuctionKind, CancelAuction, CloseAuction, LotSpec, OpenAuction, PlaceBid, to_ms
from magnesium_exchange.engine.auction import ACTIVE as BID_ACTIVE
from magnesium_exchange.members.models import Member
from magnesium_exchange.members.services.holds import funds_available_locked, funds_lock_statements
from magnesium_exchange.trading import hooks
from magnesium_exchange.trading.config import market_rules
from magnesium_exchange.trading.error_codes import ExchangeTradingErrorCode as Code
from magnesium_exchange.trading.facts import (
    bid_facts,
    excluded_counterparties,
    receipts_quantity,
    reference_price,
    unencumbered_receipts,
)
from magnesium_exchange.trading.journal import state_load, state_prefetch, state_return, state_take
from magnesium_exchange.trading.models import AggregateType, Auction, AuctionStatus
from magnesium_exchange.trading.selectors import auction_is_due
from magnesium_exchange.trading.services.common import (
    load,
    member_require_active,
    now_or,
    price_input,
    receipts_lock,
    receipts_locked_by,
    receipts_release,
    run,
    tonnes_input,
)
from magnesium_exchange.trading.sessions import AUCTION, session_require
from magnesium_exchange.warehouses.services import ReceiptLockPurpose
from meidu.core.errors import DomainError
from meidu.core.sql.locks import lock_row_with

T = AggregateType.AUCTION


def lots_of_size(total: Decimal, lot_size: Decimal, reserve_price) -> list[tuple[Decimal, Decimal]]:
    """A sale of ``total`` t cut into lots of ``lot_size`` t (the last takes the rest), all at the reserve."""
    lots, left = [], total
    while left > 0:
        lots.append((min(lot_size, left), reserve_price))
        left -= lots[-1][0]
    return lots


def auction_open(
    *,
    member,
    grade,
    starts_at,
    ends_at,
    receipts=(),
    reserve_price=None,
    lots=None,
    lot_size=None,
    kind: str = "sale",
    min_bid_quantity=None,
    step=None,
    reference_price_fallback=None,
    actor=None,
    now=None,
    lock_purpose: ReceiptLockPurpose = ReceiptLockPurpose.LISTING,
) -> Auction:
    """Open an auction. Sale: `receipts` (locked) are sold; `lots` is a list of (quantity, reserve price)
    summing to their tonnes, or `lot_size` cuts them into lots of that size at `reserve_price`, by
    default one lot of all of them. Procurement: `lots` as (quantity, ceiling price); the deposit on
    the ceiling value is frozen from the initiator's funds. `lock_purpose` FORCED_SALE: financing sells
    pledged receipts under the pledge (they stay encumbered; unsold they go back to pledged)."""
    lot_size = tonnes_input(lot_size, "lotSize")
    if lot_size is not None and lots is not None:
        raise DomainError(
            _("A lot size is a positive number of tonnes, given instead of lots"),
            Code.INVALID_QUANTITY,
            field="lotSize",
        )
    reserve_price = price_input(reserve_price, "reservePrice")
    min_bid_quantity, step = tonnes_input(min_bid_quantity, "minBidQuantity"), tonnes_input(step, "step")
    if lots is not None:
        lots = [(tonnes_input(q, "lots"), price_input(p, "lots")) for q, p in lots]
    now = now_or(now)
    session_require(AUCTION, now)
    member = member_require_active(member)
    if kind not in {k.value for k in AuctionKind}:
        raise DomainError(_("kind is sale or procurement"), Code.INVALID, field="kind")
    engine_kind = AuctionKind(kind)
    sale = engine_kind is AuctionKind.SALE
    if sale and not receipts:
        raise DomainError(_("A sale auction needs receipts"), Code.REQUIRED, field="receipts")
    if not sale and not lots:
        raise DomainError(_("A procurement auction needs lots (quantity, ceiling price)"), Code.REQUIRED, field="lots")
    with transaction.atomic():
        reference = reference_price(grade, reference_price_fallback)
        row = Auction.objects.create(
            kind=kind,
            initiator=member,
            grade=grade,
            quantity=0,
            min_bid_quantity=0,
            starts_at=starts_at,
            ends_at=ends_at,
            reference_price=reference,
        )
        held = funds = None
        if sale:
            held = receipts_lock(T, row, member, receipts, actor=actor, purpose=lock_purpose)
            if lots is None:
                if reserve_price is None:
                    raise DomainError(_("A reserve price is needed"), Code.REQUIRED, field="reservePrice")
                lots = lots_of_size(held, Decimal(str(lot_size or held)), reserve_price)
        else:
            funds = funds_available_locked(member.pk)  # the initiator's deposit is a hold
        specs = tuple(LotSpec(str(i), Decimal(str(q)), Decimal(str(p))) for i, (q, p) in enumerate(lots, start=1))
        if sale and sum(spec.quantity for spec in specs) != held:
            raise DomainError(
                _("The lots must add up to the receipts' %(quantity)s t") % {"quantity": held},
                Code.INVALID_QUANTITY,
                field="lots",
            )
        command = OpenAuction(
            aggregate_id=row.aggregate_id,
            actor=str(member.pk),
            now=now,
            kind=engine_kind,
            grade=grade.code,
            lots=specs,
            starts_at=to_ms(starts_at),
            ends_at=to_ms(ends_at),
            reference_price=reference,
            min_bid_quantity=min_bid_quantity,
            step=step,
            rules=market_rules(grade),
            receipt_ids=tuple(r.number for r in receipts),
            available_quantity=held,
            available_funds=funds,
            excluded_counterparties=excluded_counterparties(member),
        )
        run(T, row, None, command, actor=actor)
    return row


def _offered(state) -> dict[int, Decimal]:
    """Tonnes each seller's live offers need, over every lot."""
    needed: dict[int, Decimal] = {}
    for bid in state.bids.values():
        if bid.status == BID_ACTIVE:
            needed[int(bid.bidder)] = needed.get(int(bid.bidder), Decimal("0")) + bid.quantity
    return needed


def _offers_backed(row, bidder: Member, now, actor):
    """After a procurement bid: lock more of the bidder's receipts if its live offers need them, and
    unlock those of sellers left without a live offer (outbid)."""

    def sync(state):
        needed = _offered(state)
        locked = receipts_locked_by(T, row.pk)
        for holder_id, tonnes in locked.items():
            if holder_id not in needed and tonnes:
                receipts_release(T, row.pk, holder_id=holder_id, actor=actor)
        missing = needed.get(bidder.pk, Decimal("0")) - locked.get(bidder.pk, Decimal("0"))
        if missing > 0:
            chosen, total = [], Decimal("0")
            for receipt in unencumbered_receipts(bidder, row.grade, now):
                chosen.append(receipt)
                total += receipt.quantity
                if total >= missing:
                    break
            if total < missing:  # spent elsewhere since the facts were read
                raise DomainError(
                    _("%(quantity)s t of unencumbered receipts are needed") % {"quantity": missing},
                    Code.INSUFFICIENT_QUANTITY,
                    field="quantity",
                )
            receipts_lock(T, row, bidder, chosen, actor=actor)

    return sync


def auction_bid(auction: Auction, *, member, price, quantity, lot_id: str = "1", actor=None, now=None) -> Auction:
    """Bid (or improve one's bid) on a lot: on the tick, inside the price limit, at or above the reserve
    of a sale (its deposit held from available funds: members.services.holds) or at or below the ceiling
    of a procurement (backed by the seller's receipts), beating the marginal bid once the lot is covered.

    Round trips of a sale bid: before the row lock, the bidder's facts with the auction's journal since
    this process last saw it (one statement); under the lock, the row lock with the bidder's account lock
    and funds (three statements), the journal, holds and row update (three), and the commit."""
    now = now_or(now)
    price, quantity = price_input(price), tonnes_input(quantity)
    session_require(AUCTION, now)
    with transaction.atomic():
        # Before the auction's row lock, so bids on a busy auction queue for less time: the bidder's facts
        # (they concern the bidder only) and the auction's state up to its committed journal, read with them.
        taken = state_take(T, auction.pk)
        try:
            facts = bid_facts(member, auction.pk, taken[1].version if taken is not None else 0)
            if facts is None or not facts.active:
                raise DomainError(_("The member is not active"), Code.MEMBER_NOT_ACTIVE, field="member")
            if quantity > facts.tonnes_room:
                raise DomainError(
                    _("The member's tonnage cap would be exceeded"), Code.EXPOSURE_CAP_EXCEEDED, field="quantity"
                )
        except DomainError:
            state_return(T, auction.pk, taken)
            raise
        sale = facts.auction_kind == AuctionKind.SALE.value
        state = None
        if facts.auction_kind is not None:
            state = state_prefetch(T, auction.pk, taken, facts.auction_created_at, facts.journal)
        # One round trip: the auction row lock, then (a sale) the bidder's account lock and spendable funds.
        row, results = lock_row_with(Auction, auction.pk, funds_lock_statements(member.pk) if sale else ())
        if row is None:
            raise DomainError(_("Not found"), Code.NOT_FOUND, field="id")
        state = state_load(T, row, state)
        funds = held = after = None
        if sale:
            funds = results[1][0][0].quantize(Decimal("0.01"))
        else:
            # unencumbered receipts, plus what is locked here beyond the tonnes of the seller's live offers
            spare = receipts_locked_by(T, row.pk).get(member.pk, Decimal("0"))
            if state is not None:
                spare -= _offered(state).get(member.pk, Decimal("0"))
            held = receipts_quantity(unencumbered_receipts(member, row.grade, now)) + max(spare, Decimal("0"))
            after = _offers_backed(row, member, now, actor)
        command = PlaceBid(
            aggregate_id=row.aggregate_id,
            actor=str(member.pk),
            now=now,
            lot_id=str(lot_id),
            price=price,
            quantity=quantity,
            available_funds=funds,
            available_quantity=held,
            excluded_counterparties=facts.excluded,
            exposure_headroom=facts.value_room,
        )
        run(T, row, state, command, actor=actor, after=after)
    return row


def auction_close(auction: Auction, *, actor=None, now=None) -> Auction:
    """Clear an ended auction (an operator or the beat task): one trade per winning bid, deposits
    applied or released, unsold receipts unlocked."""
    now = now_or(now)
    with transaction.atomic():
        row, state = load(T, Auction, auction.pk)
        hooks.auction_closing.send(row, cancel_by_member=None)
        _events, trades = run(
            T, row, state, CloseAuction(aggregate_id=row.aggregate_id, actor="system", now=now), actor=actor
        )
        hooks.auction_ended.send(row, trades, actor=actor)
    return row


def auction_cancel(
    auction: Auction, *, member=None, by_operator: bool = False, reason: str = "", actor=None, now=None
) -> Auction:
    """The initiator cancels before any bid; an operator at any time (all deposits released)."""
    now = now_or(now)
    with transaction.atomic():
        row, state = load(T, Auction, auction.pk)
        hooks.auction_closing.send(row, cancel_by_member=None if by_operator else member)
        command = CancelAuction(
            aggregate_id=row.aggregate_id,
            actor=str(member.pk) if member else "operator",
            now=now,
            by_operator=by_operator,
            reason=reason,
        )
        _events, trades = run(T, row, state, command, actor=actor)
        hooks.auction_ended.send(row, trades, actor=actor)
    return row


def auction_close_if_due(auction: Auction, *, now=None) -> Auction:
    """Clear an auction a reader met past its end before the close task did (the same close, under the
    row lock; one that another transaction cleared meanwhile is left as it is). No query when the
    reader's row shows it is not due."""
    now = now_or(now)
    if not auction_is_due(auction, now):
        return auction
    try:
        return auction_close(auction, now=now)
    except DomainError as exc:
        if exc.code not in (Code.NOT_ENDED.value, Code.ENDED.value):
            raise
    return Auction.objects.select_related("grade", "initiator").get(pk=auction.pk)


def auctions_close_due(now=None) -> int:
    """Beat (every few seconds): close every open auction past its (possibly extended) end, each in its
    own transaction. When none is due it costs one indexed query (status, ends_at)."""
    now = now_or(now)
    closed = 0
    for pk in (
        Auction.objects.filter(status=AuctionStatus.OPEN, ends_at__lte=now)
        .order_by("ends_at")
        .values_list("pk", flat=True)
    ):
        try:
            auction_close(Auction(pk=pk), now=now)
            closed += 1
        except DomainError as exc:
            if exc.code not in (Code.NOT_ENDED.value, Code.ENDED.value):
                raise
    return closed
