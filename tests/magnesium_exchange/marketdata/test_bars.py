"""Daily bars and VWAP from a known tape; idempotent builds; the tape's idempotency and refusals."""

import datetime as dt
from decimal import Decimal

import pytest

from magnesium_exchange.marketdata.models import DailyBar, ReferencePrice, ReferenceSource, TradePrint
from magnesium_exchange.marketdata.services import daily_bars_build, marketdata_trade_record, vwap_of
from meidu.core.audit.models import AuditEvent
from meidu.core.errors import DomainError
from tests.magnesium_exchange.marketdata.support import DAY, at, tape

pytestmark = pytest.mark.django_db


def test_bar_from_a_known_tape(grades):
    fm97 = grades["fm-97"]
    tape(fm97, DAY, [("3800.00", "100.000"), ("3850.00", "50.000"), ("3780.00", "25.500"), ("3820.00", "10.000")])
    result = daily_bars_build(DAY)
    bar = DailyBar.objects.get(grade=fm97, day=DAY)
    assert (bar.open, bar.high, bar.low, bar.close) == (
        Decimal("3800.00"),
        Decimal("3850.00"),
        Decimal("3780.00"),
        Decimal("3820.00"),
    )
    assert bar.volume == Decimal("185.500") and bar.trade_count == 4
    # turnover = 380000 + 192500 + 96390 + 38200 = 707090.00; 707090 / 185.5 = 3811.805929... -> 3811.81
    assert bar.turnover == Decimal("707090.00") and bar.vwap == Decimal("3811.81")
    assert result.bars_written == 1
    reference = ReferencePrice.objects.get(grade=fm97, day=DAY)
    assert reference.price == Decimal("3811.81") and reference.source == ReferenceSource.VWAP


def test_vwap_rounds_half_up_to_the_fen():
    # (1000.01 * 1 + 1000.00 * 1) / 2 = 1000.005 exactly: half-up gives 1000.01 (banker's would give 1000.00)
    assert vwap_of([(Decimal("1000.01"), Decimal("1.000")), (Decimal("1000.00"), Decimal("1.000"))]) == Decimal(
        "1000.01"
    )
    # 1000.00 * 2 + 1000.01 * 1 = 3000.01 / 3 = 1000.00333 -> 1000.00
    assert vwap_of([(Decimal("1000.00"), Decimal("2.000")), (Decimal("1000.01"), Decimal("1.000"))]) == Decimal(
        "1000.00"
    )
    assert vwap_of([(Decimal("0.01"), Decimal("0.001")), (Decimal("0.02"), Decimal("0.001"))]) == Decimal("0.02")


def test_build_is_idempotent_and_writes_nothing_the_second_time(grades):
    tape(grades["db-90"], DAY, [("1400.00", "60.000"), ("1410.00", "40.000")])
    first = daily_bars_build(DAY)
    assert first.bars_written == 1 and first.references_written == 1
    snapshot = list(DailyBar.objects.values()), list(ReferencePrice.objects.values())
    audits = AuditEvent.objects.count()
    second = daily_bars_build(DAY)
    assert (second.bars_written, second.references_written) == (0, 0)
    assert (list(DailyBar.objects.values()), list(ReferencePrice.objects.values())) == snapshot
    assert AuditEvent.objects.count() == audits


def test_a_day_without_trades_carries_the_previous_reference(grades):
    lb85 = grades["lb-85"]
    tape(lb85, DAY, [("900.00", "30.000")])
    daily_bars_build(DAY)
    next_day = DAY + dt.timedelta(days=1)
    result = daily_bars_build(next_day)
    assert not DailyBar.objects.filter(day=next_day).exists()
    carried = ReferencePrice.objects.get(grade=lb85, day=next_day)
    assert carried.price == Decimal("900.00") and carried.source == ReferenceSource.CARRIED
    assert result.bars_written == 0 and result.references_written == 1  # grades that never traded get none
    assert ReferencePrice.objects.filter(day=next_day).count() == 1


def test_a_late_print_republishes_its_day(grades):
    fm97 = grades["fm-97"]
    tape(fm97, DAY, [("3800.00", "10.000")])
    daily_bars_build(DAY)
    marketdata_trade_record(
        grade=fm97,
        price=Decimal("3900.00"),
        quantity=Decimal("10.000"),
        executed_at=at(DAY, 14, 59),
        reference="late:1",
    )
    bar = DailyBar.objects.get(grade=fm97, day=DAY)
    assert (bar.close, bar.vwap, bar.trade_count) == (Decimal("3900.00"), Decimal("3850.00"), 2)
    assert ReferencePrice.objects.get(grade=fm97, day=DAY).price == Decimal("3850.00")
    assert daily_bars_build(DAY).bars_written == 0


