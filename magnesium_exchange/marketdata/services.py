"""Market data use cases: record a trade on the tape, build the daily bars and reference prices
from it, and let an operator set a reference price.

``marketdata_trade_record`` is called by the trading services for every trade, inside their
transaction; it is idempotent on the trade's reference. ``daily_bars_build(day)`` is idempotent:
a second run writes nothing. The reference price published for a day is that day's VWAP, or the
previous reference when the grade did not trade; an operator-set price is never overwritten.

Lock order: the transaction-scoped advisory lock of the day (MARKETDATA_LOCK_NAMESPACE, day
ordinal) — shared when recording a print, so trades never wait for each other, exclusive when
building or setting the day — then, for a late print only, the grade's reference row and bar row
(SELECT ... FOR UPDATE). A build therefore sees every print committed before it and none half-way.

Every write here moves what the public price page shows: each bumps MAGNESIA_PRICES (the page's
cache version, meidu.core.cache_versions) once its transaction commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from magnesium_exchange.commodities.models import Grade
from magnesium_exchange.marketdata.error_codes import ExchangeMarketDataErrorCode as Code
from magnesium_exchange.marketdata.models import DailyBar, ReferencePrice, ReferenceSource, TradePrint
from magnesium_exchange.marketdata.selectors import reference_price_for, reference_prices_for
from magnesium_exchange.warehouses.services.tickets import user_of
from meidu.core.audit.services import audit_record
from meidu.core.cache_versions import MAGNESIA_PRICES, bump
from meidu.core.errors import DomainError
from meidu.core.money import is_quantized, quantize, to_decimal

MARKETDATA_LOCK_NAMESPACE = 0x4D444154  # "MDAT": keeps these advisory keys apart from any other use
FEN = Decimal("0.01")

# Amounts named in refusals, by input field.
_AMOUNT_NAMES = {"price": gettext_lazy("The price"), "quantity": gettext_lazy("The quantity")}


def _positive(value, unit: str, field: str, code: Code) -> Decimal:
    try:
        amount = to_decimal(value)
    except (TypeError, ValueError):
        raise DomainError(
            _("%(name)s must be a decimal") % {"name": _AMOUNT_NAMES.get(field, field)}, code, field=field
        ) from None
    if amount <= 0 or not is_quantized(amount, unit):
        places = 2 if unit == "CNY" else 3
        raise DomainError(
            _("%(name)s must be positive with at most %(places)s decimals")
            % {"name": _AMOUNT_NAMES.get(field, field), "places": places},
            code,
            field=field,
        )
    return quantize(amount, unit)


def _grade(grade) -> Grade:
    if isinstance(grade, Grade):
        return grade
    found = Grade.objects.filter(pk=grade).first()
    if found is None:
        raise DomainError(_("Grade not found"), Code.NOT_FOUND, field="grade")
    return found


def _lock_day(day: dt.date, shared: bool = False) -> None:
    """The day's advisory lock: shared for recording prints (they never wait for each other),
    exclusive for building or setting the day's bars and references."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [MARKETDATA_LOCK_NAMESPACE, day.toordinal()])


def vwap_of(prints: list[tuple[Decimal, Decimal]]) -> Decimal:
    """Sum(price × quantity) / sum(quantity), rounded half-up to the fen (exact until then)."""
    volume = sum((quantity for _price, quantity in prints), Decimal(0))
    turnover = sum((price * quantity for price, quantity in prints), Decimal(0))
    return (turnover / volume).quantize(FEN, rounding=ROUND_HALF_UP)


# --- the tape -------------------------------------------------------------------------------


