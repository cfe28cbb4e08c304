"""The exchange's trading calendar: Monday to Friday in Beijing time, except the holidays operators
publish (TradingHoliday). "T+n" counts trading days: goods settled on day T may be listed again from
the start of the n-th trading day after T, and a balance is due by the same time of day on the n-th
trading day after the trade."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from magnesium_exchange.trading.models import TradingHoliday

SEARCH_DAYS = 60  # more than any run of closed days (the Spring Festival closes about 9)


def holidays_between(first: date, last: date) -> set[date]:
    return set(TradingHoliday.objects.filter(date__range=(first, last)).values_list("date", flat=True))


def is_trading_day(day: date, holidays: set[date] | None = None) -> bool:
    holidays = holidays_between(day, day) if holidays is None else holidays
    return day.weekday() < 5 and day not in holidays


def trading_day_after(day: date, n: int) -> date:
    """The n-th trading day after ``day`` (``day`` itself need not be one); ``day`` for n = 0."""
    if n <= 0:
        return day
    window = max(SEARCH_DAYS, n * 3)
    holidays = holidays_between(day, day + timedelta(days=window))
    found, current = 0, day
    while found < n:
        current += timedelta(days=1)
        if current > day + timedelta(days=window):  # a longer closure than expected: widen the window
            holidays |= holidays_between(current, current + timedelta(days=window))
            window *= 2
        if is_trading_day(current, holidays):
            found += 1
    return current


def start_of_trading_day_after(moment: datetime, n: int) -> datetime:
    """Midnight (Beijing time) starting the n-th trading day after the day of ``moment``."""
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.combine(trading_day_after(local.date(), n), time.min))


def same_time_trading_days_later(moment: datetime, n: int) -> datetime:
    """The time of day of ``moment`` on the n-th trading day after its day (Beijing time)."""
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.combine(trading_day_after(local.date(), n), local.time().replace(tzinfo=None)))
