"""The trading calendar: weekends and published holidays are closed, T+n counts trading days, the
resale lock and the settlement deadline follow it."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from magnesium_exchange.trading.calendar import is_trading_day, trading_day_after
from magnesium_exchange.trading.config import trading_config
from magnesium_exchange.trading.models import TradingHoliday

pytestmark = pytest.mark.django_db


def beijing(*args):
    return timezone.make_aware(datetime(*args))


def national_day_2026():
    TradingHoliday.objects.bulk_create([TradingHoliday(date=date(2026, 10, d), name="国庆节") for d in range(1, 8)])


def test_weekends_and_holidays_are_closed():
    national_day_2026()
    assert is_trading_day(date(2026, 9, 30))  # a Wednesday
    assert not is_trading_day(date(2026, 10, 1))  # National Day, a Thursday
    assert not is_trading_day(date(2026, 10, 10))  # a make-up working Saturday: still closed to trading
    assert not is_trading_day(date(2026, 11, 29))  # a Sunday


def test_t_plus_n_counts_trading_days_only():
    assert trading_day_after(date(2026, 11, 23), 5) == date(2026, 11, 30)  # Monday + 5 = next Monday
    assert trading_day_after(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday + 1 = Monday
    assert trading_day_after(date(2026, 11, 28), 1) == date(2026, 11, 30)  # from a Saturday
    assert trading_day_after(date(2026, 11, 27), 0) == date(2026, 11, 27)
    national_day_2026()
    assert trading_day_after(date(2026, 9, 30), 1) == date(2026, 10, 8)  # across the Golden Week
    assert trading_day_after(date(2026, 9, 28), 5) == date(2026, 10, 12)


def test_resale_lock_and_settlement_deadline_follow_the_calendar(settings):
    national_day_2026()
    config = trading_config()
    # settled on Wednesday 30 September at 14:00: T+5 is Wednesday 14 October (8, 9, 12, 13, 14: the
    # Golden Week and a weekend are closed)
    assert config.resale_lock_until(beijing(2026, 9, 30, 14, 0)) == beijing(2026, 10, 14, 0, 0)
    # traded on Tuesday 29 September 10:30: three trading days later (30, 8, 9) is Friday 9 October, 10:30
    assert config.settlement_due(beijing(2026, 9, 29, 10, 30)) == beijing(2026, 10, 9, 10, 30)
    settings.EXCHANGE_TRADING = {"RESALE_LOCK_DAYS": 0}
    assert trading_config().resale_lock_until(beijing(2026, 11, 27, 9, 0)) == timezone.make_aware(
        datetime.combine(date(2026, 11, 27), time.min)
    )
