from celery import shared_task

from marketplace.orders.services.lifecycle import orders_auto_confirm_due


@shared_task
def orders_auto_confirm() -> int:
    """Beat: confirm receipt of orders shipped N days ago whose buyers said nothing."""
    return orders_auto_confirm_due()