def marketdata_trade_record(*, grade, price, quantity, executed_at, reference: str) -> TradePrint:
    """Put one trade on the tape. Recording the same ``reference`` again returns the first print
    (REFERENCE_REUSED if its terms differ). A print for a day already published (a late trade)
    republishes that grade's bar and computed reference for the day."""
    grade = _grade(grade)
    price = _positive(price, "CNY", "price", Code.INVALID_PRICE)
    quantity = _positive(quantity, "TNE", "quantity", Code.INVALID_QUANTITY)
    if not isinstance(executed_at, dt.datetime) or timezone.is_naive(executed_at):
        raise DomainError(_("executed_at must be a time with its time zone"), Code.INVALID_DATE, field="executedAt")
    reference = (reference or "").strip()
    if not reference or len(reference) > 80:
        raise DomainError(
            _("A print needs the trade's reference (at most 80 characters)"), Code.REQUIRED, field="reference"
        )
    day = timezone.localtime(executed_at).date()
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: a concurrent retry of the same trade waits for the first, then finds its row.
        _lock_day(day, shared=True)
        created_at = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TradePrint._meta.db_table} "
                "(grade_id, price, quantity, executed_at, trade_day, reference, created_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (reference) DO NOTHING RETURNING id",
                [grade.pk, price, quantity, executed_at, day, reference, created_at],
            )
            inserted = cursor.fetchone()
        if inserted is None:
            printed = TradePrint.objects.get(reference=reference)
            if (printed.grade_id, printed.price, printed.quantity, printed.executed_at) != (
                grade.pk,
                price,
                quantity,
                executed_at,
            ):
                raise DomainError(
                    _("Reference %(reference)s is already on the tape with other terms") % {"reference": reference},
                    Code.REFERENCE_REUSED,
                    field="reference",
                )
            return printed
        printed = TradePrint(
            pk=inserted[0],
            grade=grade,
            price=price,
            quantity=quantity,
            executed_at=executed_at,
            trade_day=day,
            reference=reference,
            created_at=created_at,
        )
        bump(MAGNESIA_PRICES)
        published = (
            Grade.objects.filter(pk=grade.pk)
            .annotate(
                bar=Exists(DailyBar.objects.filter(grade=grade, day=day)),
                reference=Exists(ReferencePrice.objects.filter(grade=grade, day=day)),
            )
            .values_list("bar", "reference")
            .get()
        )
        if any(published):
            # A late print: lock the grade's published rows, then re-read the tape (a concurrent late print
            # of the same grade waits here and, read-committed, then sees this one's print).
            row = ReferencePrice.objects.select_for_update().filter(grade=grade, day=day).first()
            bar = DailyBar.objects.select_for_update().filter(grade=grade, day=day).first()
            _grade_day_publish(grade.pk, day, _prints_by_grade(day, [grade.pk]).get(grade.pk, []), bar=bar, row=row)
    return printed


# --- daily bars and reference prices --------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    day: dt.date
    bars_written: int
    references_written: int


def _prints_by_grade(day: dt.date, grade_ids: list[int] | None = None) -> dict[int, list[tuple[Decimal, Decimal]]]:
    qs = TradePrint.objects.filter(trade_day=day)
    if grade_ids is not None:
        qs = qs.filter(grade_id__in=grade_ids)
    found: dict[int, list[tuple[Decimal, Decimal]]] = {}
    for grade_id, price, quantity in qs.order_by("executed_at", "id").values_list("grade_id", "price", "quantity"):
        found.setdefault(grade_id, []).append((price, quantity))
    return found


def _bar_values(prints: list[tuple[Decimal, Decimal]]) -> dict:
    prices = [price for price, _quantity in prints]
    turnover = sum((price * quantity for price, quantity in prints), Decimal(0))
    return {
        "open": prices[0],
        "high": max(prices),
        "low": min(prices),
        "close": prices[-1],
        "vwap": vwap_of(prints),
        "volume": sum((quantity for _price, quantity in prints), Decimal(0)),
        "turnover": turnover.quantize(FEN, rounding=ROUND_HALF_UP),
        "trade_count": len(prints),
    }


_UNKNOWN = object()


