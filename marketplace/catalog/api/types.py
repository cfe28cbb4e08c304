"""GraphQL types of the catalogue, in Saleor's shapes, plus the shop that sells each product."""

from __future__ import annotations

import graphene
from django.core.files.storage import default_storage
from django.utils import timezone

from logistics.geography.api import VillageType
from marketplace.catalog.api.context import current_channel
from marketplace.catalog.api.money import TaxedMoney, TaxedMoneyRange, taxed
from marketplace.catalog.attributes import display_value
from marketplace.catalog.models import Attribute, Category, Product, ProductMedia, ProductType, ProductVariant
from marketplace.media.processing import rendition_for
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.types import ModelObjectType


def _listing(listings, channel):
    if channel is None:
        return None
    return next((listing for listing in listings if listing.channel_id == channel.pk), None)


def _media_url(info, name: str) -> str:
    return info.context.build_absolute_uri(default_storage.url(name))


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


class ProductVariantType(ModelObjectType):
    pricing = graphene.Field(VariantPricingInfo)
    quantity_available = graphene.Int()
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
        return max(sum(stock.quantity - stock.quantity_allocated for stock in root.stocks.all()), 0)

    @staticmethod
    def resolve_attributes(root, info):
        return []

    @staticmethod
    def resolve_media(root, info):
        return list(root.product.media.all())


class ProductVariantCountableConnection(CountableConnection):
    class Meta:
        node = ProductVariantType


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

    batched_selects = {"category": "category", "shop": "shop", "productType": "product_type", "soldBy": "product_type"}
    batched_fields = {
        "pricing": "variants__channel_listings",
        "isAvailable": ["channel_listings", "variants__channel_listings"],
        "isAvailableForPurchase": "channel_listings",
        "availableForPurchaseAt": "channel_listings",
        "variants": ["variants__channel_listings", "variants__stocks"],
        "thumbnail": "media",
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
        media = root.media.all()
        if not media:
            return None
        first = media[0]
        return Image(url=_media_url(info, rendition_for(first.renditions, size)), alt=first.alt or root.name)

    @staticmethod
    def resolve_media(root, info):
        return list(root.media.all())

    @staticmethod
    def resolve_pricing(root, info):
        channel = current_channel(info)
        prices = [
            listing.price_amount
            for variant in root.variants.all()
            for listing in [_listing(variant.channel_listings.all(), channel)]
            if listing is not None
        ]
        if not prices:
            return None
        price_range = TaxedMoneyRange(start=taxed(min(prices), channel.currency_code), stop=taxed(max(prices), channel.currency_code))
        return ProductPricingInfo(on_sale=False, price_range=price_range, price_range_undiscounted=price_range)

    @staticmethod
    def resolve_available_for_purchase_at(root, info):
        listing = _listing(root.channel_listings.all(), current_channel(info))
        return listing.available_for_purchase_at if listing else None

    @staticmethod
    def resolve_is_available_for_purchase(root, info):
        at = ProductType_.resolve_available_for_purchase_at(root, info)
        return at is not None and at <= timezone.now()

    @staticmethod
    def resolve_is_available(root, info):
        channel = current_channel(info)
        listing = _listing(root.channel_listings.all(), channel)
        if listing is None or not listing.is_published or not ProductType_.resolve_is_available_for_purchase(root, info):
            return False
        return any(_listing(variant.channel_listings.all(), channel) for variant in root.variants.all())

    @staticmethod
    def resolve_variants(root, info):
        return list(root.variants.all())

    @staticmethod
    def resolve_product_variants(root, info, **kwargs):
        variants = ProductVariant.objects.filter(product=root).prefetch_related("channel_listings", "stocks")
        return paginate(variants, info, ProductVariantCountableConnection, **kwargs)

    @staticmethod
    def resolve_attributes(root, info):
        result = []
        for value in root.attribute_values.all():
            slug, name = display_value(value)
            result.append(SelectedAttribute(attribute=value.attribute, values=[AttributeValueType(slug=slug, name=name)]))
        return result


class ProductCountableConnection(CountableConnection):
    class Meta:
        node = ProductType_


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
        return paginate(Category.objects.filter(parent=root), info, CategoryCountableConnection, sort=[SortKey("slug")], **kwargs)

    @staticmethod
    def resolve_products(root, info, channel=None, **kwargs):
        from marketplace.catalog.api.queries import resolve_product_list

        return resolve_product_list(info, channel=channel, category_ids=[root.pk], **kwargs)


class CategoryCountableConnection(CountableConnection):
    class Meta:
        node = CategoryType
