"""Events: what happened to one listing, auction or request for quote, in journal order.

Each carries `aggregate_id`, `seq` (1, 2, 3... per aggregate, no gaps) and `at` (epoch ms). The
services apply their effects in order:

* DepositFrozen: move `amount` from the member's available funds to a hold named `hold_id`;
* DepositReleased: move `amount` of that hold back to available funds;
* DepositApplied: move `amount` of that hold into the deposit of contract `trade_id`;
* TradeExecuted: create the contract between the named buyer and seller (its deposit follows in
  DepositApplied events with the same trade_id, summing to `buyer_deposit`);
* ListingClosed / AuctionClosed / AuctionCancelled / RfqClosed: unlock what was not sold.

Over an aggregate that is closed, frozen − released − applied is zero for every member."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .codec import Registry, to_dict
from .commands import LotSpec
from .rules import MarketRules
from .values import AuctionKind, CloseReason, Side, TradeMode

EVENTS = Registry("event")


@dataclass(frozen=True, slots=True)
class Event:
    aggregate_id: str
    seq: int
    at: int

    def to_dict(self) -> dict:
        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Event:
        event = EVENTS.from_dict(data)
        if not isinstance(event, cls):
            raise ValueError(f"{data.get('type')} is not a {cls.__name__}")
        return event


def event_from_dict(data: dict) -> Event:
    return EVENTS.from_dict(data)


# shared ---------------------------------------------------------------------------------------------


@EVENTS.register
@dataclass(frozen=True, slots=True)
class DepositFrozen(Event):
    member: str
    amount: Decimal
    hold_id: str


@EVENTS.register
@dataclass(frozen=True, slots=True)
class DepositReleased(Event):
    member: str
    amount: Decimal
    hold_id: str


@EVENTS.register
@dataclass(frozen=True, slots=True)
class DepositApplied(Event):
    member: str
    amount: Decimal
    hold_id: str
    trade_id: str


@EVENTS.register
@dataclass(frozen=True, slots=True)
class TradeExecuted(Event):
    """A contract with both counterparties named (never anonymous)."""

    trade_id: str
    mode: TradeMode
    grade: str
    buyer: str
    seller: str
    quantity: Decimal
    price: Decimal
    value: Decimal
    buyer_deposit: Decimal
    lot_id: str | None = None
    bid_no: int | None = None
    quote_id: int | None = None


# listing ---------------------------------------------------------------------------------------------


@EVENTS.register
@dataclass(frozen=True, slots=True)
class ListingOpened(Event):
    side: Side
    owner: str
    grade: str
    quantity: Decimal
    price: Decimal
    min_pick: Decimal
    step: Decimal
    expires_at: int | None
    rules: MarketRules
    receipt_ids: tuple[str, ...]
    excluded_counterparties: frozenset[str]


@EVENTS.register
@dataclass(frozen=True, slots=True)
class ListingRepriced(Event):
    price: Decimal


@EVENTS.register
@dataclass(frozen=True, slots=True)
class ListingClosed(Event):
    reason: CloseReason
    remaining: Decimal


# auction ---------------------------------------------------------------------------------------------


@EVENTS.register
@dataclass(frozen=True, slots=True)
class AuctionOpened(Event):
    kind: AuctionKind
    initiator: str
    grade: str
    lots: tuple[LotSpec, ...]
    starts_at: int
    ends_at: int
    band_low: Decimal | None
    band_high: Decimal | None
    min_bid_quantity: Decimal
    step: Decimal
    rules: MarketRules
    receipt_ids: tuple[str, ...]
    excluded_counterparties: frozenset[str]


@EVENTS.register
@dataclass(frozen=True, slots=True)
class BidPlaced(Event):
    """`bid_no` is this event's seq; `replaces` the bidder's earlier bid on the lot, if any."""

    bid_no: int
    lot_id: str
    bidder: str
    price: Decimal
    quantity: Decimal
    deposit: Decimal
    replaces: int | None


@EVENTS.register
@dataclass(frozen=True, slots=True)
class BidOutbid(Event):
    """Better bids cover the whole lot: this bid can no longer win (its deposit is released)."""

    bid_no: int


@EVENTS.register
@dataclass(frozen=True, slots=True)
class AuctionExtended(Event):
    """Anti-sniping: a late bid moved the end."""

    ends_at: int


@EVENTS.register
@dataclass(frozen=True, slots=True)
class AuctionClosed(Event):
    sold_quantity: Decimal
    unsold_quantity: Decimal


@EVENTS.register
@dataclass(frozen=True, slots=True)
class AuctionCancelled(Event):
    reason: str


# negotiated ------------------------------------------------------------------------------------------


@EVENTS.register
@dataclass(frozen=True, slots=True)
class RfqOpened(Event):
    side: Side
    requester: str
    grade: str
    quantity: Decimal
    expires_at: int
    band_low: Decimal | None
    band_high: Decimal | None
    rules: MarketRules
    invited: frozenset[str]
    receipt_ids: tuple[str, ...]
    excluded_counterparties: frozenset[str]


@EVENTS.register
@dataclass(frozen=True, slots=True)
class QuoteSubmitted(Event):
    """`quote_id` is this event's seq; `replaces` the quoter's earlier live quote, if any."""

    quote_id: int
    quoter: str
    price: Decimal
    quantity: Decimal
    deposit: Decimal
    replaces: int | None


@EVENTS.register
@dataclass(frozen=True, slots=True)
class QuoteWithdrawn(Event):
    quote_id: int


@EVENTS.register
@dataclass(frozen=True, slots=True)
class RfqClosed(Event):
    reason: CloseReason
    remaining: Decimal
