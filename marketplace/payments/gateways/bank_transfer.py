"""Bank transfer (银行转账): the buyer transfers with a reference code, an operator confirms receipt.

The payment stays a pending charge until someone holding HANDLE_PAYMENTS confirms the amount
that reached the platform's account (services.transaction_bank_transfer_confirm). The payee
shown to the buyer comes from settings.BANK_TRANSFER_PAYEE (a dict), when set.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.payments.gateways.base import BaseGateway, GatewayResult, voidable_amount
from marketplace.payments.models import TransactionAction
from marketplace.payments.models import TransactionEventType as T


def transfer_reference(item) -> str:
    return "BT" + item.token.hex[:10].upper()


class BankTransferGateway(BaseGateway):
    id = "meidu.payments.bank_transfer"
    name = _("Bank transfer")
    currencies = ("CNY",)
    actions = (TransactionAction.CHARGE,)
    requires_payment_before_order = False

    def config(self):
        return dict(getattr(settings, "BANK_TRANSFER_PAYEE", None) or {})

    def initialize(self, item, *, action, amount, data, idempotency_key):
        reference = transfer_reference(item)
        return GatewayResult(
            T.CHARGE_REQUEST,
            amount,
            psp_reference=reference,
            data={"reference": reference, "amount": str(amount), "currency": item.currency, "payee": self.config()},
            message=str(_("Waiting for the transfer; write the reference code in the transfer note")),
        )

    def charge(self, item, amount, *, idempotency_key=""):
        return GatewayResult(T.CHARGE_SUCCESS, amount, message=str(_("Transfer received")))

    def refund(self, item, amount, *, idempotency_key=""):
        return GatewayResult(T.REFUND_SUCCESS, amount, message=str(_("Refund transferred back")))

    def cancel(self, item):
        return GatewayResult(T.CANCEL_SUCCESS, voidable_amount(item))
