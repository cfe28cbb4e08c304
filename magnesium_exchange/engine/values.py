"""Value helpers: Decimal CNY prices (2 places), Decimal tonnes (3 places), time as epoch milliseconds.

Rounding is explicit: money is rounded half-up to the fen, never through float."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

FEN = Decimal("0.01")
KILO = Decimal("0.001")
ZERO_MONEY = Decimal("0.00")
ZERO_TONNES = Decimal("0.000")
MAX_PRICE = Decimal("100000000")  # CNY per tonne; anything above is a typo, not a price
MAX_QUANTITY = Decimal("10000000")  # tonnes

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)


def to_ms(now: datetime | int) -> int:
    """Epoch milliseconds of an aware datetime or an int (naive datetimes are refused: ambiguous)."""
    if isinstance(now, int) and not isinstance(now, bool):
        return now
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime or epoch milliseconds")
        return (now - _EPOCH) // _MS
    raise TypeError(f"time must be an aware datetime or epoch ms, not {type(now).__name__}")


def from_ms(ms: int) -> datetime:
    """The aware UTC datetime of epoch milliseconds (for services and display)."""
    return _EPOCH + timedelta(milliseconds=ms)


def money(amount: Decimal) -> Decimal:
    """Round to the fen, half-up."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def value_of(price: Decimal, quantity: Decimal) -> Decimal:
    """Contract value of a quantity at a price, to the fen."""
    return (price * quantity).quantize(FEN, rounding=ROUND_HALF_UP)


def deposit_for(price: Decimal, quantity: Decimal, ratio: Decimal) -> Decimal:
    """Deposit for a quantity at a price: ratio of the value, to the fen."""
    return (price * quantity * ratio).quantize(FEN, rounding=ROUND_HALF_UP)


def as_decimal(value, field: str) -> Decimal:
    """A Decimal from a Decimal, int or str; floats are refused (binary rounding)."""
    if type(value) is Decimal or isinstance(value, Decimal):
        return value
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        try:
            return Decimal(value)
        except Exception:  # noqa: BLE001 - any parse failure is the same refusal
            pass
    from .errors import EngineError, EngineErrorCode

    raise EngineError(EngineErrorCode.INVALID_COMMAND, f"{field} must be a Decimal", field)


class Side(Enum):
    """Which side the owner of a listing or a request for quote takes."""

    SELL = "sell"
    BUY = "buy"


class AuctionKind(Enum):
    """竞卖: the initiator sells, prices rise; 竞买: the initiator procures, prices fall."""

    SALE = "sale"
    PROCUREMENT = "procurement"


class TradeMode(Enum):
    LISTING = "listing"
    AUCTION = "auction"
    NEGOTIATED = "negotiated"


class CloseReason(Enum):
    FILLED = "filled"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
