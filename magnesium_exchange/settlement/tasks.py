from celery import shared_task
from django.utils.dateparse import parse_datetime

from magnesium_exchange.settlement.services import settlements_default_due as _default_due


@shared_task(name="magnesium_exchange.settlement.tasks.settlements_default_due")
def settlements_default_due(now=None) -> int:
    """Beat: buyers who did not pay by the deadline default (deposit to the seller, receipts released).
    ``now`` (ISO string or datetime) replays a run for a moment."""
    moment = parse_datetime(now) if isinstance(now, str) else now
    return _default_due(moment)
