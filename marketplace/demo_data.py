"""Marketplace demo data: the county department store, 20 farmer microshops, 5 cooperatives,
about 300 products with prices, stock and a generated photo each, in channels "retail" and "rural".

Everything a seller would do goes through the services (shop_apply, shop_transition,
product_create, variant_create, the channel listing updates, warehouse_create, stock_update,
product_media_create), so the demo exercises the same rules as the API. Categories, product
types and attributes are operator data, ensured through marketplace.catalog.services_setup.

Idempotent: shops are looked up by slug, products by slug, variants by SKU, and each later
piece (listing, price, stock, photo, review) is written only when missing, so a second run
writes nothing at all (no audit rows either). Each shop is built in one transaction.

The demo seller (+8613800000002, 李建国) owns the first farmer microshop, so the seller
centre has something to show after the demo login.

``marketplace_demo(products_per_shop=2)`` builds a smaller catalogue for tests; the demo
steps (``MARKETPLACE_DEMO_STEPS``) build the full one.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from logistics.geography.models import Town, Village
from marketplace.catalog import services as catalog
from marketplace.catalog.models import (
    Attribute,
    AttributeInputType,
    Category,
    Product,
    ProductChannelListing,
    ProductVariant,
    ProductVariantChannelListing,
    SoldBy,
)
from marketplace.catalog.services_setup import attribute_ensure, category_ensure, product_type_ensure
from marketplace.channels.models import Channel
from marketplace.channels.services import channel_ensure
from marketplace.inventory.models import Stock, Warehouse, WarehouseKind
from marketplace.inventory.services import stock_update, warehouse_create
from marketplace.shops.identity import _CHECK, _WEIGHTS
from marketplace.shops.models import Shop, ShopKind, ShopStatus, ShopTrack
from marketplace.shops.services import shop_apply, shop_transition
from meidu.accounts.demo_data import DEMO_PASSWORD, seed_demo_users
from meidu.accounts.models import User
from meidu.accounts.services import account_register

SELLER_PHONE = "+8613800000002"
OPERATOR_PHONE = "+8613800000010"
COUNTY = "大石桥市"
COUNTY_CODE = "210882"  # administrative division code of Dashiqiao
HARVEST_YEAR = 2026
IMAGE_SIDE = 600
IMAGE_QUALITY = 80

# --------------------------------------------------------------------------------------------
# Operator data: channels, categories (with the colour of their product cards), attributes, types
# --------------------------------------------------------------------------------------------

CHANNELS = [("retail", "县城商超"), ("rural", "乡村好物")]

# slug, name, parent slug, card colour (children inherit the top level's colour)
CATEGORIES = [
    ("fruit", "水果", None, "#E8A33D"),
    ("pears", "梨", "fruit", None),
    ("apples", "苹果", "fruit", None),
    ("grain-oil", "粮油", None, "#C9A227"),
    ("rice", "大米", "grain-oil", None),
    ("corn", "玉米", "grain-oil", None),
    ("millet", "小米", "grain-oil", None),
    ("coarse-grains", "杂粮", "grain-oil", None),
    ("cooking-oil", "食用油", "grain-oil", None),
    ("meat-eggs", "肉禽蛋", None, "#C0463A"),
    ("pork", "猪肉", "meat-eggs", None),
    ("eggs", "鸡蛋", "meat-eggs", None),
    ("mountain-goods", "山货", None, "#7B5B3A"),
    ("mushrooms", "蘑菇", "mountain-goods", None),
    ("honey", "蜂蜜", "mountain-goods", None),
    ("vegetables", "蔬菜", None, "#4E9F3D"),
    ("seasonal-vegetables", "时令蔬菜", "vegetables", None),
    ("appliances", "家电", None, "#2F6FA8"),
    ("kitchen-appliances", "厨房电器", "appliances", None),
    ("home-appliances", "生活电器", "appliances", None),
    ("daily-goods", "日用百货", None, "#7E6BB5"),
    ("cleaning", "洗护清洁", "daily-goods", None),
    ("paper-goods", "纸品", "daily-goods", None),
    ("kitchenware", "厨具餐具", "daily-goods", None),
    ("drinks", "酒水饮料", None, "#2A9D8F"),
]

# Shape drawn on the product card, per top-level category.
SHAPES = {
    "fruit": "circle",
    "grain-oil": "grain",
    "meat-eggs": "egg",
    "mountain-goods": "mountain",
    "vegetables": "leaf",
    "appliances": "box",
    "daily-goods": "diamond",
    "drinks": "bottle",
}

VARIETIES = [
    ("nanguo", "南果梨"),
    ("pingguoli", "苹果梨"),
    ("hanfu", "寒富苹果"),
    ("guoguang", "国光苹果"),
    ("fuji", "红富士"),
    ("yellow-corn", "黄玉米"),
    ("waxy-corn", "黏玉米"),
    ("japonica", "粳稻"),
    ("yellow-millet", "黄小米"),
    ("sorghum", "红高粱"),
    ("black-pig", "东北黑猪"),
    ("free-range-chicken", "散养柴鸡"),
    ("hazel-mushroom", "榛蘑"),
    ("pine-mushroom", "松蘑"),
    ("shiitake", "香菇"),
    ("black-fungus", "黑木耳"),
    ("linden-honey", "椴树蜜"),
    ("acacia-honey", "槐花蜜"),
    ("vitex-honey", "荆条蜜"),
]
GRADES = [("premium", "特级"), ("first", "一级"), ("second", "二级")]


def seed_marketplace_setup() -> int:
    """Channels, the category tree, attributes and product types; returns the number of categories."""
    for slug, name in CHANNELS:
        channel_ensure(slug, name)
    catalogue_setup()
    return len(CATEGORIES)


def catalogue_setup() -> dict:
    """Ensure the operator data and return it by slug (cheap on a second call: get_or_create)."""
    categories: dict[str, Category] = {}
    for slug, name, parent, _colour in CATEGORIES:
        categories[slug] = category_ensure(slug, name, parent=categories.get(parent) if parent else None)
    attributes = {
        "variety": attribute_ensure("variety", "品种", AttributeInputType.CHOICE, choices=VARIETIES),
        "origin": attribute_ensure("origin", "产地", AttributeInputType.TEXT),
        "grade": attribute_ensure("grade", "等级", AttributeInputType.CHOICE, choices=GRADES),
        "harvest": attribute_ensure("harvest-date", "采收日期", AttributeInputType.DATE),
        "weight": attribute_ensure("weight", "规格", AttributeInputType.NUMBER, unit="斤"),
    }
    a = attributes
    types = {
        "produce": product_type_ensure(
            "produce",
            "农产品",
            sold_by=SoldBy.WEIGHT,
            attributes=[a["variety"], a["origin"], a["grade"], a["harvest"], a["weight"]],
        ),
        "packaged-food": product_type_ensure(
            "packaged-food",
            "预包装农产品",
            sold_by=SoldBy.PIECE,
            attributes=[a["variety"], a["origin"], a["grade"], a["weight"]],
        ),
        "appliance": product_type_ensure("appliance", "家用电器", sold_by=SoldBy.PIECE, attributes=[a["origin"]]),
        "daily-goods": product_type_ensure(
            "daily-goods", "日用百货", sold_by=SoldBy.PIECE, attributes=[a["origin"], a["weight"]]
        ),
    }
    channels = {channel.slug: channel for channel in Channel.objects.filter(slug__in=[slug for slug, _ in CHANNELS])}
    return {"categories": categories, "attributes": attributes, "types": types, "channels": channels}


def category_colour(category: Category) -> str:
    """The card colour of a category: its top-level ancestor's."""
    colours = {slug: colour for slug, _name, _parent, colour in CATEGORIES if colour}
    parents = {slug: parent for slug, _name, parent, _colour in CATEGORIES}
    slug = category.slug
    while parents.get(slug):
        slug = parents[slug]
    return colours.get(slug, "#888888")


