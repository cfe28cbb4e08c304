"""Catalogue use cases of a shop: products, variants, channel listings and prices, photos.

The API has already checked that the actor may act for ``shop`` (member or operator);
these functions check what only the data can tell (editable shop, same-shop objects,
unique SKU and slug, typed attributes, prices) and write in one transaction each.

Lock order: a product row (SELECT ... FOR UPDATE in product_update), then its variants' rows
(variant_update, variant_delete), then the product's channel listing rows, then the variants'
price rows (listings and prices are upserts under their unique constraints). A write of variant
prices locks the product's listing rows before it touches a price (``_listings_lock``) and ends
with ``listing_prices_refresh``, which recomputes the stored price range in one UPDATE: two
price writers of one product take turns, and the second one's UPDATE, a new statement after the
first committed, sees both writes (under READ COMMITTED a statement that only waited for the
row lock would compute the range from a snapshot without the other's price).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.catalog.attributes import parse_attribute_value
from marketplace.catalog.error_codes import ProductErrorCode
from marketplace.catalog.models import (
    Category,
    Product,
    ProductAttributeValue,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
    WeightUnit,
)
from marketplace.catalog.services_search import product_search_stale, product_search_visibility
from marketplace.media.processing import process_image
from marketplace.shops.models import Shop
from marketplace.shops.policies import shop_catalogue_editable
from meidu.core.audit.services import audit_record
from meidu.core.cache_versions import CATALOG, bump
from meidu.core.errors import DomainError
from meidu.core.money import is_quantized, to_decimal


def _editable(shop: Shop) -> None:
    if not shop_catalogue_editable(shop):
        raise DomainError(
            _("This shop is closed; its catalogue cannot change"), ProductErrorCode.SHOP_NOT_EDITABLE, field="shop"
        )


def _slug_for(name: str, slug: str | None, exclude_pk=None) -> str:
    if slug:
        slug = slugify(slug, allow_unicode=True)
        if not slug:
            raise DomainError(_("The slug is empty after cleaning"), ProductErrorCode.INVALID, field="slug")
        taken = Product.objects.filter(slug=slug).exclude(pk=exclude_pk).exists()
        if taken:
            raise DomainError(
                _("Product with this slug already exists: %(slug)s") % {"slug": slug},
                ProductErrorCode.UNIQUE,
                field="slug",
            )
        return slug
    base = slugify(name, allow_unicode=True)[:200] or "product"
    candidate, n = base, 1
    while Product.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _set_attributes(product: Product, attributes: list[tuple]) -> None:
    allowed = set(product.product_type.attributes.values_list("pk", flat=True))
    seen = set()
    for attribute, raw in attributes:
        if attribute.pk not in allowed:
            raise DomainError(
                _("%(attribute)s is not an attribute of %(product_type)s")
                % {"attribute": attribute.name, "product_type": product.product_type.name},
                ProductErrorCode.ATTRIBUTE_CANNOT_BE_ASSIGNED,
                field="attributes",
            )
        if attribute.pk in seen:
            raise DomainError(
                _("%(attribute)s given twice") % {"attribute": attribute.name},
                ProductErrorCode.INVALID,
                field="attributes",
            )
        seen.add(attribute.pk)
        columns = parse_attribute_value(attribute, raw)
        ProductAttributeValue.objects.update_or_create(
            product=product,
            attribute=attribute,
            defaults={"text": "", "number": None, "date": None, "choice": None, **columns},
        )


def product_create(
    shop: Shop,
    *,
    actor,
    product_type: ProductType,
    name: str,
    category: Category | None = None,
    slug: str | None = None,
    description: str = "",
    origin_village=None,
    weight_unit: str = WeightUnit.JIN,
    attributes: list[tuple] = (),
    seo_title: str = "",
    seo_description: str = "",
) -> Product:
    _editable(shop)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A product needs a name"), ProductErrorCode.REQUIRED, field="name")
    if weight_unit not in WeightUnit.values:
        raise DomainError(_("Unknown weight unit"), ProductErrorCode.INVALID, field="weightUnit")
    try:
        with transaction.atomic():
            product = Product.objects.create(
                shop=shop,
                product_type=product_type,
                category=category,
                name=name,
                slug=_slug_for(name, slug),
                description=description.strip(),
                origin_village=origin_village,
                weight_unit=weight_unit,
                seo_title=seo_title,
                seo_description=seo_description,
            )
            _set_attributes(product, list(attributes))
            bump(CATALOG)  # cached answers that show the catalogue are read afresh after commit
            audit_record("product.created", actor=actor, target=product, data={"shop": shop.pk})
            product_search_stale([product.pk])
    except IntegrityError:
        raise DomainError(_("Product with this slug already exists"), ProductErrorCode.UNIQUE, field="slug") from None
    return product


def product_update(product: Product, *, actor, **changes) -> Product:
    """Change name, slug, description, category, origin village, weight unit, SEO or attributes."""
    _editable(product.shop)
    attributes = changes.pop("attributes", None)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        if "name" in changes:
            name = (changes.pop("name") or "").strip()
            if not name:
                raise DomainError(_("A product needs a name"), ProductErrorCode.REQUIRED, field="name")
            if name != product.name:
                ProductChannelListing.objects.filter(product=product).update(product_name=name)
            product.name = name
        if "slug" in changes:
            product.slug = _slug_for(product.name, changes.pop("slug"), exclude_pk=product.pk)
        if "weight_unit" in changes and changes["weight_unit"] not in WeightUnit.values:
            raise DomainError(_("Unknown weight unit"), ProductErrorCode.INVALID, field="weightUnit")
        for field in ("description", "category", "origin_village", "weight_unit", "seo_title", "seo_description"):
            if field in changes:
                setattr(product, field, changes.pop(field))
        if changes:
            raise ValueError(f"Unknown product fields: {sorted(changes)}")
        product.save()
        if attributes is not None:
            _set_attributes(product, list(attributes))
        bump(CATALOG)  # cached answers that show the catalogue are read afresh after commit
        audit_record("product.updated", actor=actor, target=product)
        product_search_stale([product.pk])
    return product


def product_delete(product: Product, *, actor) -> None:
    _editable(product.shop)
    with transaction.atomic():
        bump(CATALOG)  # cached answers that show the catalogue are read afresh after commit
        audit_record(
            "product.deleted", actor=actor, target=product, data={"name": product.name, "shop": product.shop_id}
        )
        product.delete()


def variant_create(
    product: Product,
    *,
    actor,
    sku: str,
    name: str = "",
    weight_grams: int | None = None,
    quantity_limit_per_customer: int | None = None,
    track_inventory: bool = True,
) -> ProductVariant:
    _editable(product.shop)
    sku = (sku or "").strip()
    if not sku:
        raise DomainError(_("A variant needs a SKU"), ProductErrorCode.REQUIRED, field="sku")
    for field, value in (("weightGrams", weight_grams), ("quantityLimitPerCustomer", quantity_limit_per_customer)):
        if value is not None and value <= 0:
            raise DomainError(_("Must be a positive number"), ProductErrorCode.INVALID, field=field)
    if ProductVariant.objects.filter(sku=sku).exists():
        raise DomainError(
            _("Product variant with this SKU already exists: %(sku)s") % {"sku": sku},
            ProductErrorCode.UNIQUE,
            field="sku",
        )
    try:
        with transaction.atomic():
            variant = ProductVariant.objects.create(
                product=product,
                sku=sku,
                name=name.strip(),
                weight_grams=weight_grams,
                quantity_limit_per_customer=quantity_limit_per_customer,
                track_inventory=track_inventory,
            )
            bump(CATALOG)  # cached answers that show the catalogue are read afresh after commit
            audit_record("variant.created", actor=actor, target=variant, data={"product": product.pk})
            product_search_stale([product.pk])
    except IntegrityError:
        raise DomainError(
            _("Product variant with this SKU already exists: %(sku)s") % {"sku": sku},
            ProductErrorCode.UNIQUE,
            field="sku",
        ) from None
    return variant


def variant_update(variant: ProductVariant, *, actor, **changes) -> ProductVariant:
    _editable(variant.product.shop)
    with transaction.atomic():
        variant = ProductVariant.objects.select_for_update().get(pk=variant.pk)
        if "sku" in changes:
            sku = (changes.pop("sku") or "").strip()
            if not sku:
                raise DomainError(_("A variant needs a SKU"), ProductErrorCode.REQUIRED, field="sku")
            if ProductVariant.objects.filter(sku=sku).exclude(pk=variant.pk).exists():
                raise DomainError(
                    _("Product variant with this SKU already exists: %(sku)s") % {"sku": sku},
                    ProductErrorCode.UNIQUE,
                    field="sku",
                )
            variant.sku = sku
        for field in ("name", "weight_grams", "quantity_limit_per_customer", "track_inventory"):
            if field in changes:
                value = changes.pop(field)
                if field in ("weight_grams", "quantity_limit_per_customer") and value is not None and value <= 0:
                    raise DomainError(_("Must be a positive number"), ProductErrorCode.INVALID, field=field)
                setattr(variant, field, value)
        if changes:
            raise ValueError(f"Unknown variant fields: {sorted(changes)}")
        variant.save()
        bump(CATALOG)  # cached answers that show the catalogue are read afresh after commit
        audit_record("variant.updated", actor=actor, target=variant)
        product_search_stale([variant.product_id])
    return variant


def variant_delete(variant: ProductVariant, *, actor) -> None:
    """Delete a variant with its prices and stock rows; the product's price range follows."""
    _editable(variant.product.shop)
    with transaction.atomic():
        variant = ProductVariant.objects.select_for_update().get(pk=variant.pk)
        product_id, sku = variant.product_id, variant.sku
        _listings_lock(product_id)
        bump(CATALOG)  # cached answers that show the catalogue are read afresh after commit
        audit_record("variant.deleted", actor=actor, target=variant, data={"product": product_id, "sku": sku})
        product_search_stale([product_id])
        variant.delete()
        listing_prices_refresh([product_id])


