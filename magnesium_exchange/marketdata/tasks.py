import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from magnesium_exchange.marketdata.services import daily_bars_build


def market_close() -> dt.time:
    """The session close (EXCHANGE_MARKET_CLOSE, "HH:MM" local time; 15:30 by default)."""
    hour, minute = (int(part) for part in getattr(settings, "EXCHANGE_MARKET_CLOSE", "15:30").split(":"))
    return dt.time(hour, minute)


@shared_task
def daily_bars_close() -> list[str]:
    """Beat (every 15 minutes): build yesterday's bars and, once the session has closed, today's.
    The build is idempotent, so repeated runs write nothing new; yesterday is re-run to catch a
    missed close (a worker that was down)."""
    now = timezone.localtime()
    days = [now.date() - dt.timedelta(days=1)]
    if now.time() >= market_close():
        days.append(now.date())
    return [
        f"{result.day}: {result.bars_written} bars, {result.references_written} references"
        for result in (daily_bars_build(day) for day in days)
    ]
