"""The assisted-buying world (a pytest plugin registered in tests/conftest.py): a farm-supply shop
selling bags of compound fertiliser in the rural channel, with village delivery; the villager's
number; and helpers that walk an assisted order to its confirmation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.assisted.services import (
    assisted_order_code_send,
    assisted_order_confirm,
    assisted_order_delivery_set,
    assisted_order_quantity_set,
    assisted_order_start,
)
from marketplace.catalog import services as catalog
from marketplace.catalog.models import ProductType
from marketplace.inventory.services import stock_update, warehouse_create
from marketplace.shipping.services import shipping_method_enable
from meidu.accounts.roles import Role
from tests.marketplace.factories import catalogue_basics, open_shop
from tests.support.phone_codes import latest_code

VILLAGER_PHONE = "+8613904178801"


@pytest.fixture
def fertiliser(make_user, rural, zones):
    """复合肥 40kg at ¥150 a bag, 50 bags in the shop's warehouse; delivered to the villages too."""
    owner = make_user(Role.BUYER)
    shop = open_shop(owner, name="金穗农资")
    bags = ProductType.objects.get_or_create(slug="farm-supplies", defaults={"name": "农资", "sold_by": "piece"})[0]
    product = catalog.product_create(
        shop, actor=owner, product_type=bags, category=catalogue_basics()["fruit"], name="复合肥 40kg"
    )
    catalog.product_channel_listing_update(
        product,
        actor=owner,
        update_channels=[
            {
                "channel": rural,
                "is_published": True,
                "visible_in_listings": True,
                "available_for_purchase_at": timezone.now(),
            }
        ],
    )
    variant = catalog.variant_create(product, actor=owner, sku=f"NPK-40-{shop.pk}", name="40kg", weight_grams=40000)
    catalog.variant_channel_listing_update(
        variant, actor=owner, prices=[{"channel": rural, "price": Decimal("150.00")}]
    )
    warehouse = warehouse_create(shop, actor=owner, name="农资仓库", kind="home", is_pickup_point=False)
    stock_update(warehouse, variant, actor=owner, quantity=50)
    shipping_method_enable(shop, actor=owner, kind="county")
    return {"owner": owner, "shop": shop, "variant": variant, "product": product, "warehouse": warehouse}


def assisted_cart(agent, station, variant, quantity=2, *, phone=VILLAGER_PHONE, delivery="station"):
    """An assisted order with ``quantity`` of ``variant`` for pickup at ``station``, not confirmed."""
    assisted = assisted_order_start(agent=agent, station=station, phone=phone)
    assisted_order_quantity_set(assisted, agent=agent, variant=variant, quantity=quantity)
    assisted_order_delivery_set(assisted, agent=agent, delivery=delivery)
    return assisted


def confirmed_by_code(agent, station, variant, quantity=2, *, phone=VILLAGER_PHONE):
    """The whole flow: cart, code texted to the villager, code read out, orders placed."""
    assisted = assisted_cart(agent, station, variant, quantity, phone=phone)
    assisted_order_code_send(assisted, agent=agent)
    return assisted, assisted_order_confirm(assisted, agent=agent, code=latest_code(assisted.phone))
