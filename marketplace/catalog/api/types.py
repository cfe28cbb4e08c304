"""GraphQL types of the catalogue, in Saleor's shapes, plus the shop that sells each product."""

from __future__ import annotations

import graphene
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.utils import timezone

from logistics.geography.api import VillageType
from marketplace.catalog.api.context import current_channel
from marketplace.catalog.api.money import TaxedMoney, TaxedMoneyRange, taxed
from marketplace.catalog.attributes import display_value
from marketplace.catalog.models import Attribute, Category, Product, ProductMedia, ProductType, ProductVariant
from marketplace.catalog.selectors import (
    CHANNEL_LISTING,
    THUMBNAIL,
    THUMBNAIL_ALT,
    category_in_bulk,
    product_facets,
)
from marketplace.checkout.availability import stocks_sellable_prefetch, variant_units_available
from marketplace.media.processing import rendition_for
from marketplace.shops.models import Shop
from meidu.core.graphql.batching import Narrowed
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.types import ModelObjectType


def _listing(listings, channel):
    if channel is None:
        return None
    return next((listing for listing in listings if listing.channel_id == channel.pk), None)


_MISSING = object()

# Batch lookup of a product's channel listings into ``product.channel_listing``. The products
# page query already joins the request channel's listing under that name (select_related of the
# CHANNEL_LISTING filtered relation); Django then sees the attribute set and skips this prefetch.
CHANNEL_LISTING_PREFETCH = Prefetch("channel_listings", to_attr=CHANNEL_LISTING)


def _channel_listing(product, channel):
    """The product's listing in ``channel``: joined by the page query (one object), else
    prefetched (a list of every channel's), else read (a single product)."""
    if channel is None:
        return None
    found = product.__dict__.get(CHANNEL_LISTING, _MISSING)
    if isinstance(found, list):
        return _listing(found, channel)
    if found is None or (found is not _MISSING and found.channel_id == channel.pk):
        return found
    return _listing(product.channel_listings.all(), channel)


# Batch lookup of photos for thumbnails into ``product.thumbnail_renditions``. The products page
# query selects the first photo's renditions (a dict, or None without photos) and alt text under
# these names instead (selectors.with_thumbnail), and Django then skips this prefetch.
THUMBNAIL_PREFETCH = Prefetch("media", to_attr=THUMBNAIL)

# Variants' stocks with the units live reservations hold (quantityAvailable), one query per page.
VARIANT_STOCKS = stocks_sellable_prefetch("variants__stocks")


def _thumbnail_source(product) -> tuple[dict | None, str]:
    """(renditions, alt) of the product's first photo, from the page query or the prefetch."""
    found = product.__dict__.get(THUMBNAIL, _MISSING)
    if found is _MISSING:
        found = list(product.media.all())
    if isinstance(found, list):
        return (found[0].renditions, found[0].alt) if found else (None, "")
    return found, product.__dict__.get(THUMBNAIL_ALT) or ""


def _media_url(info, name: str) -> str:
    """Absolute URL of a stored file, worked out once per file and request (one photo may serve
    several products of a page; some storage backends sign every URL they make)."""
    request = info.context
    urls = getattr(request, "_meidu_media_urls", None)
    if urls is None:
        urls = request._meidu_media_urls = {}
    url = urls.get(name)
    if url is None:
        url = urls[name] = request.build_absolute_uri(default_storage.url(name))
    return url


class AttributeType(ModelObjectType):
    input_type = graphene.String(required=True)

    class Meta:
        model = Attribute
        name = "Attribute"
        fields = ["id", "name", "slug", "unit"]


class AttributeValueType(graphene.ObjectType):
    slug = graphene.String(required=True)
    name = graphene.String(required=True)

    class Meta:
        name = "AttributeValue"


class SelectedAttribute(graphene.ObjectType):
    attribute = graphene.Field(AttributeType, required=True)
    values = graphene.List(graphene.NonNull(AttributeValueType), required=True)


class ProductTypeType(ModelObjectType):
    sold_by = graphene.String(required=True, description="PIECE or WEIGHT.")

    class Meta:
        model = ProductType
        name = "ProductType"
        fields = ["id", "name", "slug", "kind", "is_shipping_required"]

    @staticmethod
    def resolve_sold_by(root, info):
        return root.sold_by.upper()


media_url = _media_url  # for other apps' photo types (complaint photos)


class Image(graphene.ObjectType):
    url = graphene.String(required=True)
    alt = graphene.String()


