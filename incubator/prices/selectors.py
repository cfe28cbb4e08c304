"""Reads of the price board: items and their aliases, the board of latest prices, an item's trend,
the recent median that bounds a new price, a user's alerts and notices.

The board and the trend are one SQL statement each whatever the number of items or days (the
benchmark in benchmarks/farm_board.py holds them to 50 ms at p95 with 3 years of 50 items)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch, QuerySet

from incubator.prices.models import (
    FarmNotice,
    Market,
    PriceAlert,
    PriceObservation,
    ProduceAlias,
    ProduceItem,
)


def produce_item_list() -> QuerySet[ProduceItem]:
    """Every item with its aliases (two queries)."""
    return ProduceItem.objects.order_by("position", "id").prefetch_related(
        Prefetch("aliases", queryset=ProduceAlias.objects.order_by("id"))
    )


def produce_item_get(code: str) -> ProduceItem | None:
    return ProduceItem.objects.filter(code=code).first()


def produce_item_get_by_pk(pk) -> ProduceItem | None:
    return ProduceItem.objects.filter(pk=pk).first()


def market_list() -> list[Market]:
    return list(Market.objects.select_related("town").order_by("position", "id"))


def market_get(code: str) -> Market | None:
    return Market.objects.filter(code=code).first()


def market_get_by_pk(pk) -> Market | None:
    return Market.objects.filter(pk=pk).first()


def market_platform() -> Market | None:
    return Market.objects.filter(kind="platform").first()


def item_names() -> dict[str, int]:
    """{name or alias, lower-cased: item pk}: what posts and sales are matched through."""
    names = {name.lower(): pk for pk, name in ProduceItem.objects.values_list("pk", "name")}
    names.update({code.lower(): pk for pk, code in ProduceItem.objects.values_list("pk", "code")})
    names.update({alias.lower(): item for item, alias in ProduceAlias.objects.values_list("item_id", "alias")})
    return names


def item_resolve(text: str) -> ProduceItem | None:
    """The item a typed name means: its code, its name, or one of its aliases (玉米, 苞米, 棒子)."""
    key = (text or "").strip().lower()
    if not key:
        return None
    pk = item_names().get(key)
    return ProduceItem.objects.filter(pk=pk).first() if pk else None


def item_for_product_name(product_name: str, names: dict[str, int]) -> int | None:
    """The item a product's name mentions (the longest name or alias it contains), or None."""
    lowered = product_name.lower()
    best = None
    for name, pk in names.items():
        if name and name in lowered and (best is None or len(name) > len(best[0])):
            best = (name, pk)
    return best[1] if best else None


def recent_median(item_id: int, day: dt.date, days: int = 30) -> Decimal | None:
    """The median price of the item over the ``days`` before ``day`` (every market), or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY price) FROM farm_prices_priceobservation "
            "WHERE item_id = %s AND day > %s AND day <= %s",
            [item_id, day - dt.timedelta(days=days), day],
        )
        value = cursor.fetchone()[0]
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class BoardCell:
    item_id: int
    market_id: int
    day: dt.date
    price: Decimal
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.price - self.previous


# The rows of the last ``stale_days`` days (an index on day finds them: ~14 x items x markets rows),
# numbered per item and market from the newest; the newest is the board's price, the next its change.
_BOARD_SQL = """
SELECT item_id, market_id, day, price, prev FROM (
    SELECT o.item_id, o.market_id, o.day, o.price,
        lead(o.price) OVER w AS prev, row_number() OVER w AS n
    FROM farm_prices_priceobservation o
    WHERE o.day <= %s AND o.day > %s
    WINDOW w AS (PARTITION BY o.item_id, o.market_id ORDER BY o.day DESC, o.id DESC)
) latest
WHERE n = 1
"""


def board_cells(today: dt.date, stale_days: int = 14) -> dict[tuple[int, int], BoardCell]:
    """{(item, market): the latest price of the last ``stale_days`` days and the one before it (within them)}."""
    with connection.cursor() as cursor:
        cursor.execute(_BOARD_SQL, [today, today - dt.timedelta(days=stale_days)])
        rows = cursor.fetchall()
    return {(row[0], row[1]): BoardCell(row[0], row[1], row[2], row[3], row[4]) for row in rows}


def item_trend(item_id: int, today: dt.date, days: int) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """{market pk: [(day, the day's average price)]} over the ``days`` up to ``today``, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT market_id, day, round(avg(price), 2) FROM farm_prices_priceobservation "
            "WHERE item_id = %s AND day > %s AND day <= %s GROUP BY market_id, day ORDER BY market_id, day",
            [item_id, today - dt.timedelta(days=days), today],
        )
        series: dict[int, list[tuple[dt.date, Decimal]]] = {}
        for market_id, day, price in cursor.fetchall():
            series.setdefault(market_id, []).append((day, price))
    return series


def observation_list(item_id=None, market_id=None, since=None, until=None) -> QuerySet[PriceObservation]:
    qs = PriceObservation.objects.all()
    if item_id is not None:
        qs = qs.filter(item_id=item_id)
    if market_id is not None:
        qs = qs.filter(market_id=market_id)
    if since is not None:
        qs = qs.filter(day__gte=since)
    if until is not None:
        qs = qs.filter(day__lte=until)
    return qs


def observation_list_latest(item_id: int, limit: int = 20) -> list[PriceObservation]:
    return list(
        PriceObservation.objects.filter(item_id=item_id).select_related("market").order_by("-day", "-id")[:limit]
    )


def alert_list_for_user(user) -> QuerySet[PriceAlert]:
    if not getattr(user, "is_authenticated", False):
        return PriceAlert.objects.none()
    return PriceAlert.objects.filter(user=user).select_related("item", "market").order_by("-id")


def alert_get_for_user(user, pk) -> PriceAlert | None:
    return alert_list_for_user(user).filter(pk=pk).first()


def alert_count_for_user(user) -> int:
    return PriceAlert.objects.filter(user=user).count()


def notice_list_for_user(user, limit: int = 50) -> list[FarmNotice]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(FarmNotice.objects.filter(user=user).order_by("-id")[:limit])


def notice_count_unread(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return FarmNotice.objects.filter(user=user, read_at__isnull=True).count()
