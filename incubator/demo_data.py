"""Demo data of the incubator's supply pool and distribution (issue 16): 60 suppliers and cooperatives with
offers of corn, Nanguo pears, pork, rice, mushrooms, eggs and magnesium-county handicrafts; 100 distributor
microshops, the demo distributor (+8613800000003, 张丽) among them; their picks and a share link.

THE BULK PART BYPASSES THE SERVICES, FOR SPEED AND ONLY FOR DEMO DATA (as marketplace/bulk_seed.py does):
the 54 extra supplier shops, 99 extra distributor shops, their products, offers, picks and event rows are
written with a handful of bulk inserts so that the demo's first start grows by about a second. The demo
supplier's and the demo distributor's own shops go through the shop services like any user's. Rows satisfy
the same invariants the services check (offer prices and commission; retail within bounds), which
tests/incubator/test_demo_data.py verifies. Idempotent: nothing is written when offers exist.
"""

from __future__ import annotations

import hashlib
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from incubator.distribution.models import DistributionPick, DistributionPickEvent
from incubator.referrals.services import referral_link_create
from incubator.supply.models import OfferState, SupplyOffer, SupplyOfferEvent
from incubator.supply.pricing import commission_amount
from marketplace import demo_data as market_demo
from marketplace.catalog.models import (
    Product,
    ProductChannelListing,
    ProductVariant,
    ProductVariantChannelListing,
    WeightUnit,
)
from marketplace.inventory.models import MovementKind, Stock, StockMovement, Warehouse, WarehouseKind
from marketplace.shipping.models import ShippingKind, ShippingMethod
from marketplace.shops.models import Shop, ShopKind, ShopMember, ShopMemberRole, ShopStatus, ShopTrack
from marketplace.shops.services import shop_apply, shop_transition
from meidu.accounts.models import User

DISTRIBUTOR_PHONE = "+8613800000003"
SUPPLIER_PHONE = "+8613800000004"
SUPPLIERS = 60  # the demo supplier, the 5 marketplace cooperatives, and bulk ones up to 60
DISTRIBUTORS = 100
SEED = 16

# (name, category slug, supply price, unit): what the county's suppliers offer to distributors.
GOODS = [
    ("南果梨 5斤家庭装", "pears", "30.00", "5斤"),
    ("南果梨礼盒 10斤装", "pears", "62.00", "10斤"),
    ("黏玉米 10穗真空装", "corn", "18.00", "10穗"),
    ("甜玉米 8穗", "corn", "15.00", "8穗"),
    ("营口大米 10斤", "rice", "38.00", "10斤"),
    ("有机稻花香 5斤", "rice", "42.00", "5斤"),
    ("笨猪肉 五花 2斤", "pork", "56.00", "2斤"),
    ("黑猪排骨 2斤", "pork", "68.00", "2斤"),
    ("榛蘑 半斤", "mushrooms", "35.00", "250g"),
    ("元蘑 1斤", "mushrooms", "28.00", "500g"),
    ("散养笨鸡蛋 30枚", "eggs", "32.00", "30枚"),
    ("鹅蛋 10枚", "eggs", "40.00", "10枚"),
    ("镁砂雕摆件 · 辽河帆影", "daily-goods", "85.00", "1件"),
    ("镁石茶盘", "daily-goods", "120.00", "1件"),
]
SUPPLIER_WORDS = ["周家", "虎庄", "水源", "石佛", "旗口", "官屯", "博洛铺", "高坎", "黄土岭", "建一", "汤池", "沟沿"]
FAMILY = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "桂兰", "玉兰", "淑珍", "丽娟", "海燕", "春梅", "建华", "国庆", "志强", "晓东", "立新"]


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _user(phone: str, last: str, first: str) -> User:
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User(phone=phone, last_name=last, first_name=first)
        user.set_unusable_password()
        user.save()
    return user


