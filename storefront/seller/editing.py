"""The seller form's product, saved through the catalogue services, all or nothing.

A farmer fills in one form (name, price, photo...) but the catalogue has one use case per
step: product, variant, channel listing, price, photo. They run here in one transaction so
that a refused price or photo leaves no half-made product behind. Photos go last: their
files are written to storage, which a rollback cannot take back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplace.catalog.models import Product, ProductChannelListing
from marketplace.catalog.services import (
    product_channel_listing_update,
    product_create,
    product_media_create,
    product_update,
    variant_channel_listing_update,
    variant_create,
    variant_update,
)
from marketplace.channels.selectors import channel_get

SELLER_CHANNEL = "rural"
DETAILS = ("name", "category", "origin_village", "description", "weight_unit")
# Service field -> form field, for showing refusals where they belong.
FIELD_MAP = {"name": "name", "slug": "name", "sku": "sku", "price": "price", "image": "photo", "weightUnit": "weight_unit"}


def product_initial(product: Product) -> dict:
    """The form's values for an existing product: its details, first variant and rural price."""
    channel = channel_get(SELLER_CHANNEL)
    variant = product.variants.first()
    listing = ProductChannelListing.objects.filter(product=product, channel=channel).first()
    price = variant.channel_listings.filter(channel=channel).first() if variant else None
    return {
        "name": product.name, "category": product.category_id, "origin_village": product.origin_village_id,
        "description": product.description, "weight_unit": product.weight_unit, "sku": variant.sku if variant else "",
        "price": price.price_amount if price else None, "publish": bool(listing and listing.is_published),
    }


def product_save(shop, *, actor, data: dict, product: Product | None = None) -> Product:
    channel = channel_get(SELLER_CHANNEL)
    details = {field: data[field] for field in DETAILS}
    with transaction.atomic():
        if product is None:
            product = product_create(shop, actor=actor, product_type=data["product_type"], **details)
        else:
            product = product_update(product, actor=actor, **details)
        variant = product.variants.order_by("id").first()
        sku = (data.get("sku") or "").strip() or (variant.sku if variant else f"S{shop.pk}-P{product.pk}")
        if variant is None:
            variant = variant_create(product, actor=actor, sku=sku)
        elif sku != variant.sku:
            variant = variant_update(variant, actor=actor, sku=sku)
        product_channel_listing_update(product, actor=actor, update_channels=[_listing(product, channel, data["publish"])])
        variant_channel_listing_update(variant, actor=actor, prices=[{"channel": channel, "price": data["price"]}])
        if data.get("photo"):
            product_media_create(product, actor=actor, image=data["photo"], alt=product.name)
    return product


def _listing(product: Product, channel, publish: bool) -> dict:
    """Publishing makes the product purchasable from now on, unless a date was already set."""
    item = {"channel": channel, "is_published": publish, "visible_in_listings": True}
    existing = ProductChannelListing.objects.filter(product=product, channel=channel).first()
    if publish and (existing is None or existing.available_for_purchase_at is None):
        item["available_for_purchase_at"] = timezone.now()
    return item
