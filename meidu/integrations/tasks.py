"""Thin Celery tasks over meidu.integrations.services.delivery."""

from celery import shared_task

from meidu.integrations.services.delivery import webhook_deliveries_due, webhook_delivery_attempt


@shared_task(ignore_result=True, acks_late=True)
def webhook_delivery_send(delivery_id: int) -> None:
    outcome = webhook_delivery_attempt(delivery_id)
    if outcome is not None and outcome.retry_in is not None and not webhook_delivery_send.request.is_eager:
        webhook_delivery_send.apply_async((delivery_id,), countdown=outcome.retry_in)
    # Eager mode (demo): the retry is left to webhook_deliveries_dispatch_due, run by
    # beat or by the in-process relay of `meidu demo`, so a request never sleeps.


@shared_task(ignore_result=True)
def webhook_deliveries_dispatch_due() -> int:
    """Outbox relay: enqueue every pending delivery whose time has come (lost tasks, demo retries)."""
    due = webhook_deliveries_due()
    for delivery_id in due:
        webhook_delivery_send.delay(delivery_id)
    return len(due)
