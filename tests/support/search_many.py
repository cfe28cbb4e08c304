"""Many products holding one word (a county of pears), bulk inserted as marketplace/bulk_seed.py does,
with their search documents built by the reindex service. The last ``tail`` products are told apart
(their own category, a dearer price) so a filter keeps only matches inserted after the first hundreds:
what a search that filtered and counted within a first slice of matches would miss."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from marketplace.catalog.models import Product, ProductChannelListing, ProductVariant, ProductVariantChannelListing
from marketplace.catalog.services_search import product_search_reindex
from marketplace.catalog.services_setup import category_ensure

HEAD_PRICE = Decimal("15.00")  # bucket 10–30
TAIL_PRICE = Decimal("150.00")  # bucket 100–200


@dataclass(frozen=True)
class ManyMatches:
    ids: list[int]  # every product created, in insertion order
    tail_ids: list[int]  # the last ``tail`` of them
    tail_category_slug: str


def seed_many_matches(shop, channel, product_type, *, count: int = 320, tail: int = 25) -> ManyMatches:
    """``count`` published pears in ``channel`` (names 梨 ...), the last ``tail`` in category 梨罐头 at
    TAIL_PRICE, the others in 农家好物 at HEAD_PRICE; every document built."""
    head_category = category_ensure("farm-goods", "农家好物")
    tail_category = category_ensure("canned-pears", "梨罐头")
    now = timezone.now()
    products = Product.objects.bulk_create(
        [
            Product(
                shop=shop,
                product_type=product_type,
                category=tail_category if n >= count - tail else head_category,
                name=f"梨 第{n:04d}号",
                slug=f"many-pears-{n:04d}",
                description="县里的梨",
            )
            for n in range(count)
        ]
    )
    prices = [TAIL_PRICE if n >= count - tail else HEAD_PRICE for n in range(count)]
    variants = ProductVariant.objects.bulk_create(
        [ProductVariant(product=p, sku=f"MANY-{n:04d}", name="标准装") for n, p in enumerate(products)]
    )
    ProductChannelListing.objects.bulk_create(
        [
            ProductChannelListing(
                product=p,
                channel=channel,
                is_published=True,
                published_at=now,
                visible_in_listings=True,
                available_for_purchase_at=now,
                min_price_amount=price,
                max_price_amount=price,
                product_name=p.name,
            )
            for p, price in zip(products, prices, strict=True)
        ]
    )
    ProductVariantChannelListing.objects.bulk_create(
        [
            ProductVariantChannelListing(variant=v, channel=channel, currency=channel.currency_code, price_amount=price)
            for v, price in zip(variants, prices, strict=True)
        ]
    )
    product_search_reindex("postgres")
    ids = [p.pk for p in products]
    return ManyMatches(ids=ids, tail_ids=ids[count - tail :], tail_category_slug=tail_category.slug)
