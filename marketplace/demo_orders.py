"""Demo data for buying: delivery zones, each shop's shipping methods, village service stations
with the demo station agent, the department store's rice cookers also sold in the rural channel,
the platform's commission rules, and a few orders of the demo buyer in different states (through
the services, idempotent).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from logistics.geography.models import Town, Village
from marketplace.assisted.models import AssistedOrder
from marketplace.assisted.services import (
    assisted_order_confirm,
    assisted_order_delivery_set,
    assisted_order_quantity_set,
    assisted_order_start,
)
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Category, ProductVariant
from marketplace.catalog.services import product_create
from marketplace.channels.models import Channel
from marketplace.checkout.complete import checkout_complete
from marketplace.checkout.services import (
    checkout_create,
    checkout_delivery_method_update,
    checkout_shipping_address_update,
)
from marketplace.demo_data import (
    OPERATOR_PHONE,
    STORE_NAME,
    _approve,
    _credit_code,
    _demo_user,
    _open_shop,
    _shop_by_name,
    _warehouse,
    catalogue_setup,
)
from marketplace.inventory.models import Warehouse, WarehouseKind
from marketplace.orders.models import Order
from marketplace.orders.services.lifecycle import order_confirm, order_fulfill
from marketplace.payments.services import transaction_initialize
from marketplace.settlement.models import CommissionRule
from marketplace.settlement.services.commission import commission_rule_create
from marketplace.shipping.models import DeliveryZone, ShippingKind, ShippingMethod
from marketplace.shipping.services import delivery_zone_create, shipping_method_enable
from marketplace.shops.models import Shop, ShopKind, ShopMember, ShopStatus, ShopTrack
from marketplace.shops.services import shop_member_add

BUYER_PHONE = "+8613800000001"
STATION_AGENT_PHONE = "+8613800000005"
STATION_SHOP = "美都乡村服务站"
ASSISTED_VILLAGER_PHONE = "+8613800000088"  # a villager without a smartphone (signs in by code)
CARRIER_ZONES = [
    ("东北三省", ["辽宁省", "吉林省", "黑龙江省"], "8.00", "2.00", 2, 3),
    ("华北", ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "山东省"], "10.00", "3.00", 2, 4),
    (
        "华东华中",
        ["上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "河南省", "湖北省", "湖南省"],
        "12.00",
        "4.00",
        3,
        5,
    ),
    (
        "华南西南西北",
        [
            "广东省",
            "广西壮族自治区",
            "海南省",
            "重庆市",
            "四川省",
            "贵州省",
            "云南省",
            "陕西省",
            "甘肃省",
            "青海省",
            "宁夏回族自治区",
        ],
        "15.00",
        "6.00",
        4,
        6,
    ),
]
DEMO_ADDRESS = {
    "first_name": "秀兰",
    "last_name": "王",
    "city": "营口市",
    "country_area": "辽宁省",
    "phone": "13800000001",
    "country": "CN",
}


def seed_delivery_zones() -> int:
    if DeliveryZone.objects.exists():
        return 0
    towns = list(Town.objects.order_by("code"))
    delivery_zone_create(
        actor=None,
        name="城区及近郊乡镇",
        kind=ShippingKind.COUNTY_DELIVERY,
        base_fee="3.00",
        fee_per_extra_kg="1.00",
        towns=towns[: len(towns) // 2 + 1],
        days_min=0,
        days_max=1,
    )
    delivery_zone_create(
        actor=None,
        name="远郊乡镇",
        kind=ShippingKind.COUNTY_DELIVERY,
        base_fee="5.00",
        fee_per_extra_kg="1.50",
        towns=towns[len(towns) // 2 + 1 :],
        days_min=1,
        days_max=2,
    )
    for name, provinces, base, per_kg, low, high in CARRIER_ZONES:
        delivery_zone_create(
            actor=None,
            name=name,
            kind=ShippingKind.CARRIER,
            base_fee=base,
            fee_per_extra_kg=per_kg,
            provinces=provinces,
            days_min=low,
            days_max=high,
        )
    return DeliveryZone.objects.count()


def seed_shipping_methods() -> int:
    """Farmers and cooperatives deliver through the village runs and by carrier; the store ships by carrier."""
    created = 0
    for shop in Shop.objects.filter(status=ShopStatus.ACTIVE).exclude(name=STATION_SHOP).order_by("pk"):
        owner = ShopMember.objects.filter(shop=shop, role="owner").select_related("user").first()
        kinds = (
            [ShippingKind.CARRIER]
            if shop.kind == ShopKind.STORE
            else [ShippingKind.COUNTY_DELIVERY, ShippingKind.CARRIER]
        )
        for kind in kinds:
            if not ShippingMethod.objects.filter(shop=shop, kind=kind).exists():
                shipping_method_enable(shop, actor=owner.user if owner else None, kind=kind, free_above="99.00")
                created += 1
    return created


def seed_village_stations() -> int:
    """One service station per town, run by the platform's station shop; the demo agent works there."""
    operator = _demo_user(OPERATOR_PHONE)
    agent = _demo_user(STATION_AGENT_PHONE)
    created = 0
    with transaction.atomic():
        shop = _shop_by_name(STATION_SHOP) or _open_shop(
            operator,
            name=STATION_SHOP,
            kind=ShopKind.STORE,
            track=ShopTrack.BUSINESS,
            serial=950,
            credit_code=_credit_code("91", 950),
            real_name="吴平",
            description="县电商服务中心运营的村级服务站：代收包裹、到站自提、代收货款。",
        )
        for town in Town.objects.order_by("code").prefetch_related("villages"):
            village = town.villages.order_by("code").first()
            before = Warehouse.objects.filter(shop=shop).count()
            _warehouse(
                shop,
                operator,
                name=f"{town.name}{village.name}服务站",
                kind=WarehouseKind.STATION,
                village=village,
                street_address=f"{town.name}{village.name}村委会旁",
                is_pickup_point=True,
            )
            created += Warehouse.objects.filter(shop=shop).count() - before
        if not ShopMember.objects.filter(shop=shop, user=agent).exists():
            shop_member_add(shop, agent, actor=operator)
        if shop.status != ShopStatus.ACTIVE:
            if not shop.products.exists():
                product_create(
                    shop, actor=operator, product_type=catalogue_setup()["types"]["daily-goods"], name="服务站代办服务"
                )
            _approve(shop, operator, operator)
    return created


