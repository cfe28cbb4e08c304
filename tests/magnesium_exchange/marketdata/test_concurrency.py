"""Concurrent writers on real connections: a retried trade recorded twice at once writes one print,
and late prints racing each other both end up in the day's bar (the locks in services' docstring)."""

from decimal import Decimal

import pytest

from magnesium_exchange.marketdata.models import DailyBar, TradePrint
from magnesium_exchange.marketdata.services import daily_bars_build, marketdata_trade_record
from tests.magnesium_exchange.marketdata.support import DAY, at, tape
from tests.support.races import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_trade_recorded_twice_at_once_is_one_print(grades):
    kwargs = dict(
        grade=grades["fm-97"],
        price=Decimal("3800.00"),
        quantity=Decimal("10.000"),
        executed_at=at(DAY, 10),
        reference="trade:7",
    )
    first, second = (
        outcome.value
        for outcome in race(lambda: marketdata_trade_record(**kwargs), lambda: marketdata_trade_record(**kwargs))
    )
    assert first.pk == second.pk and TradePrint.objects.count() == 1


def test_late_prints_racing_each_other_all_reach_the_bar(grades):
    fm97 = grades["fm-97"]
    tape(fm97, DAY, [("3800.00", "10.000")])
    daily_bars_build(DAY)
    calls = [
        lambda n=n: marketdata_trade_record(
            grade=fm97,
            price=Decimal("3900.00"),
            quantity=Decimal("10.000"),
            executed_at=at(DAY, 14, n),
            reference=f"late:{n}",
        )
        for n in range(3)
    ]
    calls.append(lambda: daily_bars_build(DAY))
    outcomes = race(*calls)
    assert not [outcome.code for outcome in outcomes if not outcome.ok]
    bar = DailyBar.objects.get(grade=fm97, day=DAY)
    assert (bar.trade_count, bar.volume, bar.close) == (4, Decimal("40.000"), Decimal("3900.00"))
    assert bar.vwap == Decimal("3875.00")