class ProductMediaType(ModelObjectType):
    url = graphene.String(required=True, size=graphene.Int())
    type = graphene.String(required=True)

    class Meta:
        model = ProductMedia
        name = "ProductMedia"
        fields = ["id", "alt", "sort_order", "width", "height"]

    @staticmethod
    def resolve_url(root, info, size=None):
        return _media_url(info, rendition_for(root.renditions, size))

    @staticmethod
    def resolve_type(root, info):
        return "IMAGE"


class VariantPricingInfo(graphene.ObjectType):
    on_sale = graphene.Boolean()
    price = graphene.Field(TaxedMoney)
    price_undiscounted = graphene.Field(TaxedMoney)


class ProductPricingInfo(graphene.ObjectType):
    on_sale = graphene.Boolean()
    price_range = graphene.Field(TaxedMoneyRange)
    price_range_undiscounted = graphene.Field(TaxedMoneyRange)


def _pricing(info, currency: str, low, high) -> ProductPricingInfo:
    """Pricing of a price range; a page repeats the same few prices, so each range is built once
    per request (the objects are read-only while the response is written)."""
    request = info.context
    cache = getattr(request, "_meidu_pricing", None)
    if cache is None:
        cache = request._meidu_pricing = {}
    key = (currency, low, high)
    pricing = cache.get(key)
    if pricing is None:
        # One price object per amount too: a range whose start and stop are equal (most products)
        # then gives one object, whose answer the execution completes once (meidu.core.graphql.execution).
        prices = cache.setdefault("prices", {})
        start = prices.get((currency, low)) or prices.setdefault((currency, low), taxed(low, currency))
        stop = prices.get((currency, high)) or prices.setdefault((currency, high), taxed(high, currency))
        price_range = TaxedMoneyRange(start=start, stop=stop)
        pricing = cache[key] = ProductPricingInfo(
            on_sale=False, price_range=price_range, price_range_undiscounted=price_range
        )
    return pricing


class ProductVariantType(ModelObjectType):
    pricing = graphene.Field(VariantPricingInfo)
    quantity_available = graphene.Int(
        description="Units a buyer can put in a cart now: stock less allocated units "
        "and other buyers' reservations, at most CHECKOUT_MAX_LINE_QUANTITY."
    )
    product = graphene.Field(lambda: ProductType_, required=True)
    attributes = graphene.List(graphene.NonNull(SelectedAttribute), required=True)
    media = graphene.List(graphene.NonNull(ProductMediaType))

    class Meta:
        model = ProductVariant
        name = "ProductVariant"
        fields = ["id", "name", "sku", "quantity_limit_per_customer", "weight_grams", "track_inventory"]

    @staticmethod
    def resolve_pricing(root, info):
        channel = current_channel(info)
        listing = _listing(root.channel_listings.all(), channel)
        if listing is None:
            return None
        price = taxed(listing.price_amount, listing.currency)
        return VariantPricingInfo(on_sale=False, price=price, price_undiscounted=price)

    @staticmethod
    def resolve_quantity_available(root, info):
        return variant_units_available(root)

    @staticmethod
    def resolve_attributes(root, info):
        return []

    @staticmethod
    def resolve_media(root, info):
        return list(root.product.media.all())


class ProductVariantCountableConnection(CountableConnection):
    class Meta:
        node = ProductVariantType


# The columns each field of a product's category and shop reads, when a page loads them (Narrowed):
# a listing shows their names and slugs. Fields with their own resolvers over other columns or rows
# (a shop's village, members-only fields, a category's parent and children) are left out on purpose.
CATEGORY_FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": (),
    "name": ("name",),
    "slug": ("slug",),
    "description": ("description",),
    "level": ("level",),
}
SHOP_FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": (),
    "name": ("name",),
    "slug": ("slug",),
    "description": ("description",),
    "kind": ("kind",),
    "track": ("track",),
    "status": ("status",),
    "rating": ("rating",),
    "holidayMode": ("holiday_mode",),
    "createdAt": ("created_at",),
}


