"""Beat tasks of assisted buying: thin, idempotent, each calls one service (see README "Periodic jobs")."""

from celery import shared_task

from marketplace.assisted.services import assisted_orders_expire_due


@shared_task
def assisted_orders_expire_due_task() -> int:
    """Beat: assisted orders the villager never confirmed lapse; their carts and stock are released
    (they already read as expired)."""
    return assisted_orders_expire_due()
