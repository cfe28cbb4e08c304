"""Helpers of the presale tests: placing presale orders, reading stock and refunds."""

from decimal import Decimal

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.orders.models import Order
from marketplace.payments.models import TransactionItem
from marketplace.payments.services import transaction_initialize
from tests.marketplace.checkout.helpers import ADDRESS, OFFLINE


def place(buyer, rural, shop, lines, key) -> Order:
    """Checkout, the deposit (and the full price of other lines) paid by bank card, the order."""
    checkout = checkout_create(channel=rural, user=buyer, lines=lines)
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=shop.shipping_methods.get(kind="county"))
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=OFFLINE, action="CHARGE", idempotency_key=key, user=buyer
    )
    [order] = checkout_complete(checkout.pk, user=buyer).orders
    return order


def refunded_on_items(order) -> Decimal:
    return sum((item.refunded_amount for item in items_of(order)), Decimal("0.00"))


def pear_stock(pears):
    return pears["warehouse"].stocks.get(variant=pears["variant"])


def items_of(order):
    return list(TransactionItem.objects.filter(checkout_token=order.checkout_token).order_by("pk"))
