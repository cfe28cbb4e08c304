from celery import shared_task
from django.db import DatabaseError

from marketplace.payments.services import checkout_transactions_refund_or_void


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def checkout_payment_unwind_task(token: str, reason: str) -> int:
    """Give back what a checkout that could not become orders had paid; the number of movements."""
    return len(checkout_transactions_refund_or_void(token, reason=reason))


@shared_task
def checkouts_release_abandoned_funds() -> int:
    """Beat (hourly): give back the money held for checkouts abandoned for a day."""
    from marketplace.checkout.abandoned import checkout_funds_release_abandoned

    return checkout_funds_release_abandoned()
