"""Commands: what a member (or the clock) asks of one listing, auction or request for quote.

Each carries `aggregate_id`, `actor` (member id as a string), `now` (aware datetime or epoch ms; kept as
ms) and the facts the services looked up for the rules: available funds and receipt tonnes, exposure
headroom, the credit-matching exclusions of the actor (both directions: those it refuses and those who
refuse it)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .codec import Registry, to_dict
from .rules import MarketRules
from .values import AuctionKind, Side, to_ms

COMMANDS = Registry("command")
_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Command:
    aggregate_id: str
    actor: str
    now: int

    def __post_init__(self):
        if type(self.now) is not int:
            object.__setattr__(self, "now", to_ms(self.now))

    def to_dict(self) -> dict:
        return to_dict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Command:
        command = COMMANDS.from_dict(data)
        if not isinstance(command, cls):
            raise ValueError(f"{data.get('type')} is not a {cls.__name__}")
        return command


def _times(command, *names):
    for name in names:
        value = getattr(command, name)
        if value is not None and type(value) is not int:
            object.__setattr__(command, name, to_ms(value))


def command_from_dict(data: dict) -> Command:
    return COMMANDS.from_dict(data)


# listing (挂牌 / 摘牌) -------------------------------------------------------------------------------


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class OpenListing(Command):
    """Post a sell listing (backed by `available_quantity` t of locked receipts) or a wanted (buy)
    listing (its deposit frozen from `available_funds`)."""

    side: Side
    grade: str
    quantity: Decimal
    price: Decimal
    reference_price: Decimal | None
    min_pick: Decimal | None = None
    step: Decimal | None = None
    expires_at: int | None = None
    rules: MarketRules = MarketRules()
    receipt_ids: tuple[str, ...] = ()
    available_quantity: Decimal | None = None
    available_funds: Decimal | None = None
    excluded_counterparties: frozenset[str] = _NONE

    def __post_init__(self):
        _times(self, "now", "expires_at")


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class PickListing(Command):
    """Take all or part of a listing: a buyer picks a sell listing (`available_funds`), a holder picks
    a wanted listing (`available_quantity` of unencumbered receipts)."""

    quantity: Decimal
    available_funds: Decimal | None = None
    available_quantity: Decimal | None = None
    reference_price: Decimal | None = None
    excluded_counterparties: frozenset[str] = _NONE
    exposure_headroom: Decimal | None = None


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class RepriceListing(Command):
    price: Decimal
    reference_price: Decimal | None = None
    available_funds: Decimal | None = None


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class WithdrawListing(Command):
    pass


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class ExpireListing(Command):
    """Sent by the scheduler at or after `expires_at`."""


# auction (竞卖 / 竞买) -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LotSpec:
    """One lot of an auction: its tonnes (split across bidders by price then time) and its reserve
    price (floor of a sale, ceiling of a procurement)."""

    lot_id: str
    quantity: Decimal
    reserve_price: Decimal


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class OpenAuction(Command):
    """A sale (backed by `available_quantity` t of locked receipts) or a procurement (the initiator's
    deposit on the ceiling value frozen from `available_funds`)."""

    kind: AuctionKind
    grade: str
    lots: tuple[LotSpec, ...]
    starts_at: int
    ends_at: int
    reference_price: Decimal | None
    min_bid_quantity: Decimal | None = None
    step: Decimal | None = None
    rules: MarketRules = MarketRules()
    receipt_ids: tuple[str, ...] = ()
    available_quantity: Decimal | None = None
    available_funds: Decimal | None = None
    excluded_counterparties: frozenset[str] = _NONE

    def __post_init__(self):
        _times(self, "now", "starts_at", "ends_at")


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class PlaceBid(Command):
    """Bid on a lot: a sale bid freezes its deposit from `available_funds`; a procurement offer is
    backed by `available_quantity`. A second bid of the same member on a lot replaces the first."""

    lot_id: str
    price: Decimal
    quantity: Decimal
    available_funds: Decimal | None = None
    available_quantity: Decimal | None = None
    excluded_counterparties: frozenset[str] = _NONE
    exposure_headroom: Decimal | None = None


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class CloseAuction(Command):
    """Sent by the scheduler at or after the (possibly extended) end: allocates and trades."""


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class CancelAuction(Command):
    """The initiator cancels before any bid; an operator (checked by the services) at any time."""

    by_operator: bool = False
    reason: str = ""


# negotiated (协议交易) ---------------------------------------------------------------------------------


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class OpenRfq(Command):
    """Request for quote: the requester wants to buy (side BUY) or sell (SELL, backed by
    `available_quantity`) a quantity; `invited` (if not empty) limits who may quote."""

    side: Side
    grade: str
    quantity: Decimal
    expires_at: int
    reference_price: Decimal | None
    rules: MarketRules = MarketRules()
    invited: frozenset[str] = _NONE
    receipt_ids: tuple[str, ...] = ()
    available_quantity: Decimal | None = None
    excluded_counterparties: frozenset[str] = _NONE

    def __post_init__(self):
        _times(self, "now", "expires_at")


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class SubmitQuote(Command):
    """A quote on an RFQ; a second quote of the same member replaces the first (还盘 by re-quoting).
    A buyer's quote (on a SELL request) freezes its deposit from `available_funds`; a seller's quote is
    backed by `available_quantity`."""

    price: Decimal
    quantity: Decimal
    reference_price: Decimal | None = None
    available_funds: Decimal | None = None
    available_quantity: Decimal | None = None
    excluded_counterparties: frozenset[str] = _NONE
    exposure_headroom: Decimal | None = None


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class WithdrawQuote(Command):
    quote_id: int


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class AcceptQuote(Command):
    """The requester accepts a quote (all of it, or `quantity`, capped by what remains). When the
    requester buys, its deposit is frozen now from `available_funds`; `seller_available_quantity`
    re-checks the quoting seller's receipts."""

    quote_id: int
    quantity: Decimal | None = None
    reference_price: Decimal | None = None
    available_funds: Decimal | None = None
    seller_available_quantity: Decimal | None = None
    excluded_counterparties: frozenset[str] = _NONE
    exposure_headroom: Decimal | None = None


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class CancelRfq(Command):
    pass


@COMMANDS.register
@dataclass(frozen=True, slots=True)
class ExpireRfq(Command):
    """Sent by the scheduler at or after `expires_at`."""
