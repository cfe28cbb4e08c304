"""The pure core of the magnesium exchange's trading engine: state + command → events.

No Django, no I/O, no clock, no randomness: the same commands in the same order always give the same
events. Services call:

* `execute(state, command) -> (state, events)` (or `decide` then `apply`) under the aggregate's row lock;
* `replay(events) -> state` to rebuild a listing, auction or RFQ from its journal;
* `event.to_dict()` / `event_from_dict(d)` (and the same for commands) to journal them as JSON;
* `auction_clear(state, now)` (what CloseAuction runs) and `auction_allocation(state)` to preview it.

A refusal raises `EngineError` whose `code` is an `EngineErrorCode`."""

from .aggregate import AggregateState
from .auction import AuctionState, auction_allocation, auction_clear
from .commands import (
    AcceptQuote,
    CancelAuction,
    CancelRfq,
    CloseAuction,
    Command,
    ExpireListing,
    ExpireRfq,
    LotSpec,
    OpenAuction,
    OpenListing,
    OpenRfq,
    PickListing,
    PlaceBid,
    RepriceListing,
    SubmitQuote,
    WithdrawListing,
    WithdrawQuote,
    command_from_dict,
)
from .core import apply, decide, execute, replay
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
    Event,
    ListingClosed,
    ListingOpened,
    ListingRepriced,
    QuoteSubmitted,
    QuoteWithdrawn,
    RfqClosed,
    RfqOpened,
    TradeExecuted,
    event_from_dict,
)
from .listing import ListingState
from .negotiation import RfqState
from .rules import MarketRules, price_band
from .values import (
    AuctionKind,
    CloseReason,
    Side,
    TradeMode,
    deposit_for,
    from_ms,
    to_ms,
    value_of,
)

# The engine's public names, re-exported for the services (`from magnesium_exchange.engine import ...`).
__all__ = [
    "AggregateState",
    "AuctionState",
    "auction_allocation",
    "auction_clear",
    "AcceptQuote",
    "CancelAuction",
    "CancelRfq",
    "CloseAuction",
    "Command",
    "ExpireListing",
    "ExpireRfq",
    "LotSpec",
    "OpenAuction",
    "OpenListing",
    "OpenRfq",
    "PickListing",
    "PlaceBid",
    "RepriceListing",
    "SubmitQuote",
    "WithdrawListing",
    "WithdrawQuote",
    "command_from_dict",
    "apply",
    "decide",
    "execute",
    "replay",
    "EngineError",
    "EngineErrorCode",
    "AuctionCancelled",
    "AuctionClosed",
    "AuctionExtended",
    "AuctionOpened",
    "BidOutbid",
    "BidPlaced",
    "DepositApplied",
    "DepositFrozen",
    "DepositReleased",
    "Event",
    "ListingClosed",
    "ListingOpened",
    "ListingRepriced",
    "QuoteSubmitted",
    "QuoteWithdrawn",
    "RfqClosed",
    "RfqOpened",
    "TradeExecuted",
    "event_from_dict",
    "ListingState",
    "RfqState",
    "MarketRules",
    "price_band",
    "AuctionKind",
    "CloseReason",
    "Side",
    "TradeMode",
    "deposit_for",
    "from_ms",
    "to_ms",
    "value_of",
]
