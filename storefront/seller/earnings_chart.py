"""The weekly earnings bar chart as plain numbers for an inline SVG (no JavaScript library)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, TOP, BOTTOM = 360, 180, 16, 24


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    amount: Decimal


def weekly_bars(weeks: list[tuple], width: int = WIDTH, height: int = HEIGHT) -> list[Bar]:
    """One bar per (week start, Money); the highest week fills the plot; weeks at or below zero are flat."""
    if not weeks:
        return []
    peak = max((money.amount for _start, money in weeks), default=Decimal(0))
    plot = height - TOP - BOTTOM
    slot = width / len(weeks)
    bars = []
    for index, (start, money) in enumerate(weeks):
        amount = money.amount
        bar_height = float(amount / peak * plot) if peak > 0 and amount > 0 else 0.0
        bars.append(
            Bar(
                x=round(index * slot + slot * 0.15, 1),
                y=round(TOP + plot - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
                label=f"{start:%m-%d}",
                amount=amount,
            )
        )
    return bars
