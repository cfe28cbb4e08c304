"""The seller form's product: initial values for editing, and the save, which is the catalogue's
one-form use case (marketplace.catalog.services_seller.product_quick_save)."""

from __future__ import annotations

from marketplace.catalog.models import Product
from marketplace.catalog.selectors import (
    product_channel_listing_get,
    product_variant_channel_listing_get,
    product_variant_get_first,
)
from marketplace.catalog.services_seller import product_quick_save
from marketplace.channels.selectors import channel_get

SELLER_CHANNEL = "rural"
DETAILS = ("name", "category", "origin_village", "description", "weight_unit")
# Service field -> form field, for showing refusals where they belong.
FIELD_MAP = {
    "name": "name",
    "slug": "name",
    "sku": "sku",
    "price": "price",
    "image": "photo",
    "weightUnit": "weight_unit",
}


def product_initial(product: Product) -> dict:
    """The form's values for an existing product: its details, first variant and rural price."""
    channel = channel_get(SELLER_CHANNEL)
    variant = product_variant_get_first(product)
    listing = product_channel_listing_get(product, channel)
    price = product_variant_channel_listing_get(variant, channel) if variant else None
    return {
        "name": product.name,
        "category": product.category_id,
        "origin_village": product.origin_village_id,
        "description": product.description,
        "weight_unit": product.weight_unit,
        "sku": variant.sku if variant else "",
        "price": price.price_amount if price else None,
        "publish": bool(listing and listing.is_published),
    }


def product_save(shop, *, actor, data: dict, product: Product | None = None) -> Product:
    """Hand the cleaned form to the catalogue's one-form use case."""
    return product_quick_save(
        shop,
        actor=actor,
        channel=channel_get(SELLER_CHANNEL),
        details={field: data[field] for field in DETAILS},
        price=data["price"],
        publish=data["publish"],
        sku=data.get("sku") or "",
        product_type=data.get("product_type"),
        photo=data.get("photo"),
        product=product,
    )
