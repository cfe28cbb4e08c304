"""Payment gateways behind one protocol; which ones exist is settings.PAYMENT_GATEWAYS.

Adding WeChat Pay or Alipay later means writing one class that follows
``base.PaymentGateway`` and adding its dotted path to the setting: checkout and orders
only ever talk to marketplace.payments.services.
"""

from marketplace.payments.gateways.base import GatewayError, GatewayResult, PaymentGateway
from marketplace.payments.gateways.registry import (
    gateway_get,
    gateways_all,
    gateways_clear_cache,
    gateways_configuration,
)

__all__ = [
    "GatewayError",
    "GatewayResult",
    "PaymentGateway",
    "gateway_get",
    "gateways_all",
    "gateways_clear_cache",
    "gateways_configuration",
]
