"""Money held for checkouts nobody completes goes back to the buyer (Saleor releases the funds of
expired checkouts the same way): after CHECKOUT_RELEASE_FUNDS_AFTER_HOURS without a change to the
checkout or a payment event, what is charged is refunded and what is authorised is voided.

Each checkout is released in its own transaction that first locks the Checkout row (SKIP LOCKED):
a completion holds that lock while it checks the payment, so a checkout is either completed with its
money or released, never both; one being completed right now is left for the next run.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from marketplace.checkout.models import Checkout
from marketplace.payments.models import TransactionEvent, TransactionItem
from marketplace.payments.services import checkout_transactions_refund_or_void
from meidu.core.errors import DomainError

logger = logging.getLogger(__name__)


def abandoned_paid_checkouts(cutoff, limit: int):
    """Tokens of checkouts untouched since ``cutoff`` whose payments still hold money and had no
    event since then, oldest first."""
    holding = TransactionItem.objects.filter(checkout_token=OuterRef("token")).filter(
        Q(authorized_amount__gt=0) | Q(charged_amount__gt=F("refunded_amount"))
    )
    recent = TransactionEvent.objects.filter(item__checkout_token=OuterRef("token"), created_at__gte=cutoff)
    return list(
        Checkout.objects.filter(updated_at__lt=cutoff)
        .filter(Exists(holding))
        .exclude(Exists(recent))
        .order_by("updated_at")
        .values_list("token", flat=True)[:limit]
    )


def checkout_funds_release_abandoned(now=None, limit: int = 200) -> int:
    """Refund or void the money of abandoned checkouts; the number of checkouts released."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.CHECKOUT_RELEASE_FUNDS_AFTER_HOURS)
    released = 0
    for token in abandoned_paid_checkouts(cutoff, limit):
        try:
            with transaction.atomic():
                locked = (
                    Checkout.objects.select_for_update(skip_locked=True).filter(pk=token, updated_at__lt=cutoff).first()
                )
                if locked is None:
                    continue  # being completed or changed right now
                # one attempt per hourly run: a refusal is tried again next hour under a new key
                checkout_transactions_refund_or_void(
                    token, reason="checkout abandoned", attempt=now.strftime("%Y%m%d%H")
                )
            released += 1
        except DomainError as exc:  # a provider refused: try again next hour, the others go on
            logger.warning("releasing the funds of checkout %s failed: %s", token, exc)
    return released
