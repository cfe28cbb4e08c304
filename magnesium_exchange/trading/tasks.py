from celery import shared_task
from django.utils.dateparse import parse_datetime

from magnesium_exchange.trading.services import auctions_close_due as _close_due


@shared_task(name="magnesium_exchange.trading.tasks.auctions_close_due")
def auctions_close_due(now=None) -> int:
    """Beat: clear every auction past its (possibly extended) end."""
    moment = parse_datetime(now) if isinstance(now, str) else now
    return _close_due(moment)
