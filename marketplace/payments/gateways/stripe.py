"""Stripe through its SDK: PaymentIntents, manual capture for authorise-then-charge.

Offered only when settings.STRIPE_SECRET_KEY is set; every call goes to Stripe (or to
whatever ``stripe.api_base`` points at) and nothing is invented locally. Writes carry an
idempotency key, so a retried call never pays or refunds twice. Stripe captures a
PaymentIntent once: a capture below the authorisation releases the rest.
"""

from __future__ import annotations

from decimal import Decimal

import stripe as stripe_sdk
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.payments.gateways.base import BaseGateway, GatewayError, GatewayResult, voidable_amount
from marketplace.payments.models import TransactionAction
from marketplace.payments.models import TransactionEventType as T
from meidu.core.money import precision, quantize


def to_minor(amount: Decimal, currency: str) -> int:
    return int(quantize(amount, currency) * (10 ** precision(currency)))


def from_minor(value, currency: str) -> Decimal:
    return (Decimal(int(value or 0)) / (10 ** precision(currency))).quantize(Decimal(1).scaleb(-precision(currency)))


def intent_result(intent, currency: str) -> GatewayResult:
    """Map a PaymentIntent's status to one event (Saleor's Stripe app does the same mapping)."""
    manual = intent.get("capture_method") in ("manual", "manual_preferred")
    amount = from_minor(intent.get("amount"), currency)
    status = intent.get("status")
    reference = intent["id"]
    client_data = {"paymentIntent": {"id": reference, "stripeClientSecret": intent.get("client_secret")}}
    if status == "succeeded":
        return GatewayResult(T.CHARGE_SUCCESS, from_minor(intent.get("amount_received"), currency), reference)
    if status == "requires_capture":
        return GatewayResult(T.AUTHORIZATION_SUCCESS, from_minor(intent.get("amount_capturable"), currency), reference)
    if status == "processing":
        return GatewayResult(
            T.AUTHORIZATION_REQUEST if manual else T.CHARGE_REQUEST, amount, reference, data=client_data
        )
    error = intent.get("last_payment_error")
    if status == "canceled" or (status == "requires_payment_method" and error):
        message = (error or {}).get("message") or str(_("Payment failed"))
        return GatewayResult(
            T.AUTHORIZATION_FAILURE if manual else T.CHARGE_FAILURE, amount, reference, message=message
        )
    return GatewayResult(
        T.AUTHORIZATION_ACTION_REQUIRED if manual else T.CHARGE_ACTION_REQUIRED, amount, reference, data=client_data
    )


class StripeGateway(BaseGateway):
    id = "meidu.payments.stripe"
    name = _("Card (Stripe)")
    currencies = ("CNY", "USD", "EUR", "JPY")
    actions = (TransactionAction.CHARGE, TransactionAction.AUTHORIZATION)
    requires_payment_before_order = True
    capture_releases_remainder = True

    def is_available(self):
        return bool(settings.STRIPE_SECRET_KEY)

    def configuration_problems(self, *, production: bool) -> list[str]:
        """A test key in production takes no money; without the webhook secret outcomes are missed."""
        key = settings.STRIPE_SECRET_KEY
        if not key:
            return []
        problems = []
        if production and key.startswith(("sk_test_", "rk_test_")):
            problems.append("STRIPE_SECRET_KEY is a test key (sk_test_...)")
        if production and not settings.STRIPE_WEBHOOK_SECRET:
            problems.append("STRIPE_WEBHOOK_SECRET is not set: payments confirmed by webhook would be missed")
        return problems

    def config(self):
        return {"stripePublishableKey": settings.STRIPE_PUBLISHABLE_KEY}

    def initialize_session(self, *, source, amount, data):
        return {"stripePublishableKey": settings.STRIPE_PUBLISHABLE_KEY}

    def _call(self, method, *args, **params):
        try:
            return method(*args, api_key=settings.STRIPE_SECRET_KEY, **params).to_dict()
        except stripe_sdk.StripeError as exc:
            raise GatewayError(exc.user_message or str(exc)) from exc

    def initialize(self, item, *, action, amount, data, idempotency_key):
        params = {
            "amount": to_minor(amount, item.currency),
            "currency": item.currency.lower(),
            "capture_method": "manual" if action == TransactionAction.AUTHORIZATION else "automatic",
            "automatic_payment_methods": {"enabled": "true"},
            "metadata": {"transaction_token": str(item.token), "checkout_token": str(item.checkout_token)},
        }
        intent = self._call(stripe_sdk.PaymentIntent.create, idempotency_key=f"pi-{item.token}", **params)
        return intent_result(intent, item.currency)

    def process(self, item, *, data):
        if not item.psp_reference:
            raise GatewayError("This transaction has no PaymentIntent")
        intent = self._call(stripe_sdk.PaymentIntent.retrieve, item.psp_reference)
        return intent_result(intent, item.currency)

    def charge(self, item, amount, *, idempotency_key=""):
        intent = self._call(
            stripe_sdk.PaymentIntent.capture,
            item.psp_reference,
            amount_to_capture=to_minor(amount, item.currency),
            idempotency_key=idempotency_key or None,
        )
        if intent.get("status") != "succeeded":
            return GatewayResult(T.CHARGE_FAILURE, amount, intent["id"], message=str(_("Capture failed")))
        return GatewayResult(T.CHARGE_SUCCESS, from_minor(intent.get("amount_received"), item.currency), intent["id"])

    def refund(self, item, amount, *, idempotency_key=""):
        refund = self._call(
            stripe_sdk.Refund.create,
            payment_intent=item.psp_reference,
            amount=to_minor(amount, item.currency),
            idempotency_key=idempotency_key or None,
        )
        status = refund.get("status")
        refunded = from_minor(refund.get("amount"), item.currency)
        if status == "succeeded":
            return GatewayResult(T.REFUND_SUCCESS, refunded, refund["id"])
        if status in ("pending", "requires_action"):
            return GatewayResult(T.REFUND_REQUEST, refunded, refund["id"])
        return GatewayResult(T.REFUND_FAILURE, refunded, refund["id"], message=refund.get("failure_reason") or "")

    def cancel(self, item):
        intent = self._call(stripe_sdk.PaymentIntent.cancel, item.psp_reference, idempotency_key=f"cancel-{item.token}")
        if intent.get("status") != "canceled":
            return GatewayResult(T.CANCEL_FAILURE, Decimal(0), intent["id"], message=str(_("Cancel failed")))
        return GatewayResult(T.CANCEL_SUCCESS, voidable_amount(item), intent["id"])
