from celery import shared_task
from django.utils.dateparse import parse_datetime

from magnesium_exchange.trading.services import auctions_close_due, listings_expire_due, rfqs_expire_due


@shared_task(name="magnesium_exchange.trading.tasks.trading_close_due")
def trading_close_due(now=None) -> dict:
    """Beat: clear every auction past its (possibly extended) end; expire listings and requests for
    quote past their expiry. ``now`` (ISO string or datetime) replays a run for a moment."""
    moment = parse_datetime(now) if isinstance(now, str) else now
    return {
        "auctions": auctions_close_due(moment),
        "listings": listings_expire_due(moment),
        "rfqs": rfqs_expire_due(moment),
    }


@shared_task(name="magnesium_exchange.trading.tasks.auctions_close_due")
def auctions_close_due_task(now=None) -> int:
    """Beat, every few seconds: clear every auction past its end (one indexed query when none is due),
    so winners, trades and released deposits follow the end within seconds. Readers already see such
    an auction as closed (trading.selectors.auction_status_now)."""
    moment = parse_datetime(now) if isinstance(now, str) else now
    return auctions_close_due(moment)
