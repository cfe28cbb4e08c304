"""The demo and test gateway: authorises or charges at once, refuses when asked to.

``data={"simulate": "decline"}`` gives a failure, as a declined card would. Offered only
in demo and test mode (or DEBUG): it takes no money.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.payments.gateways.base import BaseGateway, GatewayResult, voidable_amount
from marketplace.payments.models import TransactionAction
from marketplace.payments.models import TransactionEventType as T


def _reference(kind: str) -> str:
    return f"offline-{kind}-{uuid.uuid4().hex[:16]}"


class OfflineGateway(BaseGateway):
    id = "meidu.payments.offline"
    name = _("Offline test payment")
    currencies = ("CNY", "USD", "EUR")
    actions = (TransactionAction.CHARGE, TransactionAction.AUTHORIZATION)
    requires_payment_before_order = True

    def is_available(self):
        return bool(settings.DEBUG or getattr(settings, "DEMO_MODE", False) or getattr(settings, "TEST_MODE", False))

    def initialize(self, item, *, action, amount, data, idempotency_key):
        authorize = action == TransactionAction.AUTHORIZATION
        if (data or {}).get("simulate") == "decline":
            failure = T.AUTHORIZATION_FAILURE if authorize else T.CHARGE_FAILURE
            return GatewayResult(
                failure, amount, psp_reference=_reference("declined"), message=str(_("Payment declined"))
            )
        success = T.AUTHORIZATION_SUCCESS if authorize else T.CHARGE_SUCCESS
        return GatewayResult(success, amount, psp_reference=_reference("pay"))

    def charge(self, item, amount, *, idempotency_key=""):
        return GatewayResult(T.CHARGE_SUCCESS, amount, psp_reference=_reference("charge"))

    def refund(self, item, amount, *, idempotency_key=""):
        return GatewayResult(T.REFUND_SUCCESS, amount, psp_reference=_reference("refund"))

    def cancel(self, item):
        return GatewayResult(T.CANCEL_SUCCESS, voidable_amount(item), psp_reference=_reference("cancel"))

    def cancel_partial(self, item, amount):
        """Release part of the authorisation (the rest stays to be charged)."""
        return GatewayResult(T.CANCEL_SUCCESS, amount, psp_reference=_reference("release"))
