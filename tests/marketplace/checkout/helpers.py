"""Service-level shortcuts for order tests: a paid, completed checkout."""

from __future__ import annotations

from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import checkout_create, checkout_delivery_method_update, checkout_shipping_address_update
from marketplace.payments.services import transaction_initialize

COD = "meidu.payments.cod"
OFFLINE = "meidu.payments.offline"
BANK = "meidu.payments.bank_transfer"

ADDRESS = {
    "first_name": "秀英", "last_name": "王", "street_address_1": "周家镇青山村3组12号", "city": "营口市",
    "city_area": "大石桥市", "country_area": "辽宁省", "phone": "13904170001", "country": "CN",
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
    transaction_initialize(checkout_token=checkout.pk, gateway_id=gateway, action=action, idempotency_key=key, user=buyer)
    return checkout_complete(checkout.pk, user=buyer).orders
