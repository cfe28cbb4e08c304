"""Builders for checkout and order tests: delivery zones, shops with shipping and pickup, a village station."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from logistics.geography.models import Town, Village
from logistics.geography.services import geography_load_county
from marketplace.catalog import services as catalog
from marketplace.catalog.models import ProductType
from marketplace.inventory.services import stock_update, warehouse_create
from marketplace.shipping.services import delivery_zone_create, shipping_method_enable
from marketplace.shops.services import shop_member_add
from meidu.accounts.roles import Role
from tests.marketplace.factories import catalogue_basics, listed_product, open_shop


def county_and_zones():
    if not Town.objects.exists():
        geography_load_county()
    towns = list(Town.objects.order_by("code"))
    near = delivery_zone_create(
        actor=None, name="城郊", kind="county", base_fee="3.00", fee_per_extra_kg="1.00", towns=towns[:3]
    )
    far = delivery_zone_create(
        actor=None, name="远郊", kind="county", base_fee="6.00", fee_per_extra_kg="1.50", towns=towns[3:]
    )
    north_east = delivery_zone_create(
        actor=None,
        name="东北三省",
        kind="carrier",
        base_fee="8.00",
        fee_per_extra_kg="2.00",
        provinces=["辽宁省", "吉林省", "黑龙江省"],
        days_min=2,
        days_max=3,
    )
    return {"near": near, "far": far, "north_east": north_east, "towns": towns}


def village_address(village: Village | None = None, **overrides) -> dict:
    village = village or Village.objects.select_related("town").order_by("code").first()
    data = {
        "firstName": "秀英",
        "lastName": "王",
        "streetAddress1": f"{village.town.name}{village.name}3组12号",
        "city": "营口市",
        "cityArea": village.town.county,
        "countryArea": "辽宁省",
        "phone": "13904170001",
        "country": "CN",
    }
    data.update(overrides)
    return data


def farmer_with_pears(owner, channel, *, quantity=20, price="12.50", sku=None):
    shop = open_shop(owner)
    product = listed_product(shop, owner, channel, name="南果梨", price=price, quantity=quantity, sku=sku)
    shipping_method_enable(shop, actor=owner, kind="county")
    shipping_method_enable(shop, actor=owner, kind="carrier")
    return shop, product.variants.get()


def store_with_cooker(owner, channel, *, quantity=5):
    """The department store: an appliance sold by piece, stock in a store that is a pickup point."""
    shop = open_shop(owner, kind="store", track="business", business_licence_number="91210882MA0XY1234T")
    appliances = ProductType.objects.get_or_create(slug="appliance", defaults={"name": "家电", "sold_by": "piece"})[0]
    product = catalog.product_create(
        shop, actor=owner, product_type=appliances, category=catalogue_basics()["fruit"], name="电饭煲"
    )
    catalog.product_channel_listing_update(
        product,
        actor=owner,
        update_channels=[
            {
                "channel": channel,
                "is_published": True,
                "visible_in_listings": True,
                "available_for_purchase_at": timezone.now(),
            }
        ],
    )
    variant = catalog.variant_create(product, actor=owner, sku=f"COOKER-{shop.pk}", name="3L", weight_grams=3000)
    catalog.variant_channel_listing_update(
        variant, actor=owner, prices=[{"channel": channel, "price": Decimal("199.00")}]
    )
    store = warehouse_create(shop, actor=owner, name="百货大楼一店", kind="store", is_pickup_point=True)
    stock_update(store, variant, actor=owner, quantity=quantity)
    shipping_method_enable(shop, actor=owner, kind="carrier")
    return shop, variant, store


def village_station(operator_user, agent):
    """A village service station run by the platform's station shop; ``agent`` works there."""
    shop = open_shop(
        operator_user,
        name="美都乡村服务站",
        kind="store",
        track="business",
        business_licence_number="91210882MA0XY9999T",
    )
    village = Village.objects.order_by("code").first()
    station = warehouse_create(
        shop, actor=operator_user, name=f"{village.name}服务站", kind="station", village=village, is_pickup_point=True
    )
    shop_member_add(shop, agent, actor=operator_user)
    from meidu.accounts.services import user_role_add

    user_role_add(agent, Role.STATION_AGENT)
    return station
