"""The seller centre's one-form product: details, one variant, one channel's listing and price,
an optional photo, saved through the catalogue services all or nothing.

Lock order: the product row (product_update), then the variant row (variant_update), as in
marketplace.catalog.services. The photo goes last: its files are written to storage, which a
rollback cannot take back.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from marketplace.catalog.models import Product, ProductChannelListing
from marketplace.catalog.services import (
    listing_purchasable_from,
    product_channel_listing_update,
    product_create,
    product_media_create,
    product_update,
    variant_channel_listing_update,
    variant_create,
    variant_update,
)


def product_quick_save(
    shop,
    *,
    actor,
    channel,
    details: dict,
    price: Decimal,
    publish: bool,
    sku: str = "",
    product_type=None,
    photo=None,
    product: Product | None = None,
) -> Product:
    """Create or update a single-variant product as a farmer fills it in on a phone.

    An empty SKU keeps the variant's SKU or gets ``S<shop>-P<product>``; publishing makes the
    product purchasable from now unless a date was already set."""
    with transaction.atomic():
        if product is None:
            product = product_create(shop, actor=actor, product_type=product_type, **details)
        else:
            product = product_update(product, actor=actor, **details)
        variant = product.variants.order_by("id").first()
        sku = (sku or "").strip() or (variant.sku if variant else f"S{shop.pk}-P{product.pk}")
        if variant is None:
            variant = variant_create(product, actor=actor, sku=sku)
        elif sku != variant.sku:
            variant = variant_update(variant, actor=actor, sku=sku)
        existing = ProductChannelListing.objects.filter(product=product, channel=channel).first()
        listing = {"channel": channel, "is_published": publish, "visible_in_listings": True}
        if publish and (existing is None or existing.available_for_purchase_at is None):
            listing["available_for_purchase_at"] = listing_purchasable_from(True)
        product_channel_listing_update(product, actor=actor, update_channels=[listing])
        variant_channel_listing_update(variant, actor=actor, prices=[{"channel": channel, "price": price}])
        if photo:
            product_media_create(product, actor=actor, image=photo, alt=product.name)
    return product
