"""Stripe's webhook events turned into transaction events (idempotent, replays ignored)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction

from marketplace.payments.gateways.base import voidable_amount
from marketplace.payments.models import TransactionEventType as T
from marketplace.payments.models import (
    TransactionItem,
)
from marketplace.payments.services.common import (
    _event_record,
    _locked,
)


def _stripe_item(obj) -> TransactionItem | None:
    token = (obj.get("metadata") or {}).get("transaction_token")
    if token:
        try:
            item = TransactionItem.objects.filter(token=uuid.UUID(str(token))).first()
        except ValueError:
            item = None
        if item is not None:
            return item
    reference = obj.get("payment_intent") if obj.get("object") == "charge" else obj.get("id")
    return TransactionItem.objects.filter(psp_reference=reference).first() if reference else None


def _stripe_reports(event_type: str, obj, item: TransactionItem) -> list[tuple[str, Decimal, str, str]]:
    """(event type, amount, PSP reference, message) for one Stripe event, as Saleor's Stripe plugin maps them."""
    from marketplace.payments.gateways.stripe import from_minor

    currency = item.currency
    if event_type == "payment_intent.succeeded":
        return [(T.CHARGE_SUCCESS, from_minor(obj.get("amount_received"), currency), obj["id"], "")]
    if event_type == "payment_intent.amount_capturable_updated":
        return [(T.AUTHORIZATION_SUCCESS, from_minor(obj.get("amount_capturable"), currency), obj["id"], "")]
    if event_type == "payment_intent.payment_failed":
        manual = obj.get("capture_method") in ("manual", "manual_preferred")
        message = (obj.get("last_payment_error") or {}).get("message") or ""
        return [
            (
                T.AUTHORIZATION_FAILURE if manual else T.CHARGE_FAILURE,
                from_minor(obj.get("amount"), currency),
                obj["id"],
                message,
            )
        ]
    if event_type == "payment_intent.canceled":
        return [(T.CANCEL_SUCCESS, voidable_amount(item), obj["id"], obj.get("cancellation_reason") or "")]
    if event_type == "charge.refunded":
        refunds = ((obj.get("refunds") or {}).get("data")) or []
        if refunds:
            return [
                (T.REFUND_SUCCESS, from_minor(r.get("amount"), currency), r["id"], "")
                for r in refunds
                if r.get("status") == "succeeded"
            ]
        delta = from_minor(obj.get("amount_refunded"), currency) - item.refunded_amount
        return [(T.REFUND_SUCCESS, delta, f"{obj['id']}:{obj.get('amount_refunded')}", "")] if delta > 0 else []
    return []


def stripe_webhook_event_handle(*, event_id: str, event_type: str, obj) -> bool:
    """Apply one verified Stripe event; False when this event id was handled before (a replay: no effect).

    The event id is stored in the same transaction as its effects, so a failed attempt leaves no
    trace and Stripe's retry applies it; each resulting TransactionEvent is also unique per
    (type, PSP reference), so an event that repeats another's news changes nothing.
    Locks: the StripeWebhookEvent unique index, then the checkout payment lock and the item row.
    """
    from marketplace.payments.models import StripeWebhookEvent

    with transaction.atomic():
        try:
            with transaction.atomic():
                StripeWebhookEvent.objects.create(event_id=event_id, type=event_type[:80])
        except IntegrityError:
            return False
        item = _stripe_item(obj)
        if item is None:
            return True
        item = _locked(item)
        for type_, amount, reference, message in _stripe_reports(event_type, obj, item):
            _event_record(item, type_, amount, psp_reference=reference, message=message)
        return True
