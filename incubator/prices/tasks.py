from celery import shared_task

from incubator.prices.services import prices_derive_recent


@shared_task
def farm_prices_derive_daily() -> int:
    """Beat: the platform's median price of each item for the last finished days, from its own sales
    (idempotent: a day derived again replaces its figures)."""
    return prices_derive_recent()
