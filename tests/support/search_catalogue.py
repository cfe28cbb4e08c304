"""Seed the labelled search catalogue (tests/support/search_labelled.py) through the catalogue's
services, and build its search documents as the rebuild task does."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from marketplace.catalog import services as catalog
from marketplace.catalog.services_search import product_search_rebuild_dirty
from marketplace.catalog.services_setup import category_ensure
from tests.support.search_labelled import CATALOGUE


def seed_search_catalogue(shop, actor, channel, product_type) -> dict[str, int]:
    """{key: product id} of the labelled catalogue, published in ``channel``, documents built."""
    category = category_ensure("farm-goods", "农家好物")
    ids: dict[str, int] = {}
    for n, (key, name, description, _tags) in enumerate(CATALOGUE):
        product = catalog.product_create(
            shop, actor=actor, product_type=product_type, category=category, name=name, description=description
        )
        catalog.product_channel_listing_update(
            product,
            actor=actor,
            update_channels=[
                {
                    "channel": channel,
                    "is_published": True,
                    "visible_in_listings": True,
                    "available_for_purchase_at": timezone.now(),
                }
            ],
        )
        variant = catalog.variant_create(product, actor=actor, sku=f"LAB-{n:03d}", name="标准装")
        catalog.variant_channel_listing_update(
            variant, actor=actor, prices=[{"channel": channel, "price": Decimal(10 + n % 50)}]
        )
        ids[key] = product.pk
    product_search_rebuild_dirty(max_batches=100)
    return ids
