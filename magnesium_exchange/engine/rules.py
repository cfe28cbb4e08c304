"""Trading rules of one grade as configuration with safe defaults, and the checks that apply them.

An aggregate copies its rules into its opening event, so replaying the journal later gives the same
answers even after the configuration has changed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from .errors import EngineError, EngineErrorCode
from .values import FEN, KILO, MAX_PRICE, MAX_QUANTITY, as_decimal

E = EngineErrorCode


@dataclass(frozen=True, slots=True)
class MarketRules:
    """Rules of the market for one grade (defaults are the exchange's safe ones).

    * price_tick: prices are whole multiples of it (CNY per tonne, 2 places at most);
    * quantity_step / min_quantity: default step and minimum of listed, picked and bid tonnes;
    * price_limit_ratio: the daily band around the reference price (0.08 = ±8%);
      require_reference_price refuses trading a grade that has no reference price yet;
    * deposit_ratio: share of the value frozen from the buyer's available funds (0.10);
    * bid_increment_ticks: a bid must beat the marginal winning bid by this many ticks;
    * anti-sniping: a bid in the last `anti_snipe_window_ms` moves the end to now + extension, at most
      `max_extensions` times and never beyond the scheduled end + `max_extended_ms`.

    Resale lock, exposure caps and credit lists are the services' facts; the engine receives the facts
    it needs on each command (available funds and quantity, exposure headroom, excluded counterparties)."""

    price_tick: Decimal = Decimal("1.00")
    quantity_step: Decimal = Decimal("1.000")
    min_quantity: Decimal = Decimal("1.000")
    price_limit_ratio: Decimal = Decimal("0.08")
    require_reference_price: bool = True
    deposit_ratio: Decimal = Decimal("0.10")
    bid_increment_ticks: int = 1
    anti_snipe_window_ms: int = 120_000
    anti_snipe_extension_ms: int = 120_000
    max_extensions: int = 10
    max_extended_ms: int = 1_800_000
    currency: str = "CNY"

    def __post_init__(self):
        problems = []
        if not (self.price_tick > 0 and self.price_tick == self.price_tick.quantize(FEN)):
            problems.append("price_tick must be positive with at most 2 decimals")
        for name in ("quantity_step", "min_quantity"):
            value = getattr(self, name)
            if not (value > 0 and value == value.quantize(KILO)):
                problems.append(f"{name} must be positive with at most 3 decimals")
        if not (0 <= self.price_limit_ratio < 1):
            problems.append("price_limit_ratio must be in [0, 1)")
        if not (0 <= self.deposit_ratio <= 1):
            problems.append("deposit_ratio must be in [0, 1]")
        if self.bid_increment_ticks < 1:
            problems.append("bid_increment_ticks must be at least 1")
        if min(self.anti_snipe_window_ms, self.anti_snipe_extension_ms, self.max_extensions, self.max_extended_ms) < 0:
            problems.append("anti-sniping settings must not be negative")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def bid_increment(self) -> Decimal:
        return self.price_tick * self.bid_increment_ticks


def price_band(reference: Decimal | None, rules: MarketRules) -> tuple[Decimal, Decimal] | None:
    """The allowed (low, high) prices around a reference price, rounded inwards to the tick.

    None means no band: only when there is no reference price and the rules allow that."""
    if reference is None:
        if rules.require_reference_price:
            raise EngineError(E.NO_REFERENCE_PRICE, "this grade has no reference price", "reference_price")
        return None
    reference = as_decimal(reference, "reference_price")
    if not (reference.is_finite() and 0 < reference <= MAX_PRICE):
        raise EngineError(E.INVALID_PRICE, "reference price must be positive", "reference_price")
    tick = rules.price_tick
    low = (reference * (1 - rules.price_limit_ratio) / tick).to_integral_value(ROUND_CEILING) * tick
    high = (reference * (1 + rules.price_limit_ratio) / tick).to_integral_value(ROUND_FLOOR) * tick
    return low.quantize(FEN), high.quantize(FEN)


def check_price(price, rules: MarketRules, band: tuple[Decimal, Decimal] | None, field: str = "price") -> Decimal:
    """A valid price (2 places, on the tick, inside the band), quantized to the fen."""
    if type(price) is not Decimal:
        price = as_decimal(price, field)
    if not (price.is_finite() and 0 < price <= MAX_PRICE):
        raise EngineError(E.INVALID_PRICE, "price must be positive", field)
    if price % rules.price_tick:
        raise EngineError(E.PRICE_OFF_TICK, f"price must be a multiple of {rules.price_tick}", field)
    if band is not None and not (band[0] <= price <= band[1]):
        raise EngineError(E.PRICE_OUTSIDE_LIMIT, f"price must be within {band[0]}-{band[1]}", field)
    return price.quantize(FEN)


def check_quantity(quantity, step: Decimal, field: str = "quantity") -> Decimal:
    """A valid quantity (positive tonnes, 3 places, a multiple of step), quantized to the kilogram."""
    if type(quantity) is not Decimal:
        quantity = as_decimal(quantity, field)
    if not (quantity.is_finite() and 0 < quantity <= MAX_QUANTITY) or quantity != quantity.quantize(KILO):
        raise EngineError(E.INVALID_QUANTITY, "quantity must be positive tonnes with at most 3 decimals", field)
    if quantity % step:
        raise EngineError(E.OFF_STEP, f"quantity must be a multiple of {step} t", field)
    return quantity.quantize(KILO)


def check_funds(needed: Decimal, available: Decimal | None, field: str = "available_funds") -> None:
    """Refuse when the buyer's available funds (a fact from the services) do not cover what is frozen."""
    if needed > 0 and (available is None or as_decimal(available, field) < needed):
        raise EngineError(E.INSUFFICIENT_FUNDS, f"{needed} must be available for the deposit", field)


def check_holding(needed: Decimal, available: Decimal | None, field: str = "available_quantity") -> None:
    """Refuse a sell not backed by unencumbered receipt tonnes (no short selling)."""
    if available is None or as_decimal(available, field) < needed:
        raise EngineError(E.INSUFFICIENT_QUANTITY, f"{needed} t of unencumbered receipts are needed", field)


def check_exposure(value: Decimal, headroom: Decimal | None) -> None:
    """Refuse when the services say the member's exposure cap leaves less than this value (None: no cap)."""
    if headroom is not None and value > as_decimal(headroom, "exposure_headroom"):
        raise EngineError(E.EXPOSURE_CAP_EXCEEDED, "the member's exposure cap would be exceeded", "quantity")


def check_counterparty(actor: str, counterparty: str, actor_excludes, counterparty_excludes) -> None:
    """Refuse a self-trade and a deal that either side's credit list excludes."""
    if actor == counterparty:
        raise EngineError(E.SELF_TRADE, "a member cannot trade with itself")
    if counterparty in actor_excludes or actor in counterparty_excludes:
        raise EngineError(E.EXCLUDED_COUNTERPARTY, "the credit-matching list excludes this counterparty")
