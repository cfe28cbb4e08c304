"""Celery tasks of payments: thin, idempotent, each calls one service."""

from celery import shared_task

from marketplace.payments.services import bills_reconcile_due


@shared_task
def bills_reconcile_daily() -> int:
    """Beat (hourly): reconcile the providers' daily bills not yet reconciled; the number of runs made."""
    return len(bills_reconcile_due())
