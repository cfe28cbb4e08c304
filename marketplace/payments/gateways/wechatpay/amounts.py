"""Amounts as WeChat Pay wants them: whole fen (分), integers; ours are yuan Decimals rounded half-up."""

from __future__ import annotations

from decimal import Decimal

from meidu.core.money import quantize

FEN = Decimal("0.01")


def to_fen(amount) -> int:
    """12.345 yuan -> 1235 fen (half-up to the fen first, as every amount of ours is rounded)."""
    return int(quantize(Decimal(amount), "CNY") * 100)


def from_fen(value) -> Decimal:
    """1235 -> Decimal('12.35'); refuses what is not a whole number of fen."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        else:
            raise ValueError(f"{value!r} is not a whole number of fen")
    return (Decimal(value) / 100).quantize(FEN)