def category_root_slug(slug: str) -> str:
    parents = {s: parent for s, _name, parent, _colour in CATEGORIES}
    while parents.get(slug):
        slug = parents[slug]
    return slug


# --------------------------------------------------------------------------------------------
# What is sold
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One product line: ``price`` is per 斤 for produce sold by weight, per piece otherwise."""

    code: str
    name: str
    category: str
    price: str
    variety: str | None = None
    grade: str | None = "first"
    harvest: str | None = None  # MM-DD in HARVEST_YEAR
    jin: str | None = None  # pack size in 斤 (the 规格 attribute)
    grams: int | None = None  # weight of one unit
    origin: str = ""  # for goods not grown in the county
    description: str = ""


# Farmers sell by weight: the price is per 斤 (500 g).
PRODUCE = {
    item.code: item
    for item in [
        Item(
            "nanguo-premium",
            "南果梨（特级大果）",
            "pears",
            "8.80",
            "nanguo",
            "premium",
            "09-20",
            description="辽南特产，后熟变软后香甜多汁，大果精选。",
        ),
        Item(
            "nanguo",
            "南果梨",
            "pears",
            "6.50",
            "nanguo",
            "first",
            "09-22",
            description="自家果园现摘，放软再吃，满口果香。",
        ),
        Item(
            "nanguo-soft",
            "南果梨（熟软即食）",
            "pears",
            "5.80",
            "nanguo",
            "second",
            "09-25",
            description="已经放软，到手即食，不宜久放。",
        ),
        Item(
            "pingguoli",
            "苹果梨",
            "pears",
            "3.50",
            "pingguoli",
            "first",
            "10-05",
            description="皮薄肉脆，耐储存，冬天冻梨也好吃。",
        ),
        Item(
            "hanfu",
            "寒富苹果",
            "apples",
            "4.80",
            "hanfu",
            "first",
            "10-10",
            description="抗寒品种，果大色艳，酸甜脆口。",
        ),
        Item(
            "guoguang",
            "国光苹果",
            "apples",
            "3.80",
            "guoguang",
            "first",
            "10-15",
            description="老品种国光，酸甜硬脆，小时候的味道。",
        ),
        Item("fuji", "红富士苹果", "apples", "5.50", "fuji", "premium", "10-20", description="霜降后采摘，糖心脆甜。"),
        Item(
            "fresh-corn",
            "鲜食黄玉米",
            "corn",
            "2.50",
            "yellow-corn",
            "first",
            "08-15",
            description="早上现掰，煮着吃香甜。",
        ),
        Item(
            "waxy-corn", "黏玉米", "corn", "3.50", "waxy-corn", "first", "08-20", description="东北黏苞米，软糯有嚼劲。"
        ),
        Item(
            "corn-grits",
            "玉米碴子",
            "corn",
            "3.80",
            "yellow-corn",
            "first",
            "10-01",
            description="新玉米现磨，熬粥香。",
        ),
        Item(
            "corn-flour",
            "玉米面",
            "corn",
            "3.20",
            "yellow-corn",
            "first",
            "10-01",
            description="贴饼子、蒸窝头都好用。",
        ),
        Item("rice", "当季新大米", "rice", "4.20", "japonica", "first", "10-10", description="一年一季，现碾现卖。"),
        Item(
            "rice-premium",
            "蟹田大米",
            "rice",
            "6.80",
            "japonica",
            "premium",
            "10-10",
            description="稻田养蟹，不打农药，米香浓。",
        ),
        Item(
            "millet",
            "黄小米",
            "millet",
            "6.00",
            "yellow-millet",
            "first",
            "09-25",
            description="山坡地小米，熬粥有米油。",
        ),
        Item(
            "millet-premium",
            "月子小米",
            "millet",
            "9.80",
            "yellow-millet",
            "premium",
            "09-25",
            description="精选新米，颗粒饱满。",
        ),
        Item(
            "sorghum",
            "高粱米",
            "coarse-grains",
            "4.50",
            "sorghum",
            "first",
            "10-05",
            description="东北高粱米，焖饭熬粥。",
        ),
        Item(
            "pork-belly",
            "散养土猪五花肉",
            "pork",
            "22.00",
            "black-pig",
            "first",
            "11-10",
            description="吃粮食长大的黑猪，养足一年，肥瘦相间。",
        ),
        Item(
            "pork-leg",
            "土猪后腿肉",
            "pork",
            "18.00",
            "black-pig",
            "first",
            "11-10",
            description="瘦肉多，包饺子、炒菜都行。",
        ),
        Item(
            "pork-ribs",
            "土猪排骨",
            "pork",
            "32.00",
            "black-pig",
            "premium",
            "11-10",
            description="肋排，炖酸菜、炖豆角。",
        ),
        Item(
            "eggs",
            "散养笨鸡蛋",
            "eggs",
            "7.50",
            "free-range-chicken",
            "first",
            "11-20",
            description="山上散养柴鸡，蛋黄红亮。",
        ),
        Item(
            "eggs-grass",
            "草鸡蛋",
            "eggs",
            "6.80",
            "free-range-chicken",
            "second",
            "11-20",
            description="院里散养，每天现捡。",
        ),
        Item(
            "hazel-mushroom",
            "干榛蘑",
            "mushrooms",
            "78.00",
            "hazel-mushroom",
            "first",
            "09-05",
            description="小鸡炖蘑菇就用它，野生采摘晾干。",
        ),
        Item(
            "pine-mushroom",
            "干松蘑",
            "mushrooms",
            "60.00",
            "pine-mushroom",
            "first",
            "08-25",
            description="松林里采的，香味浓。",
        ),
        Item(
            "shiitake", "干香菇", "mushrooms", "42.00", "shiitake", "first", "10-15", description="椴木香菇，肉厚味香。"
        ),
        Item(
            "black-fungus",
            "秋木耳",
            "mushrooms",
            "55.00",
            "black-fungus",
            "premium",
            "09-30",
            description="小碗耳，泡发率高。",
        ),
        Item(
            "linden-honey",
            "椴树蜜",
            "honey",
            "38.00",
            "linden-honey",
            "premium",
            "07-20",
            description="椴树花期摇的蜜，冬天会结晶，是真蜜的表现。",
        ),
        Item(
            "acacia-honey",
            "槐花蜜",
            "honey",
            "30.00",
            "acacia-honey",
            "first",
            "06-01",
            description="清香淡雅，不易结晶。",
        ),
        Item(
            "vitex-honey",
            "荆条蜜",
            "honey",
            "26.00",
            "vitex-honey",
            "first",
            "07-30",
            description="山上荆条花蜜，味道醇厚。",
        ),
        Item(
            "cabbage",
            "秋白菜",
            "seasonal-vegetables",
            "0.80",
            None,
            "first",
            "10-25",
            description="积酸菜、冬储都合适。",
        ),
        Item("potato", "土豆", "seasonal-vegetables", "1.50", None, "first", "09-10", description="沙瓤土豆，炖菜面。"),
        Item(
            "scallion", "大葱", "seasonal-vegetables", "2.50", None, "first", "10-15", description="蘸酱大葱，甜不辣。"
        ),
        Item(
            "sweet-potato",
            "红薯",
            "seasonal-vegetables",
            "2.00",
            None,
            "first",
            "09-28",
            description="烤着吃、蒸着吃都甜。",
        ),
        Item(
            "pumpkin", "老南瓜", "seasonal-vegetables", "1.20", None, "first", "09-20", description="面甜，熬粥蒸饭。"
        ),
        Item("pepper", "尖椒", "seasonal-vegetables", "3.00", None, "first", "08-30", description="地产尖椒，微辣。"),
    ]
}


@dataclass(frozen=True)
class FarmerSpec:
    last_name: str
    first_name: str
    shop_name: str
    theme: tuple[str, ...]


# Four farmers per town (周家镇, 汤池镇, 博洛铺镇, 虎庄镇, 官屯镇, as in the county's data file);
# the first is the demo seller.
FARMERS = [
    FarmerSpec("李", "建国", "建国南果梨园", ("nanguo-premium", "nanguo", "nanguo-soft", "pingguoli")),
    FarmerSpec("王", "桂兰", "桂兰笨鸡蛋", ("eggs", "eggs-grass", "waxy-corn")),
    FarmerSpec("张", "德福", "德福蜂场", ("linden-honey", "acacia-honey", "vitex-honey")),
    FarmerSpec("刘", "玉梅", "玉梅农家小米", ("millet", "millet-premium", "corn-grits", "sorghum")),
    FarmerSpec("陈", "国庆", "国庆果园", ("hanfu", "guoguang", "fuji", "nanguo")),
    FarmerSpec("杨", "秀英", "秀英山货铺", ("hazel-mushroom", "pine-mushroom", "shiitake", "black-fungus")),
    FarmerSpec("赵", "铁柱", "铁柱土猪肉", ("pork-belly", "pork-leg", "pork-ribs")),
    FarmerSpec("孙", "丽华", "丽华鲜玉米", ("fresh-corn", "waxy-corn", "corn-flour", "corn-grits")),
    FarmerSpec("周", "海军", "海军大米", ("rice", "rice-premium", "millet")),
    FarmerSpec("吴", "淑珍", "淑珍南果梨", ("nanguo", "nanguo-soft", "pingguoli")),
    FarmerSpec("郑", "宝山", "宝山蘑菇屋", ("shiitake", "black-fungus", "hazel-mushroom")),
    FarmerSpec("冯", "玉兰", "玉兰菜园", ("cabbage", "potato", "scallion", "pepper")),
    FarmerSpec("何", "长林", "长林黑猪", ("pork-belly", "pork-ribs", "pork-leg")),
    FarmerSpec("高", "翠花", "翠花土鸡蛋", ("eggs", "eggs-grass")),
    FarmerSpec("马", "振华", "振华苹果园", ("fuji", "hanfu", "guoguang")),
    FarmerSpec("胡", "凤琴", "凤琴杂粮铺", ("sorghum", "millet", "corn-grits", "corn-flour")),
    FarmerSpec("郭", "玉山", "玉山蜂蜜", ("linden-honey", "vitex-honey")),
    FarmerSpec("林", "秀珍", "秀珍南果梨", ("nanguo-premium", "nanguo", "pingguoli")),
    FarmerSpec("罗", "大勇", "大勇粮油", ("rice", "rice-premium", "fresh-corn")),
    FarmerSpec("梁", "桂芝", "桂芝农家菜", ("sweet-potato", "pumpkin", "cabbage", "eggs")),
]
FARMER_PRODUCTS = 10


@dataclass(frozen=True)
class CoopSpec:
    code: str
    town: str
    name: str
    chair: tuple[str, str]
    description: str
    items: tuple[Item, ...]


def _pack(code, name, category, price, jin, variety=None, grade="first", harvest=None, description=""):
    grams = int(Decimal(jin) * 500)
    return Item(code, name, category, price, variety, grade, harvest, jin=jin, grams=grams, description=description)


COOPERATIVES = [
    CoopSpec(
        "c1",
        "ZJ",
        "周家镇南果梨专业合作社",
        ("孟", "宪章"),
        "周家镇百余户果农联合经营，统一分级、冷库储存、礼盒包装。",
        (
            _pack(
                "nanguo-box-10",
                "南果梨礼盒 10斤装",
                "pears",
                "88.00",
                "10",
                "nanguo",
                "premium",
                "09-20",
                "精选75mm以上大果，单果网套。",
            ),
            _pack("nanguo-family-5", "南果梨 5斤家庭装", "pears", "42.00", "5", "nanguo", "first", "09-22"),
            _pack(
                "nanguo-gift-12",
                "南果梨特级礼盒 12枚",
                "pears",
                "68.00",
                "4",
                "nanguo",
                "premium",
                "09-20",
                "送礼首选。",
            ),
            _pack(
                "frozen-pear-5",
                "南果梨冻梨 5斤装",
                "pears",
                "35.00",
                "5",
                "nanguo",
                "first",
                "09-25",
                "东北冻梨，缓化后冰甜爽口。",
            ),
            _pack("pingguoli-10", "苹果梨 10斤箱装", "pears", "32.00", "10", "pingguoli", "first", "10-05"),
            _pack("hanfu-10", "寒富苹果 10斤箱装", "apples", "45.00", "10", "hanfu", "first", "10-10"),
            _pack("guoguang-10", "国光苹果 10斤箱装", "apples", "36.00", "10", "guoguang", "first", "10-15"),
            _pack("fuji-8", "红富士苹果 8斤礼盒", "apples", "52.00", "8", "fuji", "premium", "10-20"),
        ),
    ),
    CoopSpec(
        "c2",
        "TC",
        "汤池镇食用菌种植专业合作社",
        ("于", "长海"),
        "林下种植与野生采集，统一烘干、分拣、包装。",
        (
            _pack("hazel-250", "干榛蘑 250克", "mushrooms", "45.00", "0.5", "hazel-mushroom", "first", "09-05"),
            _pack("pine-250", "干松蘑 250克", "mushrooms", "36.00", "0.5", "pine-mushroom", "first", "08-25"),
            _pack("shiitake-500", "椴木干香菇 500克", "mushrooms", "48.00", "1", "shiitake", "premium", "10-15"),
            _pack("fungus-250", "秋木耳 250克", "mushrooms", "32.00", "0.5", "black-fungus", "premium", "09-30"),
            _pack("fresh-shiitake-3", "鲜香菇 3斤装", "mushrooms", "27.00", "3", "shiitake", "first", "11-20"),
            _pack(
                "mushroom-gift",
                "山珍菌菇礼盒 1斤",
                "mushrooms",
                "98.00",
                "1",
                None,
                "premium",
                "09-30",
                "榛蘑、松蘑、香菇、木耳四拼。",
            ),
            _pack("hericium-250", "干猴头菇 250克", "mushrooms", "58.00", "0.5", None, "first", "09-15"),
            _pack("yuanmo-250", "干元蘑 250克", "mushrooms", "30.00", "0.5", None, "first", "09-10"),
        ),
    ),
    CoopSpec(
        "c3",
        "BLP",
        "博洛铺镇粮食种植专业合作社",
        ("钱", "广富"),
        "合作社统一种植、统一收割，稻谷现碾。",
        (
            _pack("crab-rice-10", "蟹田大米 10斤装", "rice", "65.00", "10", "japonica", "premium", "10-10"),
            _pack("rice-25", "当季新大米 25斤袋", "rice", "99.00", "25", "japonica", "first", "10-10"),
            _pack("millet-5", "黄小米 5斤装", "millet", "35.00", "5", "yellow-millet", "first", "09-25"),
            _pack("corn-grits-5", "玉米碴子 5斤装", "corn", "19.00", "5", "yellow-corn", "first", "10-01"),
            _pack("corn-flour-5", "玉米面 5斤装", "corn", "16.00", "5", "yellow-corn", "first", "10-01"),
            _pack(
                "waxy-corn-10",
                "真空黏玉米 10穗装",
                "corn",
                "39.00",
                "5",
                "waxy-corn",
                "first",
                "08-20",
                "真空包装，常温保存，蒸10分钟即食。",
            ),
            _pack(
                "grains-gift",
                "东北杂粮礼盒 6斤",
                "coarse-grains",
                "69.00",
                "6",
                None,
                "premium",
                "10-05",
                "小米、高粱米、玉米碴、红小豆、绿豆、黄豆。",
            ),
            _pack("sorghum-5", "高粱米 5斤装", "coarse-grains", "25.00", "5", "sorghum", "first", "10-05"),
        ),
    ),
    CoopSpec(
        "c4",
        "HZ",
        "虎庄镇蜂业专业合作社",
        ("沈", "玉华"),
        "三十多户蜂农，跟着花期转场，成熟蜜才摇。",
        (
            _pack("linden-1", "椴树蜜 1斤瓶装", "honey", "45.00", "1", "linden-honey", "premium", "07-20"),
            _pack("linden-2", "椴树蜜 2斤装", "honey", "85.00", "2", "linden-honey", "premium", "07-20"),
            _pack("acacia-1", "槐花蜜 1斤瓶装", "honey", "36.00", "1", "acacia-honey", "first", "06-01"),
            _pack("vitex-1", "荆条蜜 1斤瓶装", "honey", "32.00", "1", "vitex-honey", "first", "07-30"),
            _pack(
                "comb-honey",
                "蜂巢蜜 1斤盒装",
                "honey",
                "68.00",
                "1",
                None,
                "premium",
                "07-25",
                "整块巢脾，连蜡嚼着吃。",
            ),
            _pack("wildflower-5", "百花蜜 5斤桶装", "honey", "120.00", "5", None, "first", "08-15"),
            _pack("royal-jelly", "鲜蜂王浆 250克", "honey", "88.00", "0.5", None, "premium", "06-10", "冷冻保存。"),
            _pack(
                "honey-gift",
                "蜂蜜礼盒 双瓶装",
                "honey",
                "118.00",
                "2",
                None,
                "premium",
                "07-30",
                "椴树蜜、荆条蜜各一瓶。",
            ),
        ),
    ),
    CoopSpec(
        "c5",
        "GT",
        "官屯镇生猪养殖专业合作社",
        ("邹", "立新"),
        "林下散养黑猪和柴鸡，定点屠宰，冷链配送到村。",
        (
            _pack("belly-5", "黑猪五花肉 5斤装", "pork", "115.00", "5", "black-pig", "first", "11-10"),
            _pack("ribs-5", "黑猪排骨 5斤装", "pork", "165.00", "5", "black-pig", "premium", "11-10"),
            _pack("leg-5", "黑猪后腿肉 5斤装", "pork", "92.00", "5", "black-pig", "first", "11-10"),
            _pack(
                "mince-2",
                "黑猪肉馅 2斤装",
                "pork",
                "38.00",
                "2",
                "black-pig",
                "first",
                "11-10",
                "包饺子专用，三七肥瘦。",
            ),
            _pack("blood-sausage", "酸菜血肠 2斤装", "pork", "36.00", "2", None, "first", "11-15", "杀猪菜必备。"),
            _pack("eggs-30", "柴鸡蛋 30枚装", "eggs", "39.00", "3", "free-range-chicken", "first", "11-20"),
            _pack("eggs-60", "柴鸡蛋 60枚箱装", "eggs", "75.00", "6", "free-range-chicken", "first", "11-20"),
            _pack(
                "pork-gift",
                "年猪礼盒 10斤",
                "pork",
                "298.00",
                "10",
                "black-pig",
                "premium",
                "11-10",
                "五花、排骨、后腿、肉馅组合。",
            ),
        ),
    ),
]
COOP_PRODUCTS = 8


def _goods(code, name, category, price, grams=None, origin="", jin=None):
    return Item(code, name, category, price, grade=None, grams=grams, origin=origin, jin=jin)


# The county department store sells in channel "retail".
STORE_NAME = "大石桥百货大楼"
STORE_WAREHOUSES = [
    ("百货大楼总店", "大石桥市哈大路与青花大街交汇处", "0417-5612001"),
    ("百货大楼金桥分店", "大石桥市金桥大街188号", "0417-5612002"),
    ("百货大楼钢都分店", "大石桥市钢都街道民主路66号", "0417-5612003"),
]
STORE_PRODUCTS = [
    _goods("rice-cooker-4l", "智能电饭煲 4L 家用多功能", "kitchen-appliances", "299.00", 3800, "广东佛山"),
    _goods("rice-cooker-3l", "迷你电饭煲 3L", "kitchen-appliances", "169.00", 2600, "广东中山"),
    _goods("ih-rice-cooker", "IH电磁加热电饭煲 5L", "kitchen-appliances", "599.00", 5200, "广东佛山"),
    _goods("kettle-1-7", "不锈钢电热水壶 1.7L", "kitchen-appliances", "79.00", 1100, "浙江宁波"),
    _goods("kettle-thermo", "恒温电热水壶 1.5L 可调温", "kitchen-appliances", "139.00", 1300, "浙江宁波"),
    _goods("induction", "电磁炉 2200W 触控", "kitchen-appliances", "229.00", 2900, "广东佛山"),
    _goods("microwave", "微波炉 20L 转盘式", "kitchen-appliances", "399.00", 11500, "广东顺德"),
    _goods("air-fryer", "空气炸锅 5L 可视窗", "kitchen-appliances", "259.00", 4200, "广东中山"),
    _goods("soymilk", "破壁豆浆机 1.2L", "kitchen-appliances", "329.00", 3100, "山东济南"),
    _goods("pressure-cooker", "电压力锅 5L 双胆", "kitchen-appliances", "349.00", 5600, "广东佛山"),
    _goods("steamer", "三层电蒸锅 18L", "kitchen-appliances", "189.00", 3300, "广东中山"),
    _goods("dumpling-cooker", "多功能电煮锅 2L", "kitchen-appliances", "99.00", 1500, "浙江慈溪"),
    _goods("electric-pan", "电饼铛 双面加热", "kitchen-appliances", "199.00", 3600, "广东佛山"),
    _goods("heater", "暖风机 家用取暖器 2000W", "home-appliances", "219.00", 2400, "浙江慈溪"),
    _goods("oil-heater", "油汀取暖器 13片", "home-appliances", "459.00", 12000, "广东中山"),
    _goods("blanket", "双人电热毯 1.8×1.5米 调温", "home-appliances", "129.00", 1600, "江苏南通"),
    _goods("humidifier", "加湿器 4L 上加水", "home-appliances", "149.00", 1400, "广东深圳"),
    _goods("hair-dryer", "负离子电吹风 1800W", "home-appliances", "119.00", 600, "广东深圳"),
    _goods("steam-iron", "手持挂烫机", "home-appliances", "169.00", 1200, "广东中山"),
    _goods("vacuum", "无线手持吸尘器", "home-appliances", "699.00", 2600, "江苏苏州"),
    _goods("fan", "落地电风扇 五叶", "home-appliances", "159.00", 5800, "广东中山"),
    _goods("washer-mini", "迷你洗衣机 3kg 半自动", "home-appliances", "359.00", 12500, "浙江宁波"),
    _goods("detergent-3kg", "洗衣液 3kg 薰衣草香", "cleaning", "39.90", 3100, "辽宁沈阳"),
    _goods("detergent-1kg", "洗衣液 1kg 补充装", "cleaning", "15.90", 1050, "辽宁沈阳"),
    _goods("washing-powder", "洗衣粉 1.7kg", "cleaning", "19.90", 1750, "辽宁沈阳"),
    _goods("dish-soap", "洗洁精 1.5kg 柠檬", "cleaning", "12.90", 1550, "上海"),
    _goods("disinfectant", "84消毒液 1.2kg", "cleaning", "9.90", 1250, "辽宁大连"),
    _goods("shampoo", "去屑洗发水 750ml", "cleaning", "49.90", 820, "广东广州"),
    _goods("body-wash", "沐浴露 1L 家庭装", "cleaning", "39.90", 1080, "广东广州"),
    _goods("toothpaste", "牙膏 180g×3支", "cleaning", "29.90", 600, "江苏扬州"),
    _goods("soap", "香皂 115g×4块", "cleaning", "19.90", 500, "上海"),
    _goods("toilet-cleaner", "洁厕灵 500g×2瓶", "cleaning", "16.80", 1100, "辽宁沈阳"),
    _goods("toilet-paper", "卷纸 4层 27卷 整提", "paper-goods", "39.90", 2800, "山东潍坊"),
    _goods("tissues", "抽纸 3层 120抽×24包", "paper-goods", "45.90", 3300, "福建晋江"),
    _goods("kitchen-paper", "厨房用纸 4卷", "paper-goods", "14.90", 700, "山东潍坊"),
    _goods("wet-wipes", "婴儿湿巾 80抽×5包", "paper-goods", "29.90", 1900, "福建晋江"),
    _goods("handkerchiefs", "手帕纸 18包", "paper-goods", "9.90", 400, "福建晋江"),
    _goods("wok", "铸铁炒锅 32cm 无涂层", "kitchenware", "129.00", 3200, "山西阳城"),
    _goods("pot-set", "不锈钢汤锅 24cm", "kitchenware", "89.00", 1800, "广东揭阳"),
    _goods("knife", "家用菜刀 不锈钢", "kitchenware", "59.00", 320, "广东阳江"),
    _goods("cutting-board", "整木砧板 40×28cm", "kitchenware", "69.00", 2100, "黑龙江伊春"),
    _goods("thermos", "不锈钢保温杯 500ml", "kitchenware", "79.00", 350, "浙江永康"),
    _goods("lunchbox", "玻璃保鲜饭盒 三件套", "kitchenware", "49.90", 1300, "河北沧州"),
    _goods("bowls", "陶瓷饭碗 10只装", "kitchenware", "39.90", 2500, "江西景德镇"),
    _goods("chopsticks", "合金筷子 10双", "kitchenware", "19.90", 300, "浙江义乌"),
    _goods("soybean-oil", "非转基因大豆油 5L", "cooking-oil", "69.90", 4600, "黑龙江"),
    _goods("peanut-oil", "压榨一级花生油 5L", "cooking-oil", "139.00", 4600, "山东"),
    _goods("corn-oil", "玉米胚芽油 5L", "cooking-oil", "79.90", 4600, "吉林"),
    _goods("store-rice-10kg", "东北大米 10kg", "rice", "59.90", 10000, "辽宁营口"),
    _goods("flour-5kg", "小麦粉 5kg 通用", "coarse-grains", "32.90", 5000, "河北"),
    _goods("beer-12", "啤酒 500ml×12听", "drinks", "42.00", 6400, "辽宁沈阳"),
    _goods("baijiu", "粮食白酒 52度 500ml", "drinks", "68.00", 950, "辽宁"),
    _goods("water-24", "饮用天然水 550ml×24瓶", "drinks", "24.00", 13500, "吉林长白山"),
    _goods("milk-12", "纯牛奶 250ml×12盒", "drinks", "49.90", 3200, "内蒙古"),
    _goods("soda-12", "橙味汽水 330ml×12罐", "drinks", "29.90", 4200, "辽宁大连"),
    _goods("tea-drink", "冰红茶 1L×12瓶", "drinks", "39.90", 12800, "天津"),
    _goods("soy-sauce", "酿造酱油 1.8L", "cooking-oil", "19.90", 2000, "广东佛山"),
    _goods("vinegar", "陈醋 800ml", "cooking-oil", "12.90", 1100, "山西"),
    _goods("soybean-paste", "东北大酱 1kg", "cooking-oil", "16.90", 1100, "辽宁营口"),
    _goods("laundry-beads", "洗衣凝珠 52颗", "cleaning", "45.90", 900, "广东广州"),
]

# --------------------------------------------------------------------------------------------
# People and identities (synthetic, checksum-valid, never real)
# --------------------------------------------------------------------------------------------


def _id_number(serial: int) -> str:
    """A checksum-valid resident ID number registered in Dashiqiao (birth dates 1960-1989)."""
    body = f"{COUNTY_CODE}{1960 + serial % 30}{1 + serial % 12:02d}{1 + serial % 28:02d}{serial % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _WEIGHTS, strict=True))
    return body + _CHECK[total % 11]


_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def _credit_code(kind_prefix: str, serial: int) -> str:
    """A unified social credit code with its GB 32100 check character: ``91`` company, ``93`` farmers' cooperative."""
    organisation = f"MA{serial:06d}"
    organisation = organisation + "".join(_CREDIT_ALPHABET[(serial * 7 + i) % 31] for i in range(9 - len(organisation)))
    body = f"{kind_prefix}{COUNTY_CODE}{organisation}"
    total = sum(_CREDIT_ALPHABET.index(char) * weight for char, weight in zip(body, _CREDIT_WEIGHTS, strict=True))
    return body + _CREDIT_ALPHABET[(31 - total % 31) % 31]


