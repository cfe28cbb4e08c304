"""Price board use cases: a reporter enters a price, the nightly job derives the platform's median,
a user sets or removes an alert, a user reads their notices.

Lock order (observation_create, prices_derive_day): the new observation row is written first, then
the item's alert rows are locked in id order (alerts_evaluate), so two observations of one item
evaluate its alerts one after the other and an alert fires once per crossing.

A price written here changes the public board: it bumps FARM_PRICES (the cache version of the board's
pages, meidu.core.cache_versions) once its transaction commits.
"""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.prices import checks
from incubator.prices.error_codes import FarmInfoErrorCode
from incubator.prices.models import (
    AlertDirection,
    FarmNotice,
    Grade,
    Market,
    PriceAlert,
    PriceAlertFiring,
    PriceObservation,
    PriceSource,
    PriceUnit,
    ProduceItem,
)
from incubator.prices.notices import NoticeKind, notice_send
from incubator.prices.selectors import item_for_product_name, item_names, market_platform, recent_median
from incubator.prices.units import pack_jin, price_to_base, unit_fits
from marketplace.orders.selectors import order_lines_sold_between
from meidu.core.cache_versions import FARM_PRICES, bump
from meidu.core.errors import DomainError
from meidu.integrations.event_types import WebhookEventType
from meidu.integrations.services.outbox import webhook_event_emit

BAND_FACTOR = Decimal(3)  # a price under a third or over three times the recent median needs confirming
BACKDATE_DAYS = 30
ALERTS_PER_USER = 20


def _unit_label(item: ProduceItem) -> str:
    return str(PriceUnit(item.unit).label)


def observation_create(
    reporter,
    *,
    item: ProduceItem,
    market: Market,
    day: dt.date,
    price,
    unit: str,
    grade: str = "",
    confirm: bool = False,
) -> PriceObservation:
    """A station agent or staff reports the day's price at a market. The price is converted to the item's
    base unit; one outside a band around the last 30 days' median is refused unless ``confirm``."""
    unit = checks.choice(unit, "unit", PriceUnit.values)
    grade = checks.choice(grade or "", "grade", Grade.values)
    entered = checks.number(price, "price", maximum=checks.PRICE_MAX)
    if not unit_fits(item.unit, unit):
        raise DomainError(
            _("%(item)s is priced in %(unit)s.") % {"item": item.name, "unit": _unit_label(item)},
            FarmInfoErrorCode.WRONG_UNIT,
            field="unit",
        )
    today = timezone.localdate()
    if not isinstance(day, dt.date) or day > today or day < today - dt.timedelta(days=BACKDATE_DAYS):
        raise DomainError(
            _("Enter a day within the last %(days)d days.") % {"days": BACKDATE_DAYS},
            FarmInfoErrorCode.INVALID,
            field="day",
        )
    if market.kind == "platform":
        raise DomainError(
            _("Platform prices are derived from sales, not reported."), FarmInfoErrorCode.INVALID, field="market"
        )
    base = price_to_base(entered, unit, item.unit)
    if base <= 0:
        raise DomainError(_("Enter a number above zero."), FarmInfoErrorCode.INVALID, field="price")
    median = recent_median(item.pk, day)
    outlier = median is not None and not (median / BAND_FACTOR <= base <= median * BAND_FACTOR)
    if outlier and not confirm:
        raise DomainError(
            _(
                "%(price)s %(unit)s is far from the recent median of %(median)s %(unit)s. "
                "Check the price and unit, or confirm it."
            )
            % {"price": base, "unit": _unit_label(item), "median": median},
            FarmInfoErrorCode.PRICE_OUT_OF_BAND,
            field="price",
        )
    with transaction.atomic():
        observation = PriceObservation.objects.create(
            item=item,
            market=market,
            day=day,
            price=base,
            grade=grade,
            source=PriceSource.REPORTER,
            reporter=reporter if getattr(reporter, "is_authenticated", False) and hasattr(reporter, "phone") else None,
            entered_price=entered,
            entered_unit=unit,
            confirmed_outlier=outlier,
        )
        alerts_evaluate(observation)
        bump(FARM_PRICES)
    return observation