class ProductType_(ModelObjectType):
    """Named ProductType_ in Python (ProductType is the catalogue model); GraphQL name: Product."""

    created = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    rating = graphene.Float()
    sold_by = graphene.String(required=True)
    weight_unit = graphene.String(required=True)
    thumbnail = graphene.Field(Image, size=graphene.Int())
    media = graphene.List(graphene.NonNull(ProductMediaType))
    pricing = graphene.Field(ProductPricingInfo)
    is_available = graphene.Boolean()
    is_available_for_purchase = graphene.Boolean()
    available_for_purchase_at = graphene.DateTime()
    variants = graphene.List(graphene.NonNull(ProductVariantType))
    product_variants = graphene.relay.ConnectionField(ProductVariantCountableConnection)
    product_type = graphene.Field(ProductTypeType, required=True)
    category = graphene.Field(lambda: CategoryType)
    attributes = graphene.List(graphene.NonNull(SelectedAttribute), required=True)
    origin_village = graphene.Field(VillageType)
    shop = graphene.Field("marketplace.shops.api.MarketplaceShopType", required=True)

    batched_selects = {"productType": "product_type", "soldBy": "product_type"}
    batched_fields = {
        # Prefetched rather than joined: a page of 100 products has a handful of shops and
        # categories, and a prefetch builds each once instead of once per row.
        "category": Narrowed("category", Category, CATEGORY_FIELD_COLUMNS),
        "shop": Narrowed("shop", Shop, SHOP_FIELD_COLUMNS),
        "pricing": CHANNEL_LISTING_PREFETCH,
        "isAvailable": CHANNEL_LISTING_PREFETCH,
        "isAvailableForPurchase": CHANNEL_LISTING_PREFETCH,
        "availableForPurchaseAt": CHANNEL_LISTING_PREFETCH,
        "variants": ["variants__channel_listings", VARIANT_STOCKS],
        "thumbnail": THUMBNAIL_PREFETCH,
        "media": "media",
        "attributes": ["attribute_values__attribute", "attribute_values__choice"],
        "originVillage": "origin_village__town",
    }

    class Meta:
        model = Product
        name = "Product"
        fields = ["id", "name", "slug", "description", "seo_title", "seo_description"]

    @staticmethod
    def resolve_created(root, info):
        return root.created_at

    @staticmethod
    def resolve_rating(root, info):
        return float(root.rating) if root.rating is not None else None

    @staticmethod
    def resolve_sold_by(root, info):
        return root.product_type.sold_by.upper()

    @staticmethod
    def resolve_weight_unit(root, info):
        return root.weight_unit.upper()

    @staticmethod
    def resolve_thumbnail(root, info, size=None):
        renditions, alt = _thumbnail_source(root)
        if not renditions:
            return None
        return Image(url=_media_url(info, rendition_for(renditions, size)), alt=alt or root.name)

    @staticmethod
    def resolve_media(root, info):
        return list(root.media.all())

    @staticmethod
    def resolve_pricing(root, info):
        """The price range stored on the channel listing (kept by the variant price services)."""
        channel = current_channel(info)
        listing = _channel_listing(root, channel)
        if listing is None or listing.min_price_amount is None:
            return None
        return _pricing(info, channel.currency_code, listing.min_price_amount, listing.max_price_amount)

    @staticmethod
    def resolve_available_for_purchase_at(root, info):
        listing = _channel_listing(root, current_channel(info))
        return listing.available_for_purchase_at if listing else None

    @staticmethod
    def resolve_is_available_for_purchase(root, info):
        at = ProductType_.resolve_available_for_purchase_at(root, info)
        return at is not None and at <= timezone.now()

    @staticmethod
    def resolve_is_available(root, info):
        """Published, purchasable now, and at least one variant priced in the channel."""
        listing = _channel_listing(root, current_channel(info))
        if listing is None or not listing.is_published or listing.min_price_amount is None:
            return False
        return listing.available_for_purchase_at is not None and listing.available_for_purchase_at <= timezone.now()

    @staticmethod
    def resolve_variants(root, info):
        return list(root.variants.all())

    @staticmethod
    def resolve_product_variants(root, info, **kwargs):
        variants = ProductVariant.objects.filter(product=root).prefetch_related(
            "channel_listings", stocks_sellable_prefetch()
        )
        return paginate(variants, info, ProductVariantCountableConnection, **kwargs)

    @staticmethod
    def resolve_attributes(root, info):
        result = []
        for value in root.attribute_values.all():
            slug, name = display_value(value)
            result.append(
                SelectedAttribute(attribute=value.attribute, values=[AttributeValueType(slug=slug, name=name)])
            )
        return result


# The product columns each Product field reads: a listing page whose fields are all here loads only
# those columns (no description, SEO texts or timestamps to decode for 100 rows). A field missing
# here (variants, media, attributes... read through prefetches by the product's id, or fields added
# later) makes the page load every column, so a new field can never find its column deferred.
PRODUCT_FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": (),
    "name": ("name",),
    "slug": ("slug",),
    "description": ("description",),
    "seoTitle": ("seo_title",),
    "seoDescription": ("seo_description",),
    "created": ("created_at",),
    "updatedAt": ("updated_at",),
    "rating": ("rating",),
    "weightUnit": ("weight_unit",),
    "thumbnail": ("name",),  # the alt text falls back to the name
    "pricing": (),  # the channel listing, joined
    "isAvailable": (),
    "isAvailableForPurchase": (),
    "availableForPurchaseAt": (),
    "category": ("category",),
    "shop": ("shop",),
    "productType": ("product_type",),
    "soldBy": ("product_type",),
    "originVillage": ("origin_village",),
}