def _payout_account(serial: int) -> str:
    return f"62284800{serial:011d}"


def _user(phone: str, last_name: str, first_name: str) -> User:
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = account_register(phone=phone, password=DEMO_PASSWORD, last_name=last_name, first_name=first_name)
    return user


def _demo_user(phone: str) -> User:
    user = User.objects.filter(phone=phone).first()
    if user is None:
        seed_demo_users()
        user = User.objects.get(phone=phone)
    return user


# --------------------------------------------------------------------------------------------
# Generated product photos
# --------------------------------------------------------------------------------------------

_FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
]


@lru_cache(maxsize=1)
def _font():
    """A CJK font if the machine has one (then cards show the product name), else Pillow's own."""
    from PIL import ImageFont

    for path in _FONT_CANDIDATES:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, 40), True
            except OSError:
                continue
    return ImageFont.load_default(size=40), False


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    hex_colour = hex_colour.lstrip("#")
    return tuple(int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))


def _shade(rgb: tuple[int, int, int], seed: int) -> tuple[int, int, int]:
    """The category colour with a small hue and lightness shift per product, so cards differ."""
    h, l, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    h = (h + ((seed % 7) - 3) * 0.012) % 1.0
    l = min(max(l + ((seed // 7 % 5) - 2) * 0.04, 0.2), 0.75)
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(h, l, s))


def product_card(*, label: str, code: str, colour: str, shape: str, side: int = IMAGE_SIDE) -> bytes:
    """A small JPEG product card: tinted background, the category's shape, the product's label."""
    from PIL import Image, ImageDraw

    seed = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16)
    base = _shade(_rgb(colour), seed)
    background = tuple(round(c + (255 - c) * 0.82) for c in base)
    dark = tuple(round(c * 0.55) for c in base)
    image = Image.new("RGB", (side, side), background)
    draw = ImageDraw.Draw(image)
    u = side / 12
    cx, cy = side / 2 + ((seed >> 8) % 5 - 2) * u * 0.4, side * 0.42 + ((seed >> 12) % 5 - 2) * u * 0.2
    r = u * (2.6 + (seed >> 16) % 4 * 0.2)
    if shape == "circle":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=base)
        draw.line((cx, cy - r, cx + u * 0.6, cy - r - u * 1.2), fill=dark, width=int(u * 0.35))
        draw.ellipse((cx + u * 0.4, cy - r - u * 1.4, cx + u * 2.0, cy - r - u * 0.5), fill=(88, 150, 60))
    elif shape == "grain":
        for i in range(7):
            gx, gy = cx + (i - 3) * u * 0.9, cy + abs(i - 3) * u * 0.5
            draw.ellipse((gx - u * 0.45, gy - u * 1.1, gx + u * 0.45, gy + u * 1.1), fill=base, outline=dark, width=3)
    elif shape == "egg":
        draw.ellipse((cx - r * 0.8, cy - r, cx + r * 0.8, cy + r), fill=base, outline=dark, width=4)
    elif shape == "mountain":
        draw.polygon([(cx - r * 1.4, cy + r * 0.8), (cx - r * 0.3, cy - r), (cx + r * 0.5, cy + r * 0.8)], fill=dark)
        draw.polygon(
            [(cx - r * 0.4, cy + r * 0.8), (cx + r * 0.6, cy - r * 0.5), (cx + r * 1.4, cy + r * 0.8)], fill=base
        )
    elif shape == "leaf":
        draw.chord((cx - r, cy - r * 0.6, cx + r, cy + r * 0.6), 0, 360, fill=base)
        draw.line((cx - r, cy, cx + r, cy), fill=dark, width=int(u * 0.2))
    elif shape == "box":
        draw.rounded_rectangle((cx - r, cy - r * 0.8, cx + r, cy + r * 0.8), radius=u * 0.6, fill=base)
        draw.rounded_rectangle(
            (cx - r * 0.7, cy - r * 0.5, cx + r * 0.1, cy + r * 0.5), radius=u * 0.3, fill=background
        )
        for i in range(3):
            draw.ellipse(
                (cx + r * 0.35, cy - r * 0.5 + i * u, cx + r * 0.35 + u * 0.6, cy - r * 0.5 + i * u + u * 0.6),
                fill=dark,
            )
    elif shape == "diamond":
        draw.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=base, outline=dark)
    else:  # bottle
        draw.rounded_rectangle((cx - r * 0.45, cy - r * 0.4, cx + r * 0.45, cy + r), radius=u * 0.5, fill=base)
        draw.rectangle((cx - r * 0.15, cy - r, cx + r * 0.15, cy - r * 0.35), fill=dark)
    # A band with the product's name (or code, without a CJK font) and a code strip that makes each card unique.
    draw.rectangle((0, side * 0.78, side, side), fill=dark)
    font, has_cjk = _font()
    text = label if has_cjk else code
    while draw.textlength(text, font=font) > side * 0.92 and len(text) > 4:
        text = text[:-2] + "…"
    draw.text((side / 2, side * 0.86), text, font=font, fill=(255, 255, 255), anchor="mm")
    for i in range(16):
        if (seed >> i) & 1:
            draw.rectangle(
                (u * 0.4 + i * u * 0.35, side * 0.945, u * 0.4 + i * u * 0.35 + u * 0.22, side * 0.975), fill=background
            )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=IMAGE_QUALITY)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Building shops and products through the services
