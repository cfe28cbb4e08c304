"""One-sided auctions: 竞卖 (sale, prices rise above a reserve) and 竞买 (procurement, offers fall
below a ceiling), one or more lots, each lot's tonnes split across bids by price then time.

Each lot keeps its live bids in a heap with the weakest bid on top (the marginal one). A bid must beat
the marginal bid by the increment once the lot is fully covered; bids that better bids push wholly
out of the lot are outbid at once and their deposits released. So placing a bid costs O(log n), and
clearing only sorts the live bids, which are exactly the winners."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from .aggregate import (
    COMMON_APPLY,
    AggregateState,
    Emitter,
    apply_trade,
    effective_time,
)
from .commands import CancelAuction, CloseAuction, LotSpec, OpenAuction, PlaceBid
from .errors import EngineError, EngineErrorCode
from .events import (
    AuctionCancelled,
    AuctionClosed,
    AuctionExtended,
    AuctionOpened,
    BidOutbid,
    BidPlaced,
    DepositApplied,
    DepositFrozen,
    DepositReleased,
    TradeExecuted,
)
from .rules import (
    MarketRules,
    check_counterparty,
    check_exposure,
    check_funds,
    check_holding,
    check_price,
    check_quantity,
    price_band,
)
from .values import (
    ZERO_MONEY,
    ZERO_TONNES,
    AuctionKind,
    TradeMode,
    as_decimal,
    deposit_for,
    value_of,
)

E = EngineErrorCode
INITIATOR_HOLD = "initiator"
ACTIVE, OUTBID, REPLACED, WON = "active", "outbid", "replaced", "won"
_SALE = AuctionKind.SALE


def bid_hold(bid_no: int) -> str:
    return f"bid:{bid_no}"


@dataclass(slots=True)
class Bid:
    bid_no: int
    lot_id: str
    bidder: str
    price: Decimal
    quantity: Decimal
    deposit: Decimal
    status: str = ACTIVE
    filled: Decimal = ZERO_TONNES


@dataclass(slots=True)
class Lot:
    """`heap` holds the int keys (see _key) of live bids, weakest on top; replaced bids are dropped
    lazily. `live_quantity` sums the live bids."""

    lot_id: str
    quantity: Decimal
    reserve_price: Decimal
    heap: list = field(default_factory=list)
    live_quantity: Decimal = ZERO_TONNES
    sold_quantity: Decimal = ZERO_TONNES


@dataclass(kw_only=True)
class AuctionState(AggregateState):
    kind: AuctionKind
    initiator: str
    grade: str
    lots: dict[str, Lot]
    starts_at: int
    ends_at: int
    scheduled_end: int
    band: tuple[Decimal, Decimal] | None
    min_bid_quantity: Decimal
    step: Decimal
    rules: MarketRules
    receipt_ids: tuple[str, ...]
    excluded_counterparties: frozenset[str]
    bids: dict[int, Bid] = field(default_factory=dict)
    live_bid: dict[tuple[str, str], int] = field(default_factory=dict)
    extensions: int = 0
    status: str = "open"  # open | closed | cancelled
    increment: Decimal = ZERO_MONEY  # rules.bid_increment, kept at hand for the bid path

    @property
    def quantity(self) -> Decimal:
        return sum((lot.quantity for lot in self.lots.values()), ZERO_TONNES)


_SHIFT = 40
_LOW = (1 << _SHIFT) - 1


def _key(kind: AuctionKind, price: Decimal, bid_no: int) -> int:
    """Heap key, one int so the heap compares fast: the weakest bid is the smallest (lowest sale price
    or highest offer, then the latest). Price in fen in the high bits, inverted bid number in the low."""
    fen = int(price.scaleb(2))
    return ((fen if kind is _SALE else -fen) << _SHIFT) | (_LOW - bid_no)


def _bid_no(key: int) -> int:
    return _LOW - (key & _LOW)


# decide ----------------------------------------------------------------------------------------------


def decide_open(state, c: OpenAuction) -> list:
    if state is not None:
        raise EngineError(E.ALREADY_EXISTS, "the auction exists", "aggregate_id")
    rules = c.rules
    if not (c.now < c.ends_at and c.starts_at < c.ends_at):
        raise EngineError(E.INVALID_SCHEDULE, "an auction must end after it starts, in the future", "ends_at")
    if not c.lots or len({lot.lot_id for lot in c.lots}) != len(c.lots):
        raise EngineError(E.INVALID_COMMAND, "an auction needs lots with distinct ids", "lots")
    band = price_band(c.reference_price, rules)
    step = check_quantity(c.step if c.step is not None else rules.quantity_step, rules.quantity_step, "step")
    default_min = step if step >= rules.min_quantity else rules.min_quantity
    min_bid = check_quantity(
        c.min_bid_quantity if c.min_bid_quantity is not None else default_min, step, "min_bid_quantity"
    )
    if min_bid < rules.min_quantity:
        raise EngineError(E.BELOW_MIN_PICK, f"the minimum bid is at least {rules.min_quantity} t", "min_bid_quantity")
    lots = []
    total = ZERO_TONNES
    initiator_deposit = ZERO_MONEY
    for lot in c.lots:
        quantity = check_quantity(lot.quantity, rules.quantity_step, "lots.quantity")
        if quantity < min_bid:
            raise EngineError(E.BELOW_MIN_PICK, "a lot is smaller than the minimum bid", "lots.quantity")
        reserve = check_price(lot.reserve_price, rules, band, "lots.reserve_price")
        lots.append(LotSpec(lot.lot_id, quantity, reserve))
        total += quantity
        initiator_deposit += deposit_for(reserve, quantity, rules.deposit_ratio)
    out = Emitter(c.aggregate_id, 0, c.now)
    if c.kind is _SALE:
        check_holding(total, c.available_quantity)
    else:
        check_funds(initiator_deposit, c.available_funds)
    out.emit(
        AuctionOpened,
        c.kind,
        c.actor,
        c.grade,
        tuple(lots),
        c.starts_at,
        c.ends_at,
        band[0] if band else None,
        band[1] if band else None,
        min_bid,
        step,
        rules,
        tuple(c.receipt_ids),
        frozenset(c.excluded_counterparties),
    )
    if c.kind is not _SALE and initiator_deposit:
        out.emit(DepositFrozen, c.actor, initiator_deposit, INITIATOR_HOLD)
    return out.events


def _running(state: AuctionState | None, at: int) -> AuctionState:
    if state is None:
        raise EngineError(E.NOT_FOUND, "no such auction", "aggregate_id")
    if state.status != "open":
        raise EngineError(E.ENDED, "the auction is over")
    if at < state.starts_at:
        raise EngineError(E.NOT_OPEN, "the auction has not started")
    if at >= state.ends_at:
        raise EngineError(E.ENDED, "the auction has ended")
    return state


def decide_bid(state: AuctionState | None, c: PlaceBid) -> list:
    at = c.now if state is None or c.now >= state.last_at else state.last_at
    s = _running(state, at)
    lot = s.lots.get(c.lot_id)
    if lot is None:
        raise EngineError(E.NOT_FOUND, "no such lot", "lot_id")
    bidder = c.actor
    if bidder == s.initiator or s.initiator in c.excluded_counterparties or bidder in s.excluded_counterparties:
        check_counterparty(bidder, s.initiator, c.excluded_counterparties, s.excluded_counterparties)
    rules = s.rules
    price = check_price(c.price, rules, s.band)
    quantity = check_quantity(c.quantity, s.step)
    if quantity < s.min_bid_quantity:
        raise EngineError(E.BELOW_MIN_PICK, f"the minimum bid is {s.min_bid_quantity} t", "quantity")
    if quantity > lot.quantity:
        raise EngineError(E.QUANTITY_EXCEEDS_AVAILABLE, f"the lot has {lot.quantity} t", "quantity")
    sale = s.kind is _SALE
    increment = s.increment
    if sale:
        if price < lot.reserve_price:
            raise EngineError(E.BELOW_RESERVE, f"bids start at {lot.reserve_price}", "price")
    elif price > lot.reserve_price:
        raise EngineError(E.ABOVE_CEILING, f"offers must not exceed {lot.reserve_price}", "price")
    old_no = s.live_bid.get((c.lot_id, bidder))
    old = s.bids[old_no] if old_no is not None else None
    if old is not None:
        if quantity < old.quantity or (price < old.price + increment if sale else price > old.price - increment):
            raise EngineError(
                E.BID_NOT_IMPROVED,
                "a new bid must better your own by the increment, for at least the same quantity",
                "price",
            )
    if lot.live_quantity >= lot.quantity:
        marginal = s.bids[_bid_no(lot.heap[0])].price
        if price < marginal + increment if sale else price > marginal - increment:
            raise EngineError(
                E.BID_NOT_IMPROVED, f"the lot is covered: the bid must better {marginal} by {increment}", "price"
            )
    if c.exposure_headroom is not None:
        check_exposure(price * quantity - (old.price * old.quantity if old is not None else 0), c.exposure_headroom)
    if sale:
        deposit = deposit_for(price, quantity, rules.deposit_ratio)
        funds = c.available_funds
        if funds is not None:
            if type(funds) is not Decimal:
                funds = as_decimal(funds, "available_funds")
            if old is not None:
                funds += old.deposit  # released by this bid
        check_funds(deposit, funds)
    else:
        deposit = ZERO_MONEY
        held = c.available_quantity
        if held is not None:
            held = as_decimal(held, "available_quantity")
            if old is not None:
                held += old.quantity  # the receipts backing the replaced offer
        check_holding(quantity, held)

    out = Emitter(s.aggregate_id, s.version, at)
    bid_no = s.version + 1
    out.emit(BidPlaced, bid_no, c.lot_id, bidder, price, quantity, deposit, old_no)
    if old is not None and old.deposit:
        out.emit(DepositReleased, bidder, old.deposit, bid_hold(old.bid_no))
    if deposit:
        out.emit(DepositFrozen, bidder, deposit, bid_hold(bid_no))
    total = lot.live_quantity + quantity - (old.quantity if old is not None else 0)
    if total > lot.quantity:
        # walk the heap from the weakest bid up (best-first over the tree, the heap itself untouched)
        bids = s.bids
        heap = lot.heap
        size = len(heap)
        new_key = _key(s.kind, price, bid_no)
        root = bids[_bid_no(heap[0])]  # the weakest live bid (dead ones are dropped from the top)
        if heap[0] > new_key or (root is not old and total - root.quantity < lot.quantity):
            size = 0  # nobody is pushed out: skip the walk
        frontier = [(heap[0], 0)] if size else []
        while frontier:
            entry, i = heapq.heappop(frontier)
            if entry > new_key:
                break  # the new bid is weaker than this one, and it always keeps a share: stop here
            weakest = bids[_bid_no(entry)]
            if weakest.status == ACTIVE and weakest is not old:
                if total - weakest.quantity < lot.quantity:
                    break
                total -= weakest.quantity
                out.emit(BidOutbid, weakest.bid_no)
                if weakest.deposit:
                    out.emit(DepositReleased, weakest.bidder, weakest.deposit, bid_hold(weakest.bid_no))
            child = 2 * i + 1
            if child < size:
                heapq.heappush(frontier, (heap[child], child))
                if child + 1 < size:
                    heapq.heappush(frontier, (heap[child + 1], child + 1))
    if at >= s.ends_at - rules.anti_snipe_window_ms and s.extensions < rules.max_extensions:
        new_end = min(at + rules.anti_snipe_extension_ms, s.scheduled_end + rules.max_extended_ms)
        if new_end > s.ends_at:
            out.emit(AuctionExtended, new_end)
    return out.events


def auction_allocation(state: AuctionState) -> dict[str, list[tuple[Bid, Decimal]]]:
    """Per lot, the winning bids in priority order (price, then time) with the tonnes each gets.

    The live bids are exactly the winners (outbid ones left the heap), so this is one sort per lot."""
    sale = state.kind is _SALE
    bids = state.bids
    allocation = {}
    for lot in state.lots.values():
        live = [bids[_bid_no(key)] for key in lot.heap]
        live = [bid for bid in live if bid.status == ACTIVE]
        live.sort(key=(lambda b: (-b.price, b.bid_no)) if sale else (lambda b: (b.price, b.bid_no)))
        left = lot.quantity
        fills = []
        for bid in live:
            if not left:
                break
            take = bid.quantity if bid.quantity <= left else left
            fills.append((bid, take))
            left -= take
        allocation[lot.lot_id] = fills
    return allocation


def auction_clear(state: AuctionState | None, now: int) -> list:
    """The events that close the auction at `now` (at or after its end): one trade per winning bid,
    deposits applied to the trades and the rest released, then AuctionClosed. Pure: the state is not
    changed until the events are applied."""
    at = effective_time(state, now)
    if state is None:
        raise EngineError(E.NOT_FOUND, "no such auction", "aggregate_id")
    if state.status != "open":
        raise EngineError(E.ENDED, "the auction is over")
    if at < state.ends_at:
        raise EngineError(E.NOT_ENDED, "the auction has not ended")
    sale = state.kind is _SALE
    ratio = state.rules.deposit_ratio
    out = Emitter(state.aggregate_id, state.version, at)
    emit = out.emit
    initiator = state.initiator
    initiator_left = state.held(INITIATOR_HOLD)
    prefix = f"{state.aggregate_id}/T"
    trade_no = state.trade_count
    sold = ZERO_TONNES
    for lot_id, fills in auction_allocation(state).items():
        for bid, take in fills:
            trade_no += 1
            trade_id = f"{prefix}{trade_no}"
            sold += take
            value = value_of(bid.price, take)
            if sale:
                applied = bid.deposit if take == bid.quantity else deposit_for(bid.price, take, ratio)
                emit(
                    TradeExecuted,
                    trade_id,
                    TradeMode.AUCTION,
                    state.grade,
                    bid.bidder,
                    initiator,
                    take,
                    bid.price,
                    value,
                    applied,
                    lot_id,
                    bid.bid_no,
                    None,
                )
                if applied:
                    emit(DepositApplied, bid.bidder, applied, bid_hold(bid.bid_no), trade_id)
                if bid.deposit > applied:
                    emit(DepositReleased, bid.bidder, bid.deposit - applied, bid_hold(bid.bid_no))
            else:
                applied = min(deposit_for(bid.price, take, ratio), initiator_left)
                initiator_left -= applied
                emit(
                    TradeExecuted,
                    trade_id,
                    TradeMode.AUCTION,
                    state.grade,
                    initiator,
                    bid.bidder,
                    take,
                    bid.price,
                    value,
                    applied,
                    lot_id,
                    bid.bid_no,
                    None,
                )
                if applied:
                    emit(DepositApplied, initiator, applied, INITIATOR_HOLD, trade_id)
    if initiator_left:
        emit(DepositReleased, initiator, initiator_left, INITIATOR_HOLD)
    emit(AuctionClosed, sold, state.quantity - sold)
    return out.events


def decide_close(state: AuctionState | None, c: CloseAuction) -> list:
    return auction_clear(state, c.now)


def decide_cancel(state: AuctionState | None, c: CancelAuction) -> list:
    at = effective_time(state, c.now)
    if state is None:
        raise EngineError(E.NOT_FOUND, "no such auction", "aggregate_id")
    if state.status != "open":
        raise EngineError(E.ENDED, "the auction is over")
    if not c.by_operator:
        if c.actor != state.initiator:
            raise EngineError(E.NOT_OWNER, "only the initiator may cancel the auction")
        if state.bids:
            raise EngineError(E.HAS_BIDS, "an auction with bids can only be cancelled by an operator")
    out = Emitter(state.aggregate_id, state.version, at)
    for hold_id, (member, amount) in sorted(state.holds.items()):
        out.emit(DepositReleased, member, amount, hold_id)
    out.emit(AuctionCancelled, c.reason)
    return out.events


# apply -----------------------------------------------------------------------------------------------


def _opened(state, e: AuctionOpened) -> AuctionState:
    return AuctionState(
        aggregate_id=e.aggregate_id,
        kind=e.kind,
        initiator=e.initiator,
        grade=e.grade,
        lots={lot.lot_id: Lot(lot.lot_id, lot.quantity, lot.reserve_price) for lot in e.lots},
        starts_at=e.starts_at,
        ends_at=e.ends_at,
        scheduled_end=e.ends_at,
        band=None if e.band_low is None or e.band_high is None else (e.band_low, e.band_high),
        min_bid_quantity=e.min_bid_quantity,
        step=e.step,
        rules=e.rules,
        receipt_ids=e.receipt_ids,
        excluded_counterparties=e.excluded_counterparties,
        increment=e.rules.bid_increment,
    )


def _drop_dead(lot: Lot, bids: dict) -> None:
    heap = lot.heap
    while heap and bids[_LOW - (heap[0] & _LOW)].status != ACTIVE:
        heapq.heappop(heap)


def _bid_placed(s: AuctionState, e: BidPlaced) -> None:
    lot = s.lots[e.lot_id]
    if e.replaces is not None:
        old = s.bids[e.replaces]
        old.status = REPLACED
        lot.live_quantity -= old.quantity
    s.bids[e.bid_no] = Bid(e.bid_no, e.lot_id, e.bidder, e.price, e.quantity, e.deposit)
    heapq.heappush(lot.heap, _key(s.kind, e.price, e.bid_no))
    lot.live_quantity += e.quantity
    s.live_bid[(e.lot_id, e.bidder)] = e.bid_no
    if e.replaces is not None:
        _drop_dead(lot, s.bids)


def _bid_outbid(s: AuctionState, e: BidOutbid) -> None:
    bid = s.bids[e.bid_no]
    bid.status = OUTBID
    lot = s.lots[bid.lot_id]
    lot.live_quantity -= bid.quantity
    key = (bid.lot_id, bid.bidder)
    if s.live_bid.get(key) == bid.bid_no:
        del s.live_bid[key]
    heap = lot.heap
    if heap and heap[0] == _key(s.kind, bid.price, bid.bid_no):
        heapq.heappop(heap)  # the usual case: the weakest bid was pushed out
    _drop_dead(lot, s.bids)


def _extended(s: AuctionState, e: AuctionExtended) -> None:
    s.ends_at = e.ends_at
    s.extensions += 1


def _traded(s: AuctionState, e: TradeExecuted) -> None:
    apply_trade(s, e)
    bid = s.bids[cast(int, e.bid_no)]  # an auction's trade always names its bid and lot
    bid.status = WON
    bid.filled = e.quantity
    s.lots[cast(str, e.lot_id)].sold_quantity += e.quantity


def _closed(s: AuctionState, e: AuctionClosed) -> None:
    s.status = "closed"
    s.live_bid.clear()
    for lot in s.lots.values():
        lot.heap.clear()
        lot.live_quantity = ZERO_TONNES


def _cancelled(s: AuctionState, e: AuctionCancelled) -> None:
    s.status = "cancelled"


DECIDE: dict[type, Callable[..., Any]] = {
    OpenAuction: decide_open,
    PlaceBid: decide_bid,
    CloseAuction: decide_close,
    CancelAuction: decide_cancel,
}
APPLY: dict[type, Callable[..., Any]] = {
    AuctionOpened: _opened,
    BidPlaced: _bid_placed,
    BidOutbid: _bid_outbid,
    AuctionExtended: _extended,
    TradeExecuted: _traded,
    AuctionClosed: _closed,
    AuctionCancelled: _cancelled,
    **COMMON_APPLY,
}
OPENED = AuctionOpened