def product_columns(selected: set[str]) -> set[str] | None:
    """The columns a page of products with the ``selected`` fields needs, or None for all of them."""
    if not selected.issubset(PRODUCT_FIELD_COLUMNS):
        return None
    return {column for field in selected for column in PRODUCT_FIELD_COLUMNS[field]}


class FacetCategory(graphene.ObjectType):
    category = graphene.Field(lambda: CategoryType)
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    count = graphene.Int(required=True)


class FacetPriceRange(graphene.ObjectType):
    gte = graphene.Float(description="Lowest minimum price of the bucket (none: from 0).")
    lt = graphene.Float(description="Bucket ends below this price (none: no upper end).")
    count = graphene.Int(required=True)


class FacetTown(graphene.ObjectType):
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    count = graphene.Int(required=True)


class FacetShopKind(graphene.ObjectType):
    kind = graphene.String(required=True)
    count = graphene.Int(required=True)


class FacetRating(graphene.ObjectType):
    gte = graphene.Int(required=True)
    count = graphene.Int(required=True)


class ProductFacets(graphene.ObjectType):
    """Meidu extension: counts of the products matching the query, by facet (filter with `where`:
    category, price, originTown, shopKind, inStock, rating)."""

    categories = graphene.List(graphene.NonNull(FacetCategory), required=True)
    prices = graphene.List(graphene.NonNull(FacetPriceRange), required=True)
    towns = graphene.List(graphene.NonNull(FacetTown), required=True)
    shop_kinds = graphene.List(graphene.NonNull(FacetShopKind), required=True)
    in_stock = graphene.Int(required=True)
    ratings = graphene.List(graphene.NonNull(FacetRating), required=True)


class ProductCountableConnection(CountableConnection):
    class Meta:
        node = ProductType_

    facets = graphene.Field(
        ProductFacets, description="Meidu extension: facet counts over every product the query matches."
    )

    @staticmethod
    def resolve_total_count(root, info):
        """A search paged by its index knows its total already (the same statement counted it)."""
        known = getattr(root, "known_total", None)
        return known if known is not None else root.queryset.count()

    @staticmethod
    def resolve_facets(root, info):
        facets = product_facets(root.queryset)
        categories = category_in_bulk([row["category_id"] for row in facets["categories"]])
        return ProductFacets(
            categories=[
                FacetCategory(
                    category=categories.get(row["category_id"]),
                    name=row["category__name"],
                    slug=row["category__slug"],
                    count=row["count"],
                )
                for row in facets["categories"]
            ],
            prices=[
                FacetPriceRange(
                    gte=None if b["gte"] is None else float(b["gte"]),
                    lt=None if b["lt"] is None else float(b["lt"]),
                    count=b["count"],
                )
                for b in facets["prices"]
            ],
            towns=[FacetTown(code=t["town_code"], name=t["town_name"], count=t["count"]) for t in facets["towns"]],
            shop_kinds=[FacetShopKind(kind=k["kind"], count=k["count"]) for k in facets["shop_kinds"]],
            in_stock=facets["in_stock"],
            ratings=[FacetRating(gte=r["gte"], count=r["count"]) for r in facets["ratings"]],
        )


class CategoryType(ModelObjectType):
    children = graphene.relay.ConnectionField(lambda: CategoryCountableConnection)
    products = graphene.relay.ConnectionField(ProductCountableConnection, channel=graphene.String())
    parent = graphene.Field(lambda: CategoryType)

    batched_selects = {"parent": "parent"}

    class Meta:
        model = Category
        name = "Category"
        fields = ["id", "name", "slug", "description", "level"]

    @staticmethod
    def resolve_children(root, info, **kwargs):
        return paginate(
            Category.objects.filter(parent=root), info, CategoryCountableConnection, sort=[SortKey("slug")], **kwargs
        )

    @staticmethod
    def resolve_products(root, info, channel=None, **kwargs):
        from marketplace.catalog.api.queries import resolve_product_list

        return resolve_product_list(info, channel=channel, category_ids=[root.pk], **kwargs)


class CategoryCountableConnection(CountableConnection):
    class Meta:
        node = CategoryType
