"""Amounts as Alipay writes them: yuan with exactly two decimals ("12.50"), 0.01 to 100000000.00.

Our amounts are Decimals already rounded to the fen; ``to_yuan`` rounds half-up once more (so a
stray third decimal can never reach Alipay as something it would refuse) and refuses what Alipay
cannot take. ``from_yuan`` reads Alipay's strings strictly: no exponent, no sign, at most two
decimals, so a tampered or garbled amount is refused rather than rounded into a match.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from meidu.core.money import quantize

MIN_YUAN = Decimal("0.01")
MAX_YUAN = Decimal("100000000.00")
_YUAN = re.compile(r"[0-9]{1,9}(\.[0-9]{1,2})?")


class AmountError(ValueError):
    """An amount Alipay cannot take or that it did not write."""


def to_yuan(amount) -> str:
    """Decimal → "12.50" (half-up to the fen)."""
    try:
        value = quantize(Decimal(amount), "CNY")
        within = value.is_finite() and MIN_YUAN <= value <= MAX_YUAN
    except (InvalidOperation, TypeError, ValueError):
        raise AmountError(f"{amount!r} is not an amount") from None
    if not within:
        raise AmountError(f"{amount!r} is outside what Alipay takes (0.01 to 100000000.00)")
    return f"{value:.2f}"


def from_yuan(text) -> Decimal:
    """ "12.5" / "12.50" → Decimal("12.50"); anything else raises AmountError."""
    if not isinstance(text, str) or not _YUAN.fullmatch(text):
        raise AmountError(f"{text!r} is not an Alipay amount")
    return Decimal(text).quantize(Decimal("0.01"))
