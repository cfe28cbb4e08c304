"""Reads for the price page and the API: grade summaries and chart series, each a fixed number of
queries whatever the number of grades or days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from magnesium_exchange.commodities.models import Grade
from magnesium_exchange.marketdata.models import DailyBar, ReferencePrice, TradePrint


def reference_price_for(grade, day: dt.date) -> Decimal | None:
    """The reference price in force for trading on ``day``: the latest published before that day."""
    grade_id = grade.pk if isinstance(grade, Grade) else grade
    return (
        ReferencePrice.objects.filter(grade_id=grade_id, day__lt=day)
        .order_by("-day")
        .values_list("price", flat=True)
        .first()
    )


def reference_prices_for(grade_ids: list[int], day: dt.date) -> dict[int, Decimal]:
    """``reference_price_for`` of many grades in one query (PostgreSQL DISTINCT ON)."""
    rows = (
        ReferencePrice.objects.filter(grade_id__in=grade_ids, day__lt=day)
        .order_by("grade_id", "-day")
        .distinct("grade_id")
        .values_list("grade_id", "price")
    )
    return dict(rows)


MAX_DAYS = 366


@dataclass(frozen=True)
class GradeSummary:
    grade: Grade
    last_price: Decimal | None
    last_trade_at: dt.datetime | None
    reference_price: Decimal | None  # in force today: the latest published before today
    volume: Decimal  # today's tonnes
    trade_count: int  # today's trades

    @property
    def change(self) -> Decimal | None:
        if self.last_price is None or self.reference_price is None:
            return None
        return self.last_price - self.reference_price

    @property
    def change_percent(self) -> Decimal | None:
        """Change against the reference, in percent with two decimals (half-up)."""
        if self.change is None:
            return None
        return (self.change * 100 / self.reference_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def market_grade_summaries(day: dt.date | None = None) -> list[GradeSummary]:
    """Every active grade with its last price, change against the reference in force and the day's
    volume: four queries (grades, last prints, the day's totals, references)."""
    day = day or timezone.localdate()
    grades = list(
        Grade.objects.filter(is_active=True, commodity__is_active=True)
        .select_related("commodity")
        .order_by("commodity_id", "-rank", "id")
    )
    ids = [grade.pk for grade in grades]
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    last = {
        row.grade_id: row
        for row in TradePrint.objects.filter(grade_id__in=ids, executed_at__lt=end)
        .order_by("grade_id", "-executed_at", "-id")
        .distinct("grade_id")
        .only("grade_id", "price", "executed_at")
    }
    totals = {
        row["grade_id"]: row
        for row in TradePrint.objects.filter(grade_id__in=ids, trade_day=day)
        .values("grade_id")
        .annotate(volume=Sum("quantity"), trades=Count("id"))
    }
    references = reference_prices_for(ids, day)
    summaries = []
    for grade in grades:
        printed, total = last.get(grade.pk), totals.get(grade.pk, {})
        summaries.append(
            GradeSummary(
                grade=grade,
                last_price=printed.price if printed else None,
                last_trade_at=printed.executed_at if printed else None,
                reference_price=references.get(grade.pk),
                volume=total.get("volume") or Decimal("0.000"),
                trade_count=total.get("trades") or 0,
            )
        )
    return summaries


def daily_bar_series(grade_ids: list[int], days: int, until: dt.date | None = None) -> dict[int, list[DailyBar]]:
    """Bars of the last ``days`` calendar days up to ``until`` (today) per grade, oldest first: one query."""
    until = until or timezone.localdate()
    days = max(1, min(int(days), MAX_DAYS))
    since = until - dt.timedelta(days=days - 1)
    series: dict[int, list[DailyBar]] = {grade_id: [] for grade_id in grade_ids}
    for bar in DailyBar.objects.filter(grade_id__in=grade_ids, day__gte=since, day__lte=until).order_by(
        "grade_id", "day"
    ):
        series[bar.grade_id].append(bar)
    return series


def reference_series(grade_ids: list[int], days: int, until: dt.date | None = None) -> dict[int, list[ReferencePrice]]:
    """Published reference prices of the last ``days`` days per grade, oldest first: one query."""
    until = until or timezone.localdate()
    since = until - dt.timedelta(days=max(1, min(int(days), MAX_DAYS)) - 1)
    series: dict[int, list[ReferencePrice]] = {grade_id: [] for grade_id in grade_ids}
    for row in ReferencePrice.objects.filter(grade_id__in=grade_ids, day__gte=since, day__lte=until).order_by(
        "grade_id", "day"
    ):
        series[row.grade_id].append(row)
    return series


def reference_price_get(grade, day: dt.date) -> ReferencePrice | None:
    """The reference row in force for trading on ``day`` (published for an earlier day)."""
    grade_id = grade.pk if isinstance(grade, Grade) else grade
    return ReferencePrice.objects.filter(grade_id=grade_id, day__lt=day).order_by("-day").first()


def trade_print_list(grade, day: dt.date):
    return TradePrint.objects.filter(grade=grade, trade_day=day).order_by("executed_at", "id")
