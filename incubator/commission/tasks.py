from celery import shared_task

from incubator.commission.services.lines import commission_earn_due


@shared_task
def commission_earn_due_task() -> int:
    """Beat (hourly): commission of orders whose after-sales window closed becomes earned (the
    seller's earnings are released with it). Idempotent. The weekly payout of earned commission
    rides settlement's weekly batch (settlement-payouts-weekly) through its payout_batch_filling hook."""
    return commission_earn_due()
