"""An item's daily prices per market as plain numbers for an inline SVG line chart (no JavaScript).

One slot per calendar day from the first to the last day of the window; each market is a polyline
(a day without a price leaves a gap: the line is split there)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, TOP, BOTTOM, LEFT, RIGHT = 360, 180, 10, 20, 40, 6


@dataclass(frozen=True)
class Line:
    market: object
    css: str
    segments: list[str]  # "x,y x,y ..." for one <polyline> each
    last: Decimal | None


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    lines: list[Line]
    axis: list[tuple[float, Decimal]]
    first_day: dt.date
    last_day: dt.date
    plot_left: int
    plot_right: int
    label_y: int


def trend_chart(series: dict[int, list[tuple[dt.date, Decimal]]], markets: list, today: dt.date, days: int):
    """The chart of ``series`` ({market pk: [(day, price)]}) over the ``days`` up to ``today``; None when empty."""
    prices = [price for points in series.values() for _day, price in points]
    if not prices:
        return None
    low, high = min(prices), max(prices)
    if high == low:
        low, high = low - Decimal("0.5"), high + Decimal("0.5")
    pad = (high - low) * Decimal("0.08")
    low, high = max(Decimal(0), low - pad), high + pad
    first = today - dt.timedelta(days=days - 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(days - 1, 1)

    def y_of(price: Decimal) -> float:
        return round(TOP + float((high - price) / (high - low)) * plot_h, 1)

    lines = []
    for index, market in enumerate(markets):
        points = series.get(market.pk, [])
        if not points:
            continue
        segments: list[list[str]] = [[]]
        previous = None
        for day, price in points:
            if previous is not None and (day - previous).days > 3:
                segments.append([])
            segments[-1].append(f"{round(LEFT + (day - first).days * step, 1)},{y_of(price)}")
            previous = day
        lines.append(Line(market, f"line--{index % 4}", [" ".join(s) for s in segments if s], points[-1][1]))
    axis = [(y_of(value), value.quantize(Decimal("0.01"))) for value in (high, (high + low) / 2, low)]
    return TrendChart(WIDTH, HEIGHT, lines, axis, first, today, LEFT, WIDTH - RIGHT, HEIGHT - 4)