# --------------------------------------------------------------------------------------------


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _shop_by_name(name: str) -> Shop | None:
    return Shop.objects.filter(slug=slugify(name, allow_unicode=True)[:100]).first()


def _open_shop(
    owner: User,
    *,
    name: str,
    kind: str,
    track: str,
    serial: int,
    village=None,
    description: str = "",
    credit_code: str = "",
    real_name: str = "",
    bank: str = "辽宁大石桥农村商业银行",
) -> Shop:
    shop = _shop_by_name(name)
    if shop is not None:
        return shop
    real_name = real_name or f"{owner.last_name}{owner.first_name}"
    return shop_apply(
        owner,
        name=name,
        kind=kind,
        track=track,
        real_name=real_name,
        id_number=_id_number(serial),
        payout_account_name=real_name if track == ShopTrack.FARMER_LIGHT else name,
        payout_account_number=_payout_account(serial),
        payout_bank=bank,
        business_licence_number=credit_code,
        description=description,
        village=village,
        offers_delivery=True,
        accept_terms=True,
    )


def _approve(shop: Shop, owner: User, operator: User) -> Shop:
    if shop.status in (ShopStatus.APPLIED, ShopStatus.REJECTED):
        shop = shop_transition(shop, "submit", actor=owner)
    if shop.status == ShopStatus.IN_REVIEW:
        shop = shop_transition(shop, "approve", actor=operator, note="资料齐全，审核通过（演示数据）")
    return shop


