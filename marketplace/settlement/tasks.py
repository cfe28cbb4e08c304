import logging

from celery import shared_task
from django.db import DatabaseError

from marketplace.settlement.services.payouts import last_week_end, payout_batch_create
from marketplace.settlement.services.sync import (
    settlement_catch_up,
    settlement_order_sync_by_pk,
    settlement_release_due,
)

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def settlement_order_sync_task(order_pk: int) -> int:
    """After an order event's commit: post what the order's money now requires (idempotent)."""
    return settlement_order_sync_by_pk(order_pk)


@shared_task
def settlement_release() -> int:
    """Beat (hourly): re-sync orders changed since their last sync, then release the earnings of
    orders whose after-sales window has closed. Both are idempotent. An order that fails is
    logged and skipped (services.sync._sync_each); should the catch-up fail as a whole, the
    releases still run."""
    try:
        settlement_catch_up()
    except Exception:
        logger.exception("Settlement catch-up failed; releasing due earnings anyway")
    return settlement_release_due()


@shared_task
def payouts_weekly() -> int:
    """Beat (Mondays): the payout batch of the week that ended on Sunday; rerunning returns it."""
    return payout_batch_create(last_week_end()).pk
