"""Money: a Decimal amount with a currency, rounded explicitly (half-up to the minor unit)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DEFAULT_CURRENCY = "CNY"

# Minor-unit exponent per unit of account. "TNE" (tonnes) lets the ledger carry
# commodity quantities with the same machinery, to the kilogram.
UNIT_PRECISION = {"CNY": 2, "USD": 2, "EUR": 2, "JPY": 0, "TNE": 3}


def precision(currency: str) -> int:
    try:
        return UNIT_PRECISION[currency]
    except KeyError:
        raise ValueError(f"Unknown currency {currency!r}") from None


def quantize(amount: Decimal, currency: str = DEFAULT_CURRENCY, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to the currency's minor unit (half-up unless told otherwise)."""
    exponent = Decimal(1).scaleb(-precision(currency))
    return Decimal(amount).quantize(exponent, rounding=rounding)


def is_quantized(amount: Decimal, currency: str) -> bool:
    """Whether ``amount`` is a whole number of minor units; an amount too large to be rounded there
    (beyond Decimal's 28 digits, e.g. "1e30" typed into a form) is not."""
    try:
        return Decimal(amount) == quantize(amount, currency)
    except InvalidOperation:
        return False


def to_decimal(value) -> Decimal:
    """Parse a value into a Decimal; floats are refused because they lose fen."""
    if isinstance(value, float):
        raise TypeError("Money amounts must not be floats; pass a Decimal or a string")
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} is not a decimal amount") from None
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite amount")
    return result


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self):
        object.__setattr__(self, "amount", to_decimal(self.amount))
        precision(self.currency)

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(Decimal(0), currency)

    def quantize(self, rounding: str = ROUND_HALF_UP) -> Money:
        return Money(quantize(self.amount, self.currency, rounding), self.currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValueError(f"Cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor) -> Money:
        if isinstance(factor, Money):
            raise TypeError("Cannot multiply Money by Money")
        return Money(self.amount * to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{quantize(self.amount, self.currency)} {self.currency}"