def _warehouse(
    shop: Shop,
    owner: User,
    *,
    name: str,
    kind: str,
    village=None,
    street_address: str = "",
    phone: str = "",
    is_pickup_point: bool = False,
) -> Warehouse:
    existing = Warehouse.objects.filter(shop=shop, name=name).first()
    if existing is not None:
        return existing
    return warehouse_create(
        shop,
        actor=owner,
        name=name,
        kind=kind,
        village=village,
        street_address=street_address,
        phone=phone,
        is_pickup_point=is_pickup_point,
    )


@dataclass(frozen=True)
class ProductPlan:
    slug: str
    sku: str
    name: str
    item: Item
    product_type: str
    channel: str
    price: Decimal
    variant_name: str
    weight_grams: int | None
    stocks: tuple[tuple[Warehouse, int], ...]
    origin_village: Village | None
    origin_text: str


def _attributes(plan: ProductPlan, setup: dict) -> list[tuple[Attribute, str]]:
    attributes = setup["attributes"]
    allowed = {attribute.slug for attribute in setup["types"][plan.product_type].attributes.all()}
    item = plan.item
    values = []
    if item.variety and "variety" in allowed:
        values.append((attributes["variety"], item.variety))
    if plan.origin_text and "origin" in allowed:
        values.append((attributes["origin"], plan.origin_text))
    if item.grade and "grade" in allowed:
        values.append((attributes["grade"], item.grade))
    if item.harvest and "harvest-date" in allowed:
        values.append((attributes["harvest"], f"{HARVEST_YEAR}-{item.harvest}"))
    jin = item.jin or ("1" if plan.product_type == "produce" else None)
    if jin and "weight" in allowed:
        values.append((attributes["weight"], jin))
    return values


