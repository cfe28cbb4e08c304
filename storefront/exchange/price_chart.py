"""A grade's daily candles and VWAP line as plain numbers for an inline SVG (no JavaScript library).

The price axis spans the lowest low to the highest high of the window (padded), one slot per
calendar day, so days without trades leave a gap rather than squeezing the chart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, TOP, BOTTOM, LEFT, RIGHT = 360, 160, 10, 20, 44, 6


@dataclass(frozen=True)
class Candle:
    x: float  # centre of the slot
    body_x: float
    body_width: float
    high_y: float
    low_y: float
    body_y: float
    body_height: float
    rising: bool
    day: dt.date
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    vwap: Decimal
    volume: Decimal


@dataclass(frozen=True)
class PriceChart:
    width: int
    height: int
    candles: list[Candle]
    vwap_points: str  # "x,y x,y ..." for a <polyline>
    axis: list[tuple[float, Decimal]]  # (y, price) gridlines
    first_day: dt.date
    last_day: dt.date
    plot_left: int
    plot_right: int
    label_y: int


def price_chart(bars: list, until: dt.date, days: int) -> PriceChart | None:
    """Candles for ``bars`` (DailyBar rows, oldest first) over the ``days`` days ending ``until``; None without bars."""
    if not bars:
        return None
    first_day = until - dt.timedelta(days=days - 1)
    low = min(bar.low for bar in bars)
    high = max(bar.high for bar in bars)
    pad = max((high - low) * Decimal("0.08"), high * Decimal("0.005"), Decimal("1"))
    low, high = low - pad, high + pad
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / days

    def y(price: Decimal) -> float:
        return round(TOP + float((high - price) / (high - low)) * plot_height, 1)

    candles = []
    for bar in bars:
        index = (bar.day - first_day).days
        centre = LEFT + slot * (index + 0.5)
        body_width = max(slot * 0.6, 1.0)
        top, bottom = y(max(bar.open, bar.close)), y(min(bar.open, bar.close))
        candles.append(
            Candle(
                x=round(centre, 1),
                body_x=round(centre - body_width / 2, 1),
                body_width=round(body_width, 1),
                high_y=y(bar.high),
                low_y=y(bar.low),
                body_y=top,
                body_height=max(round(bottom - top, 1), 1.0),
                rising=bar.close >= bar.open,
                day=bar.day,
                open=bar.open,
                high=bar.high,
                low=bar.low,
                close=bar.close,
                vwap=bar.vwap,
                volume=bar.volume,
            )
        )
    points = " ".join(f"{candle.x},{y(candle.vwap)}" for candle in candles)
    step = (high - low) / 3
    axis = [(y(high - step * i), (high - step * i).quantize(Decimal("1"))) for i in range(4)]
    return PriceChart(
        width=WIDTH,
        height=HEIGHT,
        candles=candles,
        vwap_points=points,
        axis=axis,
        first_day=first_day,
        last_day=until,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        label_y=HEIGHT - 5,
    )
