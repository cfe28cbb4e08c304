"""A loan's loan-to-value over time as plain numbers for an inline SVG (no JavaScript library), in the
style of storefront.exchange.price_chart: one slot per calendar day of the window, so days without a
valuation leave a gap; the loan's limit, warning and liquidation lines drawn across.

The percent axis runs from 0 to a little above the highest of the series and the liquidation line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, TOP, BOTTOM, LEFT, RIGHT = 360, 170, 10, 20, 36, 6


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: dt.date
    ltv: Decimal
    collateral_value: Decimal
    debt: Decimal
    above_warning: bool


@dataclass(frozen=True)
class Line:
    kind: str  # "limit", "warning" or "liquidation"
    y: float
    percent: Decimal


@dataclass(frozen=True)
class LtvChart:
    width: int
    height: int
    points: list[Point]
    polyline: str  # "x,y x,y ..." for a <polyline>
    lines: list[Line]
    axis: list[tuple[float, int]]  # (y, percent) gridlines
    first_day: dt.date
    last_day: dt.date
    plot_left: int
    plot_right: int
    label_y: int
    last: Point


def ltv_chart(
    valuations: list,
    *,
    limit: Decimal | None,
    warning: Decimal | None,
    liquidation: Decimal | None,
    until: dt.date,
    days: int,
) -> LtvChart | None:
    """The chart of ``valuations`` (LoanValuation rows, oldest first, those without an LTV skipped) over
    the ``days`` days ending ``until``; None when no valuation falls in the window."""
    first_day = until - dt.timedelta(days=days - 1)
    rows = [v for v in valuations if v.ltv_percent is not None and first_day <= v.day <= until]
    if not rows:
        return None
    thresholds = [p for p in (limit, warning, liquidation) if p is not None]
    top = max([row.ltv_percent for row in rows] + thresholds)
    ceiling = int((top * Decimal("1.1") / 10).to_integral_value(rounding="ROUND_CEILING")) * 10 or 10
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / days

    def y(percent: Decimal) -> float:
        return round(TOP + float((ceiling - percent) / ceiling) * plot_height, 1)

    points = [
        Point(
            x=round(LEFT + slot * ((row.day - first_day).days + 0.5), 1),
            y=y(row.ltv_percent),
            day=row.day,
            ltv=row.ltv_percent,
            collateral_value=row.collateral_value,
            debt=row.debt,
            above_warning=warning is not None and row.ltv_percent >= warning,
        )
        for row in rows
    ]
    lines = [
        Line(kind, y(percent), percent)
        for kind, percent in (("limit", limit), ("warning", warning), ("liquidation", liquidation))
        if percent is not None
    ]
    axis = [(y(Decimal(ceiling * i // 4)), ceiling * i // 4) for i in range(5)]
    return LtvChart(
        width=WIDTH,
        height=HEIGHT,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        lines=lines,
        axis=axis,
        first_day=first_day,
        last_day=until,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        label_y=HEIGHT - 5,
        last=points[-1],
    )
