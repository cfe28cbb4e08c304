"""Cash on delivery (货到付款): authorised when the order is placed, charged when the money is collected.

Nothing is called outside: the authorisation is a promise to pay at the door or at the
village station, and a charge is the driver's or station agent's confirmation that cash
(or a QR payment at the door) was collected (services.transaction_cod_collect). A checkout
covering several shops is collected part by part, so a charge keeps the rest authorised.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from marketplace.payments.gateways.base import BaseGateway, GatewayResult, voidable_amount
from marketplace.payments.models import TransactionAction
from marketplace.payments.models import TransactionEventType as T


class CashOnDeliveryGateway(BaseGateway):
    id = "meidu.payments.cod"
    name = _("Cash on delivery")
    currencies = ("CNY",)
    actions = (TransactionAction.AUTHORIZATION,)
    requires_payment_before_order = False

    def initialize(self, item, *, action, amount, data, idempotency_key):
        return GatewayResult(T.AUTHORIZATION_SUCCESS, amount, message=str(_("Pay when the goods arrive")))

    def charge(self, item, amount, *, idempotency_key=""):
        return GatewayResult(T.CHARGE_SUCCESS, amount, message=str(_("Cash collected")))

    def refund(self, item, amount, *, idempotency_key=""):
        return GatewayResult(T.REFUND_SUCCESS, amount, message=str(_("Cash handed back")))

    def cancel(self, item):
        return GatewayResult(T.CANCEL_SUCCESS, voidable_amount(item))

    def cancel_partial(self, item, amount):
        """Release part of the authorisation (the rest stays to be charged)."""
        return GatewayResult(T.CANCEL_SUCCESS, amount)
