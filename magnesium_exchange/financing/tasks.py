"""Beat tasks of bank financing: thin, idempotent, each calls one service (see README "Periodic jobs")."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from magnesium_exchange.financing.models import LoanValuation
from magnesium_exchange.financing.services.interest import loans_interest_accrue_due as _interest_due
from magnesium_exchange.financing.services.margin import margin_calls_expire_due as _expire_due
from magnesium_exchange.financing.services.valuation_job import loans_value as _value
from magnesium_exchange.marketdata.services import daily_bars_build
from magnesium_exchange.marketdata.tasks import market_close


def _moment(now):
    moment = parse_datetime(now) if isinstance(now, str) else now
    return moment or timezone.now()


@shared_task(name="magnesium_exchange.financing.tasks.loans_interest_accrue_due")
def loans_interest_accrue_due(today=None) -> int:
    """Beat (hourly; a day is accrued once): every owing loan's interest up to yesterday."""
    day = parse_date(today) if isinstance(today, str) else today
    return _interest_due(day)


@shared_task(name="magnesium_exchange.financing.tasks.loans_value_daily")
def loans_value_daily(now=None) -> str:
    """Beat (every 15 minutes): once the session has closed, make sure the day's bars and reference
    prices are built (the same idempotent build as marketdata's task), then value every loan at them,
    once a day (the first run after the close; a day already valued is left alone)."""
    moment = timezone.localtime(_moment(now))
    day = moment.date()
    if moment.time() < market_close():
        return "before the close"
    if LoanValuation.objects.filter(day=day).exists():
        return f"{day}: valued already"
    daily_bars_build(day)
    result = _value(day, now=moment)
    return (
        f"{day}: {result.loans} loans, {result.receipts} receipts, {result.calls_opened} margin calls opened, "
        f"{result.calls_resolved} resolved"
        + (f", no price for {', '.join(result.unpriced_grades)}" if result.unpriced_grades else "")
    )


@shared_task(name="magnesium_exchange.financing.tasks.margin_calls_expire_due")
def margin_calls_expire_due(now=None) -> int:
    """Beat (every 5 minutes): open margin calls past their deadline are missed (or resolved when the
    loan is back under its line by now)."""
    return _expire_due(_moment(now))