def _ensure_product(shop: Shop, owner: User, plan: ProductPlan, setup: dict) -> tuple[Product, bool]:
    """Create what is missing of one product; returns (product, whether anything was written)."""
    wrote = False
    channel = setup["channels"][plan.channel]
    category = setup["categories"][plan.item.category]
    product = Product.objects.filter(slug=plan.slug).first()
    if product is None:
        product = catalog.product_create(
            shop,
            actor=owner,
            product_type=setup["types"][plan.product_type],
            name=plan.name,
            category=category,
            slug=plan.slug,
            description=plan.item.description,
            origin_village=plan.origin_village,
            attributes=_attributes(plan, setup),
            seo_title=plan.name[:120],
        )
        wrote = True
    if not ProductChannelListing.objects.filter(product=product, channel=channel).exists():
        now = timezone.now()
        catalog.product_channel_listing_update(
            product,
            actor=owner,
            update_channels=[
                {
                    "channel": channel,
                    "is_published": True,
                    "published_at": now,
                    "visible_in_listings": True,
                    "available_for_purchase_at": now,
                }
            ],
        )
        wrote = True
    variant = ProductVariant.objects.filter(sku=plan.sku).first()
    if variant is None:
        variant = catalog.variant_create(
            product, actor=owner, sku=plan.sku, name=plan.variant_name, weight_grams=plan.weight_grams
        )
        wrote = True
    if not ProductVariantChannelListing.objects.filter(variant=variant, channel=channel).exists():
        catalog.variant_channel_listing_update(
            variant,
            actor=owner,
            prices=[{"channel": channel, "price": plan.price, "cost_price": _money(plan.price * Decimal("0.72"))}],
        )
        wrote = True
    for warehouse, quantity in plan.stocks:
        if not Stock.objects.filter(warehouse=warehouse, variant=variant).exists():
            stock_update(warehouse, variant, actor=owner, quantity=quantity, note="演示数据期初盘点")
            wrote = True
    if not product.media.exists():
        card = product_card(
            label=plan.name,
            code=plan.sku,
            colour=category_colour(category),
            shape=SHAPES[category_root_slug(category.slug)],
        )
        upload = SimpleUploadedFile(f"{plan.sku.lower()}.jpg", card, content_type="image/jpeg")
        catalog.product_media_create(product, actor=owner, image=upload, alt=plan.name)
        wrote = True
    return product, wrote


