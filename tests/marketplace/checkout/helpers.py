"""Service-level shortcuts for order tests: a paid, completed checkout; a paid checkout left open; a
checkout opened through the API."""

from __future__ import annotations

from graphql_relay import to_global_id

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.payments.services import transaction_initialize
from tests.marketplace.checkout.queries import CREATE

COD = "meidu.payments.cod"
OFFLINE = "meidu.payments.offline"
BANK = "meidu.payments.bank_transfer"

ADDRESS = {
    "first_name": "秀英",
    "last_name": "王",
    "street_address_1": "周家镇青山村3组12号",
    "city": "营口市",
    "city_area": "大石桥市",
    "country_area": "辽宁省",
    "phone": "13904170001",
    "country": "CN",
}


def placed_orders(buyer, channel, lines, *, gateway=COD, pickup=None, action=None, key="pay-1"):
    """Checkout -> delivery (a pickup point, or each shop's village delivery) -> payment -> orders."""
    checkout = checkout_create(channel=channel, user=buyer, lines=lines)
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    shops = {variant.product.shop for variant, _ in lines}
    for shop in shops:
        if pickup is not None:
            checkout_delivery_method_update(checkout, collection_point=pickup, shop=shop)
        else:
            checkout_delivery_method_update(checkout, shipping_method=shop.shipping_methods.get(kind="county"))
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=gateway, action=action, idempotency_key=key, user=buyer
    )
    return checkout_complete(checkout.pk, user=buyer).orders


def paid_checkout(buyer, rural, pears, key, action="CHARGE", gateway=OFFLINE):
    checkout = checkout_create(channel=rural, user=buyer, lines=[(pears["variant"], 1)])
    checkout_shipping_address_update(checkout, dict(ADDRESS))
    checkout_delivery_method_update(checkout, shipping_method=pears["shop"].shipping_methods.get(kind="county"))
    outcome = transaction_initialize(
        checkout_token=checkout.pk, gateway_id=gateway, action=action, idempotency_key=key, user=buyer
    )
    if outcome.item.psp_reference.startswith("pi_"):  # Stripe: the buyer's browser confirms the card
        return checkout, outcome.item
    return checkout


def vid(variant):
    return to_global_id("ProductVariant", variant.pk)


def new_checkout(client, lines, **extra):
    data = client.execute(CREATE, {"input": {"channel": "rural", "lines": lines, **extra}})["checkoutCreate"]
    assert data["errors"] == [], data["errors"]
    return data["checkout"]
