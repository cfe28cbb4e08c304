"""The arithmetic of an offer (issue 16 contract), pure: the commission a sale pays and the checks of the
amounts a supplier or distributor types. Used by the supply pool and by distribution alike."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from meidu.core.money import quantize

AMOUNT_MAX = Decimal("1000000")  # no unit of produce or handicraft costs a million yuan
RATE_MAX = Decimal("1")


def commission_amount(kind: str, value: Decimal, retail_unit_price: Decimal, quantity: int) -> Decimal:
    """C = half-up to the fen of (rate * R * q), or fixed * q."""
    if kind == "rate":
        return quantize(value * retail_unit_price * quantity)
    return quantize(value * quantity)


def parse_amount(value, *, places: int = 2, maximum: Decimal = AMOUNT_MAX, allow_zero: bool = False) -> Decimal | None:
    """``value`` as a Decimal when it is a finite, positive (or zero if allowed) number of at most
    ``places`` decimals and not above ``maximum``; None otherwise (NaN, Infinity, 1e30, negatives, floats)."""
    if value is None or isinstance(value, float | bool):
        return None
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero) or amount > maximum:
        return None
    try:
        if amount != amount.quantize(Decimal(1).scaleb(-places)):
            return None
    except InvalidOperation:
        return None
    return amount.quantize(Decimal(1).scaleb(-places))