def _limit(count: int, products_per_shop: int | None) -> int:
    return count if products_per_shop is None else max(0, min(count, products_per_shop))


def _villages_for_farmers() -> list[Village]:
    """Four villages per town, spread through each town's list, towns in the order of the county's data file."""
    villages = []
    for town in Town.objects.order_by("pk"):
        in_town = list(Village.objects.filter(town=town).order_by("code"))
        if not in_town:
            continue
        step = max(len(in_town) // 4, 1)
        villages += [in_town[(i * step) % len(in_town)] for i in range(4)]
    if len(villages) < len(FARMERS):
        raise RuntimeError("Load the county's towns and villages first (the geography demo step).")
    return villages


def seed_department_store(products_per_shop: int | None = None) -> int:
    """The county department store: business track, 3 stores that are pickup points, goods in "retail"."""
    setup = catalogue_setup()
    operator = _demo_user(OPERATOR_PHONE)
    created = 0
    with transaction.atomic():
        owner = _user("+8613900000030", "孙", "志远")
        shop = _open_shop(
            owner,
            name=STORE_NAME,
            kind=ShopKind.STORE,
            track=ShopTrack.BUSINESS,
            serial=900,
            credit_code=_credit_code("91", 1),
            real_name="孙志远",
            bank="中国工商银行大石桥支行",
            description="县城老字号百货商场，三家门店均可到店自提，县城内当日送货上门。",
        )
        warehouses = [
            _warehouse(
                shop,
                owner,
                name=name,
                kind=WarehouseKind.STORE,
                street_address=address,
                phone=phone,
                is_pickup_point=True,
            )
            for name, address, phone in STORE_WAREHOUSES
        ]
        rng = random.Random(STORE_NAME)
        for n, item in enumerate(STORE_PRODUCTS[: _limit(len(STORE_PRODUCTS), products_per_shop)], start=1):
            plan = ProductPlan(
                slug=f"demo-store-{item.code}",
                sku=f"DEMO-S-{n:02d}",
                name=item.name,
                item=item,
                product_type="appliance" if item.category.endswith("appliances") else "daily-goods",
                channel="retail",
                price=Decimal(item.price),
                variant_name="",
                weight_grams=item.grams,
                stocks=tuple((warehouse, rng.randint(6, 80)) for warehouse in warehouses),
                origin_village=None,
                origin_text=item.origin,
            )
            _, wrote = _ensure_product(shop, owner, plan, setup)
            created += wrote
        _approve(shop, owner, operator)
    return created


def seed_farmer_shops(products_per_shop: int | None = None) -> int:
    """20 farmer microshops (light track), one per village across the 5 towns, produce priced per 斤 in "rural"."""
    setup = catalogue_setup()
    operator = _demo_user(OPERATOR_PHONE)
    villages = _villages_for_farmers()
    pool = list(PRODUCE)
    created = 0
    for index, (spec, village) in enumerate(zip(FARMERS, villages, strict=False), start=1):
        with transaction.atomic():
            owner = (
                _demo_user(SELLER_PHONE)
                if index == 1
                else _user(f"+86139000000{index:02d}", spec.last_name, spec.first_name)
            )
            shop = _open_shop(
                owner,
                name=spec.shop_name,
                kind=ShopKind.MICROSHOP,
                track=ShopTrack.FARMER_LIGHT,
                serial=index,
                village=village,
                real_name=f"{spec.last_name}{spec.first_name}",
                description=f"{village.town.name}{village.name}{spec.last_name}{spec.first_name}家的小店，自家种养，县城统一配送到村。",
            )
            home = _warehouse(shop, owner, name="自家仓房", kind=WarehouseKind.HOME, village=village)
            codes = list(spec.theme)
            offset = (index * 7) % len(pool)
            for code in pool[offset:] + pool[:offset]:
                if len(codes) >= FARMER_PRODUCTS:
                    break
                if code not in codes:
                    codes.append(code)
            rng = random.Random(spec.shop_name)
            for n, code in enumerate(codes[: _limit(FARMER_PRODUCTS, products_per_shop)], start=1):
                item = PRODUCE[code]
                # Each farmer prices a little differently, to the jiao (0.1 yuan) as at a market stall.
                factor = Decimal(rng.choice(["0.9", "0.95", "1", "1", "1.05", "1.1"]))
                price = _money((Decimal(item.price) * factor).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
                plan = ProductPlan(
                    slug=f"demo-f{index:02d}-{code}",
                    sku=f"DEMO-F{index:02d}-{n:02d}",
                    name=f"{village.name}{item.name}",
                    item=item,
                    product_type="produce",
                    channel="rural",
                    price=max(price, Decimal("0.50")),
                    variant_name="1斤",
                    weight_grams=500,
                    stocks=((home, rng.randrange(50, 800, 10)),),
                    origin_village=village,
                    origin_text=f"{COUNTY}{village.town.name}{village.name}",
                )
                _, wrote = _ensure_product(shop, owner, plan, setup)
                created += wrote
            _approve(shop, owner, operator)
    return created


def seed_cooperatives(products_per_shop: int | None = None) -> int:
    """5 cooperatives (business track), one per town, with packed produce in "rural"."""
    setup = catalogue_setup()
    operator = _demo_user(OPERATOR_PHONE)
    created = 0
    for index, spec in enumerate(COOPERATIVES, start=1):
        town = Town.objects.filter(code=spec.town).first()
        village = Village.objects.filter(town=town).order_by("code").last() if town else None
        if village is None:
            raise RuntimeError("Load the county's towns and villages first (the geography demo step).")
        with transaction.atomic():
            owner = _user(f"+86139000000{20 + index:02d}", *spec.chair)
            shop = _open_shop(
                owner,
                name=spec.name,
                kind=ShopKind.COOPERATIVE,
                track=ShopTrack.BUSINESS,
                serial=800 + index,
                village=village,
                credit_code=_credit_code("93", 100 + index),
                real_name="".join(spec.chair),
                description=spec.description,
            )
            depot = _warehouse(
                shop,
                owner,
                name="合作社仓库",
                kind=WarehouseKind.HOME,
                village=village,
                street_address=f"{COUNTY}{village.town.name}{village.name}",
                is_pickup_point=True,
            )
            rng = random.Random(spec.name)
            for n, item in enumerate(spec.items[: _limit(COOP_PRODUCTS, products_per_shop)], start=1):
                plan = ProductPlan(
                    slug=f"demo-{spec.code}-{item.code}",
                    sku=f"DEMO-{spec.code.upper()}-{n:02d}",
                    name=item.name,
                    item=item,
                    product_type="packaged-food",
                    channel="rural",
                    price=Decimal(item.price),
                    variant_name=f"{item.jin}斤",
                    weight_grams=item.grams,
                    stocks=((depot, rng.randrange(20, 300, 5)),),
                    origin_village=village,
                    origin_text=f"{COUNTY}{village.town.name}{village.name}",
                )
                _, wrote = _ensure_product(shop, owner, plan, setup)
                created += wrote
            _approve(shop, owner, operator)
    return created


def marketplace_demo(products_per_shop: int | None = None) -> int:
    """All of the marketplace demo; ``products_per_shop`` caps each shop's catalogue (tests)."""
    seed_marketplace_setup()
    return (
        seed_department_store(products_per_shop)
        + seed_farmer_shops(products_per_shop)
        + seed_cooperatives(products_per_shop)
    )


MARKETPLACE_DEMO_STEPS = [
    ("marketplace channels and catalogue set-up", seed_marketplace_setup),
    ("county department store", seed_department_store),
    ("20 farmer microshops", seed_farmer_shops),
    ("5 cooperatives", seed_cooperatives),
]