def _median(values: list[Decimal]) -> Decimal:
    return Decimal(statistics.median(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def prices_derive_day(day: dt.date) -> int:
    """The platform's own price of each item on ``day``: the median unit price of its sales (lines of
    orders placed that day, not cancelled, whose product name names the item), with the number of sales.
    Idempotent: a day derived again replaces its figures. Returns the number of items priced."""
    platform = market_platform()
    if platform is None:
        return 0
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    lines = order_lines_sold_between(start, start + dt.timedelta(days=1))
    if not lines:
        return 0
    names = item_names()
    units = dict(ProduceItem.objects.values_list("pk", "unit"))
    prices: dict[int, list[Decimal]] = {}
    for line in lines:
        if line["currency"] != "CNY":
            continue
        item_id = item_for_product_name(line["product_name"], names)
        if item_id is None:
            continue
        item_unit = units[item_id]
        if item_unit == PriceUnit.HEAD:
            if line["sold_by_weight"]:
                continue
            unit = PriceUnit.HEAD
        elif line["sold_by_weight"] and line["weight_unit"] in ("jin", "kg"):
            unit = line["weight_unit"]
        else:
            pack = pack_jin(f"{line['product_name']} {line['variant_name']}")
            if pack is None:
                continue  # a pack of unknown weight says nothing about the price per 斤
            per_jin = (line["unit_price_amount"] / pack).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            prices.setdefault(item_id, []).append(per_jin)
            continue
        prices.setdefault(item_id, []).append(price_to_base(line["unit_price_amount"], unit, item_unit))
    derived = 0
    with transaction.atomic():
        for item_id, values in sorted(prices.items()):
            median = _median(values)
            observation, _created = PriceObservation.objects.update_or_create(
                item_id=item_id,
                market=platform,
                day=day,
                source=PriceSource.SALES,
                defaults={
                    "price": median,
                    "entered_price": median,
                    "entered_unit": units[item_id],
                    "sales_count": len(values),
                    "grade": "",
                },
            )
            alerts_evaluate(observation)
            derived += 1
        bump(FARM_PRICES)
    return derived


def prices_derive_recent(today: dt.date | None = None, days: int = 3) -> int:
    """The beat job: derive the last ``days`` finished days (a missed night is caught up; re-deriving is harmless)."""
    today = today or timezone.localdate()
    return sum(prices_derive_day(today - dt.timedelta(days=back)) for back in range(1, days + 1))


def _is_beyond(alert: PriceAlert, price: Decimal) -> bool:
    return price > alert.threshold if alert.direction == AlertDirection.ABOVE else price < alert.threshold


def alerts_evaluate(observation: PriceObservation) -> int:
    """Fire each alert of the observation's item whose price just crossed its threshold (was not beyond it
    at the last price seen, is now): a notice to its owner and a webhook; re-arm those back on the near side.
    Only the latest day counts: a back-dated price moves no alert. Returns how many fired."""
    latest = (
        PriceObservation.objects.filter(item_id=observation.item_id, market_id=observation.market_id)
        .order_by("-day", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if latest != observation.pk:
        return 0
    alerts = list(
        PriceAlert.objects.select_for_update()
        .filter(Q(market__isnull=True) | Q(market_id=observation.market_id), item_id=observation.item_id)
        .order_by("pk")
    )
    fired = 0
    item = observation.item
    for alert in alerts:
        beyond = _is_beyond(alert, observation.price)
        if beyond == alert.beyond:
            continue
        alert.beyond = beyond
        if not beyond:
            alert.save(update_fields=["beyond"])
            continue
        alert.fired_count += 1
        alert.last_fired_at = timezone.now()
        alert.save(update_fields=["beyond", "fired_count", "last_fired_at"])
        PriceAlertFiring.objects.create(alert=alert, observation=observation, price=observation.price)
        data = {
            "alert": alert.pk,
            "item": item.name,
            "item_code": item.code,
            "direction": alert.direction,
            "threshold": str(alert.threshold),
            "unit": str(PriceUnit(item.unit).label),
            "price": str(observation.price),
            "market": observation.market.name,
            "day": observation.day.isoformat(),
        }
        notice_send(alert.user_id, NoticeKind.PRICE_ALERT, data)
        webhook_event_emit(WebhookEventType.FARM_PRICE_ALERT_FIRED, {**data, "user": alert.user_id})
        fired += 1
    return fired


def alert_create(user, *, item: ProduceItem, market: Market | None, direction: str, threshold, unit: str) -> PriceAlert:
    """ "Tell me when pears pass 3 元/斤". The alert starts on the side the latest price is on, so it fires
    on the next crossing, not at once."""
    direction = checks.choice(direction, "direction", AlertDirection.values)
    unit = checks.choice(unit, "unit", PriceUnit.values)
    entered = checks.number(threshold, "threshold", maximum=checks.PRICE_MAX)
    if not unit_fits(item.unit, unit):
        raise DomainError(
            _("%(item)s is priced in %(unit)s.") % {"item": item.name, "unit": _unit_label(item)},
            FarmInfoErrorCode.WRONG_UNIT,
            field="unit",
        )
    base = price_to_base(entered, unit, item.unit)
    if base <= 0:
        raise DomainError(_("Enter a number above zero."), FarmInfoErrorCode.INVALID, field="threshold")
    with transaction.atomic():
        if PriceAlert.objects.select_for_update().filter(user=user).count() >= ALERTS_PER_USER:
            raise DomainError(
                _("You can keep at most %(max)d price alerts.") % {"max": ALERTS_PER_USER},
                FarmInfoErrorCode.TOO_MANY_ALERTS,
            )
        latest = PriceObservation.objects.filter(item=item)
        if market is not None:
            latest = latest.filter(market=market)
        last_price = latest.order_by("-day", "-id").values_list("price", flat=True).first()
        alert = PriceAlert(user=user, item=item, market=market, direction=direction, threshold=base, entered_unit=unit)
        alert.beyond = last_price is not None and _is_beyond(alert, last_price)
        alert.save()
    return alert


def alert_delete(user, alert: PriceAlert) -> None:
    if alert.user_id != user.pk:
        raise DomainError(_("Price alert not found."), FarmInfoErrorCode.NOT_FOUND, field="id")
    alert.delete()


def notices_mark_read(user) -> int:
    return FarmNotice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
