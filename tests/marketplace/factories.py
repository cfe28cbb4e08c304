"""Builders for marketplace test data, written through the services (no model shortcuts)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Attribute, AttributeChoice, Category, ProductType
from marketplace.channels.services import channel_ensure
from marketplace.inventory.services import stock_update, warehouse_create
from marketplace.shops.services import shop_apply, shop_transition

_serial = itertools.count(1)


def valid_id_number(n: int) -> str:
    """A checksum-valid ID number built from a serial (birth date 1980-01-01, Yingkou area code)."""
    from marketplace.shops.identity import _CHECK, _WEIGHTS

    body = f"21080419800101{n % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + _CHECK[total % 11]


def channels():
    return channel_ensure("retail", "县城商超"), channel_ensure("rural", "乡村好物")


def catalogue_basics():
    fruit = Category.objects.get_or_create(slug="fruit", defaults={"name": "水果"})[0]
    pears = Category.objects.get_or_create(slug="pears", defaults={"name": "梨", "parent": fruit, "level": 1})[0]
    variety = Attribute.objects.get_or_create(slug="variety", defaults={"name": "品种", "input_type": "dropdown"})[0]
    AttributeChoice.objects.get_or_create(attribute=variety, slug="nanguo", defaults={"name": "南果梨"})
    weight = Attribute.objects.get_or_create(
        slug="weight", defaults={"name": "规格", "input_type": "numeric", "unit": "斤"}
    )[0]
    harvest = Attribute.objects.get_or_create(slug="harvest-date", defaults={"name": "采收日期", "input_type": "date"})[
        0
    ]
    produce = ProductType.objects.get_or_create(slug="produce", defaults={"name": "农产品", "sold_by": "weight"})[0]
    produce.attributes.set([variety, weight, harvest])
    return {
        "fruit": fruit,
        "pears": pears,
        "variety": variety,
        "weight": weight,
        "harvest": harvest,
        "produce": produce,
    }


def open_shop(owner, *, name=None, active=True, **extra):
    n = next(_serial)
    shop = shop_apply(
        owner,
        name=name or f"果园{n}",
        kind=extra.pop("kind", "microshop"),
        track=extra.pop("track", "farmer_light"),
        real_name="李建国",
        id_number=valid_id_number(n),
        payout_account_name="李建国",
        payout_account_number=f"6222020000{n:08d}",
        accept_terms=True,
        offers_delivery=True,
        **extra,
    )
    if active:
        basics = catalogue_basics()
        catalog.product_create(shop, actor=owner, product_type=basics["produce"], name=f"样品{n}")
        shop = shop_transition(shop, "submit", actor=owner)
        shop = shop_transition(shop, "approve", actor=None)
    return shop


def listed_product(
    shop, actor, channel, *, name="南果梨", price="12.50", published=True, visible=True, sku=None, quantity=20
):
    basics = catalogue_basics()
    product = catalog.product_create(
        shop, actor=actor, product_type=basics["produce"], category=basics["pears"], name=name
    )
    catalog.product_channel_listing_update(
        product,
        actor=actor,
        update_channels=[
            {
                "channel": channel,
                "is_published": published,
                "visible_in_listings": visible,
                "available_for_purchase_at": timezone.now(),
            }
        ],
    )
    variant = catalog.variant_create(
        product, actor=actor, sku=sku or f"SKU-{next(_serial)}", name="5斤装", weight_grams=2500
    )
    if price is not None:
        catalog.variant_channel_listing_update(
            variant, actor=actor, prices=[{"channel": channel, "price": Decimal(price)}]
        )
    warehouse = shop.warehouses.first() or warehouse_create(
        shop, actor=actor, name="自家仓", kind="home", is_pickup_point=True
    )
    stock_update(warehouse, variant, actor=actor, quantity=quantity)
    return product
