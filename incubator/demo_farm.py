"""Demo data of the farm information service: 12 produce items with their aliases, 3 markets, 365 days
of daily prices with a season shape (Nanguo pears cheapest at harvest in September-October, pork
dearest before the Spring Festival), 40 open supply posts from villages and 15 demand posts (matched),
and one agricultural fair in progress with approved stalls of the farmer shops.

Idempotent (each step does nothing when its rows exist) and quick on a first run: the prices and posts
are bulk inserts (about 13,000 rows in a few statements)."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from incubator.fairs.models import Fair, FairStall, FairStallEvent, FairStallProduct, StallStatus
from incubator.posts.models import PostSide, SupplyDemandPost
from incubator.posts.services import post_match
from incubator.prices.models import Market, PriceObservation, PriceSource, ProduceAlias, ProduceItem
from logistics.geography.models import Town, Village
from marketplace.catalog.models import Product
from marketplace.shops.models import Shop, ShopStatus
from meidu.accounts.models import User
from meidu.core.cache_versions import FARM_PRICES, bump

STATION_AGENT_PHONE = "+8613800000005"
SELLER_PHONE = "+8613800000002"
BUYER_PHONE = "+8613800000001"
OPERATOR_PHONE = "+8613800000010"

# code, name, English, unit, typical price per base unit, lowest month, seasonal swing, aliases
ITEMS = [
    ("nanguo-pear", "南果梨", "Nanguo pears", "jin", 3.0, 9.5, 0.35, ["南果", "南国梨", "梨"]),
    ("apple-pear", "苹果梨", "Apple pears", "jin", 2.2, 9.8, 0.30, []),
    ("apple", "寒富苹果", "Hanfu apples", "jin", 2.8, 10.2, 0.25, ["苹果", "寒富"]),
    ("corn", "玉米", "Corn", "jin", 1.2, 10.0, 0.12, ["苞米", "棒子", "包谷", "玉米棒"]),
    ("rice", "大米", "Rice", "jin", 2.6, 10.5, 0.08, ["稻米", "新米"]),
    ("millet", "小米", "Millet", "jin", 4.5, 10.0, 0.10, ["黄小米"]),
    ("sorghum", "高粱", "Sorghum", "jin", 1.6, 10.0, 0.10, ["高粱米"]),
    ("soybean", "大豆", "Soybeans", "jin", 2.7, 10.0, 0.10, ["黄豆"]),
    ("potato", "土豆", "Potatoes", "jin", 1.1, 8.5, 0.30, ["马铃薯", "地豆"]),
    ("cabbage", "大白菜", "Napa cabbage", "jin", 0.6, 10.5, 0.45, ["白菜", "酸菜"]),
    ("eggs", "柴鸡蛋", "Free-range eggs", "jin", 6.5, 5.0, 0.15, ["鸡蛋", "笨鸡蛋", "土鸡蛋"]),
    ("pig", "生猪", "Live pigs", "head", 2100.0, 6.0, 0.15, ["毛猪", "肥猪", "黑猪"]),
]

MARKETS = [
    ("county-wholesale", "大石桥农产品批发市场", "Dashiqiao wholesale market", "wholesale", 1.0),
    ("zhoujia-market", "周家镇大集", "Zhoujia town market", "town", 1.06),
    ("meidu-platform", "美都集市成交价", "Meidu Market sales", "platform", 1.15),
]


def _price(rng: random.Random, base: float, low_month: float, swing: float, factor: float, day: dt.date) -> Decimal:
    """The season: cheapest around ``low_month`` (harvest), dearest half a year later, with daily noise."""
    month = day.month + (day.day - 1) / 31
    season = -math.cos((month - low_month) / 12 * 2 * math.pi)  # -1 at the low month, +1 six months later
    value = base * factor * (1 + swing * season) * (1 + rng.uniform(-0.03, 0.03))
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def seed_farm_prices() -> int:
    """Items, aliases, markets and 365 days of daily prices (bulk, once)."""
    if ProduceItem.objects.exists():
        return 0
    rng = random.Random(2026)
    today = timezone.localdate()
    with transaction.atomic():
        items = ProduceItem.objects.bulk_create(
            [
                ProduceItem(code=code, name=name, name_en=en, unit=unit, position=index)
                for index, (code, name, en, unit, *_rest) in enumerate(ITEMS)
            ]
        )
        ProduceAlias.objects.bulk_create(
            [ProduceAlias(item=item, alias=alias) for item, spec in zip(items, ITEMS, strict=True) for alias in spec[7]]
        )
        zhoujia = Town.objects.filter(code="ZJ").first()
        markets = Market.objects.bulk_create(
            [
                Market(
                    code=code,
                    name=name,
                    name_en=en,
                    kind=kind,
                    position=index,
                    town=zhoujia if kind == "town" else None,
                )
                for index, (code, name, en, kind, _f) in enumerate(MARKETS)
            ]
        )
        rows = []
        for item, (_c, _n, _e, unit, base, low_month, swing, _a) in zip(items, ITEMS, strict=True):
            for market, (*_m, factor) in zip(markets, MARKETS, strict=True):
                for back in range(365, 0, -1):
                    day = today - dt.timedelta(days=back)
                    price = _price(rng, base, low_month, swing, factor, day)
                    platform = market.kind == "platform"
                    rows.append(
                        PriceObservation(
                            item=item,
                            market=market,
                            day=day,
                            price=price,
                            entered_price=price,
                            entered_unit=unit,
                            source=PriceSource.SALES if platform else PriceSource.REPORTER,
                            sales_count=rng.randint(3, 40) if platform else 0,
                        )
                    )
        PriceObservation.objects.bulk_create(rows, batch_size=5000)
        bump(FARM_PRICES)  # a board cached before the seed is not served again
    return len(rows)


def seed_farm_posts() -> int:
    """40 open supply posts from villages (the station agent posting for villagers, and the demo seller),
    15 demand posts from buyers in town, each demand matched against the supplies."""
    if SupplyDemandPost.objects.exists():
        return 0
    agent = User.objects.filter(phone=STATION_AGENT_PHONE).first()
    seller = User.objects.filter(phone=SELLER_PHONE).first()
    buyer = User.objects.filter(phone=BUYER_PHONE).first()
    items = list(ProduceItem.objects.order_by("position"))
    villages = list(Village.objects.select_related("town").order_by("code"))
    if not (agent and seller and buyer and items and villages):
        return 0
    rng = random.Random(19)
    today = timezone.localdate()
    names = ["王大娘", "李老汉", "张玉华", "刘德福", "孙桂兰", "赵长林", "周淑珍", "吴宝山"]
    supplies = []
    for index in range(40):
        item = items[index % len(items)]
        village = villages[(index * 7) % len(villages)]
        head = item.unit == "head"
        quantity = Decimal(rng.choice([5, 10, 20, 30]) if head else rng.choice([500, 1000, 2000, 5000, 10000]))
        by_agent = index % 2 == 0
        supplies.append(
            SupplyDemandPost(
                side=PostSide.SUPPLY,
                item=item,
                quantity=quantity,
                quantity_unit="head" if head else "jin",
                quantity_base=quantity,
                price_wish=None if index % 3 == 0 else Decimal(str(ITEMS[index % 12][4])),
                grade="first" if index % 4 == 0 else "",
                town=village.town,
                village=village,
                latitude=float(village.latitude),
                longitude=float(village.longitude),
                window_start=today - dt.timedelta(days=rng.randint(0, 10)),
                window_end=today + dt.timedelta(days=rng.randint(10, 60)),
                contact_name=names[index % len(names)] if by_agent else f"{seller.last_name}{seller.first_name}"[:32],
                contact_phone=f"+86139{4170000 + index:08d}" if by_agent else (seller.phone or ""),
                poster=agent if by_agent else seller,
                on_behalf_of=names[index % len(names)] if by_agent else "",
                note="自家地里的，欢迎来看货。" if index % 5 == 0 else "",
            )
        )
    towns = list(Town.objects.order_by("code"))
    demands = []
    for index in range(15):
        item = items[(index * 5) % len(items)]
        town = towns[index % len(towns)]
        head = item.unit == "head"
        quantity = Decimal(rng.choice([10, 20]) if head else rng.choice([1000, 3000, 8000]))
        demands.append(
            SupplyDemandPost(
                side=PostSide.DEMAND,
                item=item,
                quantity=quantity,
                quantity_unit="head" if head else "jin",
                quantity_base=quantity,
                price_wish=Decimal(str(ITEMS[(index * 5) % 12][4] * 1.1)).quantize(Decimal("0.01")),
                town=town,
                latitude=float(town.latitude),
                longitude=float(town.longitude),
                window_start=today,
                window_end=today + dt.timedelta(days=rng.randint(14, 45)),
                contact_name=f"{buyer.last_name}{buyer.first_name}"[:32],
                contact_phone=buyer.phone or "",
                poster=buyer,
                note="饭店长期收购。" if index % 3 == 0 else "",
            )
        )
    with transaction.atomic():
        SupplyDemandPost.objects.bulk_create(supplies)
        created = SupplyDemandPost.objects.bulk_create(demands)
        for demand in created:
            post_match(demand)
    return len(supplies) + len(demands)


def seed_farm_fair() -> int:
    """One fair in progress (the Nanguo pear harvest fair) with approved stalls of farmer shops by town."""
    if Fair.objects.exists():
        return 0
    operator = User.objects.filter(phone=OPERATOR_PHONE).first()
    today = timezone.localdate()
    shops = list(
        Shop.objects.filter(status=ShopStatus.ACTIVE, village__isnull=False)
        .select_related("village__town")
        .order_by("id")[:8]
    )
    with transaction.atomic():
        fair = Fair.objects.create(
            title="南果梨丰收节网上农展",
            theme="大石桥各镇的南果梨、苹果和秋收杂粮，产地直发。",
            starts_on=today - dt.timedelta(days=3),
            ends_on=today + dt.timedelta(days=7),
            opened_by=operator,
        )
        stalls = FairStall.objects.bulk_create(
            [
                FairStall(
                    fair=fair,
                    shop=shop,
                    town=shop.village.town,
                    status=StallStatus.APPROVED,
                    pitch=shop.description[:200],
                )
                for shop in shops
            ]
        )
        links = []
        for stall in stalls:
            products = Product.objects.filter(shop_id=stall.shop_id).order_by("id")[:3]
            links.extend(FairStallProduct(stall=stall, product=product) for product in products)
        FairStallProduct.objects.bulk_create(links)
        FairStallEvent.objects.bulk_create(
            [FairStallEvent(stall=s, status=StallStatus.APPLIED) for s in stalls]
            + [FairStallEvent(stall=s, status=StallStatus.APPROVED, actor=operator) for s in stalls]
        )
    return len(stalls)


FARM_DEMO_STEPS = [
    ("farm prices: 12 items, 3 markets, 365 days", seed_farm_prices),
    ("farm supply and demand posts", seed_farm_posts),
    ("an agricultural fair in progress", seed_farm_fair),
]
