"""How far the checkout's transactions cover its total (read through the payments layer)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from marketplace.payments.models import TransactionAction, TransactionItem
from marketplace.payments.selectors import gateway_requires_payment_before_order
from marketplace.payments.services import checkout_transactions_refund_or_void
from meidu.core.sql.compiled import CompiledQuery

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Coverage:
    covered: Decimal
    gateway: str
    pending_allowed: bool
    items: tuple = ()

    def allows(self, total: Decimal) -> bool:
        return total <= 0 or self.covered >= total or self.pending_allowed


def _transactions_query(token):
    return TransactionItem.objects.filter(checkout_token=token).order_by("pk")


_checkout_transactions = CompiledQuery(_transactions_query, token=uuid.UUID)


def checkout_coverage(token, total: Decimal) -> Coverage:
    """Authorised plus charged money (less refunds) of the checkout's transactions; a gateway that
    takes payment after the order (bank transfer) allows completion while its transaction is pending."""
    covered = Decimal("0.00")
    gateway = ""
    pending_allowed = False
    items = tuple(_checkout_transactions(token=token))
    for item in items:
        held = item.authorized_amount + item.charged_amount - item.refunded_amount
        covered += held
        pending = item.authorize_pending_amount + item.charge_pending_amount
        if held or pending:
            gateway = gateway or item.gateway
        if pending and not gateway_requires_payment_before_order(item.gateway) and covered + pending >= total:
            pending_allowed = True
            gateway = item.gateway
    return Coverage(covered=covered, gateway=gateway, pending_allowed=pending_allowed, items=items)


def checkout_payable_covered(info) -> bool:
    """Whether the checkout's transactions cover what is due now (``info``: its CheckoutInfo), as
    checkoutComplete will check it: a page places the order, or asks for payment first."""
    return checkout_coverage(info.checkout.pk, info.due_now).allows(info.due_now)


def checkout_card_action(info) -> str:
    """How a card pays this checkout: goods sold by weight are authorised on the estimate and charged
    the weighed amount at fulfilment; everything else is charged at once. (A gateway that captures
    once charges a checkout of several shops anyway: payments' transaction_initialize.)"""
    if any(line.sold_by_weight for group in info.groups for line in group.lines):
        return TransactionAction.AUTHORIZATION
    return TransactionAction.CHARGE


def checkout_payment_unwind(token, reason: str) -> None:
    """Money taken for a checkout that could not become orders goes back (refund charged, void authorised):
    at once without a worker; with one (FOLLOW_UPS_IN_WORKER) after commit in a task, so the buyer hears
    "sold out" without waiting on the provider. The refund's idempotency key makes a repeat harmless."""
    from django.conf import settings
    from django.db import transaction

    if not settings.FOLLOW_UPS_IN_WORKER:
        checkout_transactions_refund_or_void(token, reason=reason)
        return
    from kombu.exceptions import OperationalError

    from marketplace.checkout.tasks import checkout_payment_unwind_task

    token = str(token)

    def enqueue():
        try:
            checkout_payment_unwind_task.delay(token, reason)
        except OperationalError:  # the broker is unreachable: give the money back now rather than in a day
            logger.warning("refund task of checkout %s not queued; refunding in the request", token)
            checkout_transactions_refund_or_void(token, reason=reason)

    transaction.on_commit(enqueue)