def _service_shop(phone: str, *, name: str, kind: str, track: str, serial: int, credit: str = "") -> Shop:
    """The demo user's own shop, opened and approved through the shop services like any user's."""
    owner = User.objects.get(phone=phone)
    shop = Shop.objects.filter(members__user=owner, kind=kind).first()
    if shop is None:
        shop = shop_apply(
            owner,
            name=name,
            kind=kind,
            track=track,
            real_name=f"{owner.last_name}{owner.first_name}",
            id_number=market_demo._id_number(serial),
            payout_account_name=f"{owner.last_name}{owner.first_name}",
            payout_account_number=market_demo._payout_account(serial),
            payout_bank="辽宁大石桥农村商业银行",
            business_licence_number=credit,
            accept_terms=True,
        )
    return shop


def _service_approve(shop: Shop) -> Shop:
    owner = shop.members.get(role=ShopMemberRole.OWNER).user
    operator = User.objects.filter(phone=market_demo.OPERATOR_PHONE).first()
    if shop.status == ShopStatus.APPLIED:
        shop = shop_transition(shop, "submit", actor=owner)
    if shop.status == ShopStatus.IN_REVIEW:
        shop = shop_transition(shop, "approve", actor=operator, note="资料齐全，审核通过（演示数据）")
    return shop


def _bulk_shops(count: int, *, kind: str, track: str, first_serial: int, now, rng: random.Random) -> list[Shop]:
    """``count`` active shops of ``kind`` with an owner each (users without a password: not for logging in)."""
    users = []
    for n in range(count):
        phone = f"+861371{first_serial + n:07d}"
        users.append(User(phone=phone, last_name=FAMILY[n % len(FAMILY)], first_name=GIVEN[n % len(GIVEN)]))
    for user in users:
        user.set_unusable_password()
    users = User.objects.bulk_create(users)
    shops = []
    for n, user in enumerate(users):
        serial = first_serial + n
        if kind == ShopKind.DISTRIBUTOR:
            name = f"{user.last_name}{user.first_name}的小店{serial % 1000:03d}"
        else:
            place = SUPPLIER_WORDS[n % len(SUPPLIER_WORDS)]
            name = (
                f"{place}{'农产品专业合作社' if kind == ShopKind.COOPERATIVE else '农特产品供应站'}{serial % 1000:03d}"
            )
        shops.append(
            Shop(
                name=name,
                slug=f"demo-{kind}-{serial}",
                kind=kind,
                track=track,
                status=ShopStatus.ACTIVE,
                real_name=f"{user.last_name}{user.first_name}",
                id_number_hash=hashlib.sha256(f"demo-incubator-{serial}".encode()).hexdigest(),
                id_number_last4=f"{serial % 10000:04d}",
                business_licence_number=market_demo._credit_code("93", serial) if track == ShopTrack.BUSINESS else "",
                payout_account_name=f"{user.last_name}{user.first_name}",
                payout_account_number=market_demo._payout_account(serial),
                payout_bank="辽宁大石桥农村商业银行",
                terms_accepted_at=now,
                offers_delivery=kind != ShopKind.DISTRIBUTOR,
            )
        )
    shops = Shop.objects.bulk_create(shops)
    ShopMember.objects.bulk_create(
        [ShopMember(shop=shop, user=user, role=ShopMemberRole.OWNER) for shop, user in zip(shops, users, strict=True)]
    )
    return shops