def seed_rural_rice_cookers() -> int:
    """Villagers buy the store's rice cookers together with produce: list them in "rural" too."""
    rural = Channel.objects.get(slug="rural")
    store = _shop_by_name(STORE_NAME)
    created = 0
    owner = ShopMember.objects.get(shop=store, role="owner").user
    for variant in ProductVariant.objects.filter(
        product__shop=store, product__slug__contains="rice-cooker"
    ).select_related("product"):
        if variant.channel_listings.filter(channel=rural).exists():
            continue
        price = variant.channel_listings.get(channel__slug="retail").price_amount
        catalog.product_channel_listing_update(
            variant.product,
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
        catalog.variant_channel_listing_update(variant, actor=owner, prices=[{"channel": rural, "price": price}])
        created += 1
    return created


def _demo_checkout(buyer, rural, lines, *, pickup=None, key: str, gateway: str):
    checkout = checkout_create(channel=rural, user=buyer, lines=lines)
    village = (
        pickup.village
        if pickup is not None and pickup.village_id
        else (Village.objects.select_related("town").order_by("code").first())
    )
    checkout_shipping_address_update(
        checkout,
        dict(DEMO_ADDRESS, street_address_1=f"{village.town.name}{village.name}5组8号", city_area=village.town.county),
    )
    for shop in {variant.product.shop for variant, _ in lines}:
        if pickup is not None and (pickup.kind == WarehouseKind.STATION or pickup.shop_id == shop.pk):
            checkout_delivery_method_update(checkout, collection_point=pickup, shop=shop)
        else:
            checkout_delivery_method_update(
                checkout,
                shipping_method=shop.shipping_methods.filter(kind=ShippingKind.COUNTY_DELIVERY).first()
                or shop.shipping_methods.first(),
            )
    transaction_initialize(
        checkout_token=checkout.pk, gateway_id=gateway, action="CHARGE", idempotency_key=key, user=buyer
    )
    return checkout_complete(checkout.pk, user=buyer).orders


# The county's rates: 5% on everything, 2% on farm produce sold by farmers and cooperatives
# (the county supports them), 6% on the department store's appliances.
COMMISSION_RULES = [
    (None, "", "5.00", "平台基础佣金"),
    ("fruit", "microshop", "2.00", "扶持农户：水果"),
    ("grain-oil", "microshop", "2.00", "扶持农户：粮油"),
    ("meat-eggs", "microshop", "2.00", "扶持农户：肉禽蛋"),
    ("mountain-goods", "microshop", "2.00", "扶持农户：山货"),
    ("vegetables", "microshop", "2.00", "扶持农户：蔬菜"),
    ("fruit", "cooperative", "3.00", "合作社：水果"),
    ("grain-oil", "cooperative", "3.00", "合作社：粮油"),
    ("appliances", "store", "6.00", "百货家电"),
]


def seed_commission_rules() -> int:
    """The platform's commission rules, added by the operator before the demo orders (which keep them)."""
    if CommissionRule.objects.exists():
        return 0
    from_slug = Category.objects.in_bulk(field_name="slug")
    operator = _demo_user(OPERATOR_PHONE)
    for slug, shop_kind, rate, note in COMMISSION_RULES:
        commission_rule_create(
            actor=operator,
            rate_percent=rate,
            category=from_slug[slug] if slug else None,
            shop_kind=shop_kind,
            note=note,
        )
    return len(COMMISSION_RULES)


def seed_demo_orders() -> int:
    """The demo buyer's orders: pears + rice cooker (station and store pickup, cash on delivery) and
    a paid village delivery the farmer has weighed and shipped."""
    buyer = _demo_user(BUYER_PHONE)
    if Order.objects.filter(user=buyer).exists():
        return 0
    rural = Channel.objects.get(slug="rural")
    pears = (
        ProductVariant.objects.filter(
            product__channel_listings__channel=rural,
            product__name__contains="南果梨",
            channel_listings__channel=rural,
            stocks__quantity__gte=5,
        )
        .select_related("product__shop")
        .first()
    )
    cooker = (
        ProductVariant.objects.filter(product__slug__contains="rice-cooker", channel_listings__channel=rural)
        .select_related("product__shop")
        .first()
    )
    station = (
        Warehouse.objects.filter(kind=WarehouseKind.STATION).select_related("village__town").order_by("pk").first()
    )
    store = (
        Warehouse.objects.filter(shop=cooker.product.shop, is_pickup_point=True).order_by("pk").first()
        if cooker
        else None
    )
    if pears is None or cooker is None or station is None:
        return 0
    orders = _demo_checkout(
        buyer, rural, [(pears, 2)], pickup=station, key="demo-cod-pears", gateway="meidu.payments.cod"
    )
    orders += _demo_checkout(
        buyer, rural, [(cooker, 1)], pickup=store, key="demo-cod-cooker", gateway="meidu.payments.cod"
    )
    shipped = _demo_checkout(buyer, rural, [(pears, 3)], key="demo-card-pears", gateway="meidu.payments.offline")
    owner = ShopMember.objects.get(shop=pears.product.shop, role="owner").user
    order_confirm(shipped[0], actor=owner)
    line = shipped[0].lines.get()
    weight = Decimal(line.quantity) - Decimal("0.2") if line.sold_by_weight else None
    order_fulfill(
        shipped[0], actor=owner, lines=[(line, line.quantity, weight)], tracking_number="", local_delivery=True
    )
    return len(orders) + len(shipped)


def seed_assisted_orders() -> int:
    """The demo station agent has ordered two bags of pears for a villager without a phone, who
    signed at the counter (网络代购): the order is the villager's, the agent its assistant."""
    agent = _demo_user(STATION_AGENT_PHONE)
    if AssistedOrder.objects.filter(agent=agent).exists():
        return 0
    station = (
        Warehouse.objects.filter(kind=WarehouseKind.STATION, shop__name=STATION_SHOP, is_pickup_point=True)
        .order_by("pk")
        .first()
    )
    pears = (
        ProductVariant.objects.filter(
            product__name__contains="南果梨", channel_listings__channel__slug="rural", stocks__quantity__gte=5
        )
        .order_by("pk")
        .first()
    )
    if station is None or pears is None:
        return 0
    assisted = assisted_order_start(agent=agent, station=station, phone=ASSISTED_VILLAGER_PHONE)
    assisted_order_quantity_set(assisted, agent=agent, variant=pears, quantity=2)
    assisted_order_delivery_set(assisted, agent=agent, delivery="station")
    return len(assisted_order_confirm(assisted, agent=agent, signed_name="刘淑芬", attested=True))


ORDER_DEMO_STEPS = [
    ("delivery zones", seed_delivery_zones),
    ("shipping methods of the shops", seed_shipping_methods),
    ("village service stations", seed_village_stations),
    ("rice cookers for the villages", seed_rural_rice_cookers),
    ("commission rules", seed_commission_rules),
    ("the demo buyer's orders", seed_demo_orders),
    ("an order the station agent placed for a villager", seed_assisted_orders),
]