def _grade_day_publish(
    grade_id: int,
    day: dt.date,
    prints: list,
    previous: Decimal | None = None,
    previous_known: bool = False,
    bar=_UNKNOWN,
    row=_UNKNOWN,
) -> tuple[int, int]:
    """Write the grade's bar and reference for ``day`` when they differ from what is stored (``bar`` and
    ``row`` when the caller fetched them); returns (bars written, references written). Call under the day's lock."""
    bars = references = 0
    if bar is _UNKNOWN:
        bar = DailyBar.objects.filter(grade_id=grade_id, day=day).first()
    if prints:
        values = _bar_values(prints)
        if bar is None:
            DailyBar.objects.create(grade_id=grade_id, day=day, **values)
            bars += 1
        elif any(getattr(bar, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(bar, key, value)
            bar.save()
            bars += 1
        wanted = (values["vwap"], ReferenceSource.VWAP)
    else:
        if not previous_known:
            previous = reference_price_for(grade_id, day)
        wanted = (previous, ReferenceSource.CARRIED) if previous is not None else None
    if row is _UNKNOWN:
        row = ReferencePrice.objects.filter(grade_id=grade_id, day=day).first()
    if wanted is None or (row is not None and row.source == ReferenceSource.OPERATOR):
        return bars, references
    price, source = wanted
    if row is None:
        ReferencePrice.objects.create(grade_id=grade_id, day=day, price=price, source=source)
        references += 1
    elif (row.price, row.source) != (price, source):
        row.price, row.source, row.reason, row.set_by = price, source, "", None
        row.save()
        references += 1
    return bars, references


def daily_bars_build(day: dt.date) -> BuildResult:
    """Build every grade's bar for ``day`` from the tape and publish the reference prices (VWAP,
    else the previous reference; operator-set prices stay). Idempotent: writes only what changed.
    Build days in order: a carried reference copies the latest one before the day."""
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise DomainError(_("day must be a date"), Code.INVALID_DATE, field="day")
    with transaction.atomic():
        _lock_day(day)
        prints = _prints_by_grade(day)
        grade_ids = set(Grade.objects.filter(is_active=True).values_list("pk", flat=True)) | set(prints)
        previous = reference_prices_for(sorted(grade_ids), day)
        stored_bars = {bar.grade_id: bar for bar in DailyBar.objects.filter(day=day)}
        stored_rows = {row.grade_id: row for row in ReferencePrice.objects.filter(day=day)}
        bars = references = 0
        for grade_id in sorted(grade_ids):
            wrote = _grade_day_publish(
                grade_id,
                day,
                prints.get(grade_id, []),
                previous.get(grade_id),
                previous_known=True,
                bar=stored_bars.get(grade_id),
                row=stored_rows.get(grade_id),
            )
            bars, references = bars + wrote[0], references + wrote[1]
        if bars or references:
            bump(MAGNESIA_PRICES)
            audit_record(
                "exchange.daily_bars_built", data={"day": day.isoformat(), "bars": bars, "references": references}
            )
    return BuildResult(day, bars, references)


def reference_price_set(*, grade, day: dt.date, price, reason: str, actor=None) -> ReferencePrice:
    """An operator publishes (or corrects) the reference price of ``grade`` for ``day`` (in force from
    the next day); the reason and the previous value go to the audit log. Later builds keep it."""
    grade = _grade(grade)
    price = _positive(price, "CNY", "price", Code.INVALID_PRICE)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for setting the reference price"), Code.REQUIRED, field="reason")
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime) or day > timezone.localdate():
        raise DomainError(_("The reference price is set for today or an earlier day"), Code.INVALID_DATE, field="date")
    with transaction.atomic():
        _lock_day(day)
        row = ReferencePrice.objects.filter(grade=grade, day=day).first()
        before = None if row is None else {"price": str(row.price), "source": row.source}
        if row is None:
            row = ReferencePrice(grade=grade, day=day)
        row.price, row.source, row.reason, row.set_by = price, ReferenceSource.OPERATOR, reason[:255], user_of(actor)
        row.save()
        bump(MAGNESIA_PRICES)
        audit_record(
            "exchange.reference_price_set",
            actor=actor,
            target=row,
            data={
                "grade": grade.code,
                "day": day.isoformat(),
                "price": str(price),
                "reason": row.reason,
                "previous": before,
            },
        )
    return row