def _listings_lock(product_id: int) -> None:
    """Lock the product's channel listing rows before its variant prices change (lock order above)."""
    list(
        ProductChannelListing.objects.select_for_update()
        .filter(product_id=product_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def listing_prices_refresh(product_ids, channel_ids=None) -> int:
    """Recompute the stored price range (min and max over the priced variant listings) of these
    products' channel listings, NULL where no variant has a price. Called at the end of the
    transaction of every write that changes variant prices (after ``_listings_lock``); the
    backfill migration does the same for all listings, and bulk seeding writes the range with its
    rows. The storefront sorts, filters and prices pages by these columns. Returns the rows updated."""
    prices = ProductVariantChannelListing.objects.filter(
        variant__product_id=OuterRef("product_id"), channel_id=OuterRef("channel_id")
    ).values("channel_id")
    listings = ProductChannelListing.objects.filter(product_id__in=list(product_ids))
    if channel_ids is not None:
        listings = listings.filter(channel_id__in=list(channel_ids))
    return listings.update(
        min_price_amount=Subquery(prices.annotate(low=Min("price_amount")).values("low")[:1]),
        max_price_amount=Subquery(prices.annotate(high=Max("price_amount")).values("high")[:1]),
    )


def listing_purchasable_from(available: bool):
    """Saleor's ``isAvailableForPurchase`` shortcut: purchasable from now, or not at all."""
    return timezone.now() if available else None


def product_channel_listing_update(
    product: Product, *, actor, update_channels: list[dict], remove_channels: list = ()
) -> Product:
    """Publish or hide the product per channel (Saleor's productChannelListingUpdate)."""
    _editable(product.shop)
    with transaction.atomic():
        for item in update_channels:
            channel = item["channel"]
            defaults = {
                key: item[key]
                for key in ("is_published", "published_at", "visible_in_listings", "available_for_purchase_at")
                if key in item
            }
            defaults["product_name"] = product.name
            ProductChannelListing.objects.update_or_create(product=product, channel=channel, defaults=defaults)
        if remove_channels:
            ProductChannelListing.objects.filter(product=product, channel__in=list(remove_channels)).delete()
            ProductVariantChannelListing.objects.filter(
                variant__product=product, channel__in=list(remove_channels)
            ).delete()
        if update_channels:  # a listing created again finds the variant prices that are there
            listing_prices_refresh([product.pk], [item["channel"].pk for item in update_channels])
        bump(CATALOG)  # cached answers that show the catalogue are read afresh after commit
        product_search_visibility([product.pk])  # where search finds it, in this transaction
        audit_record("product.channel_listing_updated", actor=actor, target=product)
    return product


def _price(value, currency: str, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = to_decimal(value if not isinstance(value, float) else str(value))
    except (TypeError, ValueError):
        raise DomainError(_("Not a price"), ProductErrorCode.INVALID_PRICE, field=field) from None
    if amount < 0:
        raise DomainError(_("A price cannot be negative"), ProductErrorCode.INVALID_PRICE, field=field)
    if not is_quantized(amount, currency) or amount >= Decimal("1e10"):
        raise DomainError(
            _("A %(currency)s price has at most 2 decimals") % {"currency": currency},
            ProductErrorCode.INVALID_PRICE,
            field=field,
        )
    return amount


def variant_channel_listing_update(
    variant: ProductVariant, *, actor, prices: list[dict], remove_channels: list = ()
) -> ProductVariant:
    """Set the variant's price (and cost price) per channel, the product must be listed there;
    ``remove_channels`` takes the variant's price out of those channels (it is then not sold there)."""
    _editable(variant.product.shop)
    with transaction.atomic():
        _listings_lock(variant.product_id)
        removed = list(remove_channels)
        if removed:
            ProductVariantChannelListing.objects.filter(variant=variant, channel__in=removed).delete()
        for item in prices:
            channel = item["channel"]
            if not ProductChannelListing.objects.filter(product_id=variant.product_id, channel=channel).exists():
                raise DomainError(
                    _("The product is not listed in channel %(channel)s") % {"channel": channel.slug},
                    ProductErrorCode.INVALID,
                    field="channelId",
                )
            price = _price(item.get("price"), channel.currency_code, "price")
            if price is None:
                raise DomainError(_("A price is required"), ProductErrorCode.REQUIRED, field="price")
            cost = _price(item.get("cost_price"), channel.currency_code, "costPrice")
            ProductVariantChannelListing.objects.update_or_create(
                variant=variant,
                channel=channel,
                defaults={"price_amount": price, "cost_price_amount": cost, "currency": channel.currency_code},
            )
        listing_prices_refresh(
            [variant.product_id], [item["channel"].pk for item in prices] + [channel.pk for channel in removed]
        )
        bump(CATALOG)  # cached answers that show the catalogue are read afresh after commit
        audit_record("variant.prices_updated", actor=actor, target=variant)
    return variant


def product_media_create(product: Product, *, actor, image, alt: str = "") -> ProductMedia:
    """Process a photo (upright, no location metadata, WebP renditions) and attach it."""
    _editable(product.shop)
    try:
        processed = process_image(image, basename=f"p{product.pk}")
    except DomainError as exc:
        raise DomainError(exc.message, exc.code, field="image") from None
    with transaction.atomic():
        position = product.media.count()
        media = ProductMedia.objects.create(
            product=product,
            alt=alt.strip()[:250],
            sort_order=position,
            renditions=processed.renditions,
            width=processed.width,
            height=processed.height,
            content_hash=processed.content_hash,
        )
        bump(CATALOG)  # cached answers that show the catalogue are read afresh after commit
        audit_record("product.media_created", actor=actor, target=product, data={"media": media.pk})
    return media


def product_rating_set(product_id: int, rating) -> None:
    """Store the product's review average (computed and locked by marketplace.reviews.services)."""
    Product.objects.filter(pk=product_id).update(rating=rating)
    bump(CATALOG)