def test_recording_a_trade_twice_writes_one_print(grades):
    fm97 = grades["fm-97"]
    kwargs = dict(
        grade=fm97, price=Decimal("3800.00"), quantity=Decimal("12.500"), executed_at=at(DAY, 10), reference="trade:42"
    )
    first = marketdata_trade_record(**kwargs)
    second = marketdata_trade_record(**kwargs)
    assert first.pk == second.pk and TradePrint.objects.count() == 1
    assert first.trade_day == DAY
    with pytest.raises(DomainError) as refused:
        marketdata_trade_record(**{**kwargs, "price": Decimal("3801.00")})
    assert refused.value.code == "reference_reused"
    assert TradePrint.objects.count() == 1


def test_the_trade_day_is_the_local_date(grades):
    # 23:30 UTC on the 19th is 07:30 on the 20th in Shanghai.
    executed = dt.datetime(2026, 11, 19, 23, 30, tzinfo=dt.timezone.utc)
    printed = marketdata_trade_record(
        grade=grades["fm-97"], price="3800.00", quantity="1.000", executed_at=executed, reference="tz:1"
    )
    assert printed.trade_day == DAY


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("price", Decimal("0"), "invalid_price"),
        ("price", Decimal("3800.001"), "invalid_price"),
        ("price", 3800.5, "invalid_price"),
        ("quantity", Decimal("-1"), "invalid_quantity"),
        ("quantity", Decimal("1.0001"), "invalid_quantity"),
        ("executed_at", dt.datetime(2026, 11, 20, 10), "invalid_date"),
        ("reference", "  ", "required"),
    ],
)
def test_bad_prints_are_refused_and_nothing_is_written(grades, field, value, code):
    kwargs = dict(
        grade=grades["fm-97"],
        price=Decimal("3800.00"),
        quantity=Decimal("1.000"),
        executed_at=at(DAY, 10),
        reference="bad:1",
    )
    kwargs[field] = value
    with pytest.raises(DomainError) as refused:
        marketdata_trade_record(**kwargs)
    assert refused.value.code == code
    assert not TradePrint.objects.exists()


def test_bars_are_per_grade_and_per_day(grades):
    tape(grades["fm-97"], DAY, [("3800.00", "1.000")])
    tape(grades["fm-98"], DAY, [("4300.00", "2.000")])
    tape(grades["fm-97"], DAY + dt.timedelta(days=1), [("3810.00", "3.000")])
    daily_bars_build(DAY)
    assert DailyBar.objects.filter(day=DAY).count() == 2
    assert not DailyBar.objects.filter(day=DAY + dt.timedelta(days=1)).exists()


def test_the_close_task_builds_yesterday_and_today_after_the_close(grades, settings):
    from django.utils import timezone

    from magnesium_exchange.marketdata.tasks import daily_bars_close

    assert (
        settings.CELERY_BEAT_SCHEDULE["exchange-daily-bars-close"]["task"]
        == "magnesium_exchange.marketdata.tasks.daily_bars_close"
    )
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    tape(grades["fm-97"], yesterday, [("3800.00", "1.000")])
    tape(grades["fm-97"], today, [("3810.00", "1.000")])
    settings.EXCHANGE_MARKET_CLOSE = "23:59"
    if timezone.localtime().time() < dt.time(23, 59):
        daily_bars_close.delay()
        assert list(DailyBar.objects.values_list("day", flat=True)) == [yesterday]
    settings.EXCHANGE_MARKET_CLOSE = "00:00"
    daily_bars_close.delay()
    assert list(DailyBar.objects.values_list("day", flat=True)) == [yesterday, today]
    assert daily_bars_close() == [f"{yesterday}: 0 bars, 0 references", f"{today}: 0 bars, 0 references"]


def test_chart_series_cost_one_query_whatever_the_grades(grades, django_assert_num_queries):
    from magnesium_exchange.marketdata.selectors import daily_bar_series

    for code in ("fm-97", "db-90", "lb-85"):
        for back in range(3):
            tape(grades[code], DAY - dt.timedelta(days=back), [("1000.00", "1.000")], prefix=f"s{back}")
    for back in range(3):
        daily_bars_build(DAY - dt.timedelta(days=back))
    ids = [grade.pk for grade in grades.values()]
    with django_assert_num_queries(1):
        series = daily_bar_series(ids, 2, until=DAY)
    assert [bar.day for bar in series[grades["fm-97"].pk]] == [DAY - dt.timedelta(days=1), DAY]
    assert series[grades["ore-46"].pk] == []
