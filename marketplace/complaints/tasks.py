from celery import shared_task
from django.utils.dateparse import parse_datetime

from marketplace.complaints.services import complaints_escalate_overdue


@shared_task
def complaints_escalate_due(now=None) -> int:
    """Beat: hand complaints whose shop missed its deadline to the operators. ``now`` (an ISO
    string or a datetime; the current time when omitted) lets a run be replayed for a moment."""
    moment = parse_datetime(now) if isinstance(now, str) else now
    return complaints_escalate_overdue(moment)