def _bulk_products(shops: list[Shop], setup: dict, rng: random.Random, now) -> list[tuple[ProductVariant, Decimal]]:
    """One or two goods per supplier shop, listed in "rural" at the suggested price, in stock in its depot."""
    channel = setup["channels"]["rural"]
    categories = setup["categories"]
    product_type = setup["types"]["packaged-food"]
    warehouses = Warehouse.objects.bulk_create(
        [
            Warehouse(
                shop=shop,
                name="供货仓",
                kind=WarehouseKind.HOME,
                street_address="辽宁省营口市大石桥市",
                is_pickup_point=False,
            )
            for shop in shops
        ]
    )
    ShippingMethod.objects.bulk_create(
        [
            ShippingMethod(shop=shop, kind=kind, name=str(ShippingKind(kind).label), is_active=True)
            for shop in shops
            for kind in (ShippingKind.COUNTY_DELIVERY, ShippingKind.CARRIER)
        ]
    )
    plans = []
    for index, (shop, depot) in enumerate(zip(shops, warehouses, strict=True)):
        for k in range(1 + index % 2):
            name, category, supply, unit = GOODS[(index * 2 + k) % len(GOODS)]
            plans.append(
                (
                    shop,
                    depot,
                    name,
                    categories.get(category) or categories.get("pears"),
                    Decimal(supply),
                    unit,
                    len(plans),
                )
            )
    products = Product.objects.bulk_create(
        [
            Product(
                shop=shop,
                product_type=product_type,
                category=category,
                name=name,
                slug=f"demo-supply-{shop.pk}-{n}",
                description=f"{shop.name}供货，分销商一件代发。",
                weight_unit=WeightUnit.JIN,
                seo_title=name[:120],
            )
            for shop, _depot, name, category, _supply, _unit, n in plans
        ]
    )
    variants = ProductVariant.objects.bulk_create(
        [
            ProductVariant(product=product, sku=f"DEMO-SUPPLY-{product.pk}", name=unit)
            for product, (_s, _d, _n, _c, _p, unit, _i) in zip(products, plans, strict=True)
        ]
    )
    prices = [_money(supply * Decimal("1.45")) for (_s, _d, _n, _c, supply, _u, _i) in plans]
    ProductChannelListing.objects.bulk_create(
        [
            ProductChannelListing(
                product=product,
                channel=channel,
                is_published=True,
                published_at=now,
                visible_in_listings=True,
                available_for_purchase_at=now,
                min_price_amount=price,
                max_price_amount=price,
                product_name=product.name,
            )
            for product, price in zip(products, prices, strict=True)
        ]
    )
    ProductVariantChannelListing.objects.bulk_create(
        [
            ProductVariantChannelListing(variant=variant, channel=channel, currency="CNY", price_amount=price)
            for variant, price in zip(variants, prices, strict=True)
        ]
    )
    stocks = Stock.objects.bulk_create(
        [
            Stock(warehouse=depot, variant=variant, quantity=rng.randrange(200, 2000, 10))
            for variant, (_s, depot, _n, _c, _p, _u, _i) in zip(variants, plans, strict=True)
        ]
    )
    StockMovement.objects.bulk_create(
        [
            StockMovement(stock=stock, kind=MovementKind.RECEIVED, quantity_delta=stock.quantity, note="演示供货库存")
            for stock in stocks
        ]
    )
    return [(variant, supply) for variant, (_s, _d, _n, _c, supply, _u, _i) in zip(variants, plans, strict=True)]


def _terms(supply: Decimal, rng: random.Random) -> dict:
    """Offer terms that satisfy the contract: supply < min <= suggested <= max, supply + C(min) <= min."""
    low = _money(supply * Decimal("1.25"))
    suggested = _money(supply * Decimal("1.45"))
    high = _money(supply * Decimal("1.90"))
    if rng.random() < 0.75:
        kind, value = "rate", Decimal(rng.choice(["0.08", "0.10", "0.12", "0.15"]))
    else:
        kind, value = "fixed", _money(supply * Decimal(rng.choice(["0.08", "0.12", "0.15"])))
    assert supply + commission_amount(kind, value, low, 1) <= low
    return {
        "supply_price": supply,
        "min_retail_price": low,
        "suggested_retail_price": suggested,
        "max_retail_price": high,
        "commission_kind": kind,
        "commission_value": value,
    }


REGIONS = [["辽宁省"], ["辽宁省", "吉林省", "黑龙江省"], ["全国"]]


def seed_incubator() -> int:
    """The pool, the distributors and their picks (bulk). Returns the offers created."""
    if SupplyOffer.objects.exists():
        return 0
    rng = random.Random(SEED)
    now = timezone.now()
    setup = market_demo.catalogue_setup()
    with transaction.atomic():
        supplier = _service_shop(
            SUPPLIER_PHONE,
            name="春生农特产品供应站",
            kind=ShopKind.SUPPLIER,
            track=ShopTrack.BUSINESS,
            serial=1604,
            credit=market_demo._credit_code("91", 1604),
        )
        distributor = _service_approve(
            _service_shop(
                DISTRIBUTOR_PHONE,
                name="张丽的家乡好物小店",
                kind=ShopKind.DISTRIBUTOR,
                track=ShopTrack.FARMER_LIGHT,
                serial=1603,
            )
        )
        cooperatives = list(Shop.objects.filter(kind=ShopKind.COOPERATIVE, status=ShopStatus.ACTIVE).order_by("pk")[:5])
        bulk_count = SUPPLIERS - 1 - len(cooperatives)
        bulk_suppliers = _bulk_shops(
            bulk_count // 2, kind=ShopKind.COOPERATIVE, track=ShopTrack.BUSINESS, first_serial=16100, now=now, rng=rng
        ) + _bulk_shops(
            bulk_count - bulk_count // 2,
            kind=ShopKind.SUPPLIER,
            track=ShopTrack.BUSINESS,
            first_serial=16200,
            now=now,
            rng=rng,
        )
        goods = _bulk_products([supplier, *bulk_suppliers], setup, rng, now)
        supplier = _service_approve(supplier)  # its checklist (goods, delivery) is complete now
        # the marketplace cooperatives offer their first three packs (pears and apples of 周家镇 among them)
        for coop in cooperatives:
            for variant in (
                ProductVariant.objects.filter(product__shop=coop).select_related("product").order_by("pk")[:3]
            ):
                listing = variant.channel_listings.first()
                if listing is not None:
                    goods.append((variant, _money(listing.price_amount * Decimal("0.70"))))
        offers = SupplyOffer.objects.bulk_create(
            [
                SupplyOffer(
                    supplier_shop_id=variant.product.shop_id,
                    variant=variant,
                    regions=REGIONS[n % len(REGIONS)],
                    state=OfferState.OPEN if n % 11 else OfferState.PAUSED,
                    reviewed_at=now if n % 5 else None,  # a few await the staff's review
                    **_terms(supply, rng),
                )
                for n, (variant, supply) in enumerate(goods)
            ]
        )
        SupplyOfferEvent.objects.bulk_create(
            [SupplyOfferEvent(offer=offer, action="created", to_state="draft", data={"demo": True}) for offer in offers]
            + [SupplyOfferEvent(offer=offer, action="open", from_state="draft", to_state="open") for offer in offers]
            + [
                SupplyOfferEvent(offer=offer, action="pause", from_state="open", to_state="paused")
                for offer in offers
                if offer.state == OfferState.PAUSED
            ]
        )
        distributors = [distributor] + _bulk_shops(
            DISTRIBUTORS - 1,
            kind=ShopKind.DISTRIBUTOR,
            track=ShopTrack.FARMER_LIGHT,
            first_serial=16300,
            now=now,
            rng=rng,
        )
        open_offers = [offer for offer in offers if offer.state == OfferState.OPEN]
        pears = [offer for offer in open_offers if "梨" in offer.variant.product.name]
        picks = []
        for index, shop in enumerate(distributors):
            chosen = (
                pears[:2] + rng.sample(open_offers, 4) if index == 0 else rng.sample(open_offers, rng.randint(3, 8))
            )
            for offer in dict.fromkeys(chosen):
                steps = int((offer.max_retail_price - offer.min_retail_price) * 100)
                price = (
                    offer.suggested_retail_price
                    if index == 0
                    else offer.min_retail_price + Decimal(rng.randint(0, steps)) / 100
                )
                picks.append(DistributionPick(distributor_shop=shop, offer=offer, retail_price=_money(price)))
        picks = DistributionPick.objects.bulk_create(picks)
        DistributionPickEvent.objects.bulk_create(
            [
                DistributionPickEvent(
                    pick=pick, action="picked", to_state="live", data={"retail_price": str(pick.retail_price)}
                )
                for pick in picks
            ]
        )
        owner = User.objects.get(phone=DISTRIBUTOR_PHONE)
        referral_link_create(actor=owner, shop=distributor)
    return len(offers)


INCUBATOR_DEMO_STEPS = [("incubator supply pool, 100 distributors and their picks", seed_incubator)]
