"""Catalogue mutations (Saleor's names). Each loads the object, checks that the caller works
for its shop (or holds MANAGE_PRODUCTS), then calls one service."""

from __future__ import annotations

import graphene

from logistics.geography.models import Village
from marketplace.catalog import services
from marketplace.catalog.api.types import ProductMediaType, ProductType_, ProductVariantType
from marketplace.catalog.error_codes import ProductErrorCode
from marketplace.catalog.models import Attribute, Category, Product, ProductType, ProductVariant
from marketplace.channels.models import Channel
from marketplace.shops.access import require_shop_access, shop_from_global_id
from meidu.core.graphql.ids import get_node_or_error
from meidu.core.graphql.mutations import BaseMutation
from meidu.core.graphql.permissions import requestor
from meidu.core.graphql.upload import Upload
from meidu.core.permissions import ProductPermissions

PERM = ProductPermissions.MANAGE_PRODUCTS


def _product(info, global_id: str, field: str = "id") -> Product:
    product = get_node_or_error(Product, global_id, "Product", field)
    require_shop_access(info, product.shop_id, PERM)
    return product


def _variant(info, global_id: str) -> ProductVariant:
    variant = get_node_or_error(ProductVariant, global_id, "ProductVariant", "id")
    require_shop_access(info, variant.product.shop_id, PERM)
    return variant


def _attributes(items) -> list[tuple]:
    return [
        (get_node_or_error(Attribute, item["id"], "Attribute", "attributes"), item.get("value")) for item in items or []
    ]


class AttributeValueInput(graphene.InputObjectType):
    id = graphene.ID(required=True, description="Attribute ID.")
    value = graphene.String(required=True, description="Text, number, date (YYYY-MM-DD) or a choice's slug.")


class SeoInput(graphene.InputObjectType):
    title = graphene.String()
    description = graphene.String()


class ProductInput(graphene.InputObjectType):
    name = graphene.String()
    slug = graphene.String()
    description = graphene.String()
    category = graphene.ID()
    origin_village = graphene.ID()
    weight_unit = graphene.String(description="JIN or KG.")
    attributes = graphene.List(graphene.NonNull(AttributeValueInput))
    seo = SeoInput()


class ProductCreateInput(ProductInput):
    shop = graphene.ID(required=True)
    product_type = graphene.ID(required=True)


def _product_fields(data: dict) -> dict:
    fields = {}
    for key in ("name", "slug", "description"):
        if key in data and data[key] is not None:
            fields[key] = data[key]
    if "category" in data:
        fields["category"] = get_node_or_error(Category, data["category"], "Category", "category", required=False)
    if "origin_village" in data:
        fields["origin_village"] = get_node_or_error(
            Village, data["origin_village"], "Village", "originVillage", required=False
        )
    if data.get("weight_unit"):
        fields["weight_unit"] = data["weight_unit"].lower()
    if data.get("seo"):
        fields["seo_title"] = data["seo"].get("title") or ""
        fields["seo_description"] = data["seo"].get("description") or ""
    if data.get("attributes") is not None:
        fields["attributes"] = _attributes(data["attributes"])
    return fields


class ProductMutation(BaseMutation):
    default_error_code_enum = ProductErrorCode
    default_error_type_name = "ProductError"

    product = graphene.Field(ProductType_)

    class Meta:
        abstract = True


class ProductCreate(ProductMutation):
    class Arguments:
        input = ProductCreateInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, input):
        shop = shop_from_global_id(input["shop"], "shop", ProductErrorCode.NOT_FOUND)
        require_shop_access(info, shop.pk, PERM)
        product_type = get_node_or_error(ProductType, input["product_type"], "ProductType", "productType")
        fields = _product_fields(input)
        product = services.product_create(
            shop, actor=requestor(info), product_type=product_type, name=fields.pop("name", ""), **fields
        )
        return cls(errors=[], product=product)


class ProductUpdate(ProductMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = ProductInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        product = _product(info, id)
        return cls(errors=[], product=services.product_update(product, actor=requestor(info), **_product_fields(input)))


class ProductDelete(ProductMutation):
    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id):
        product = _product(info, id)
        pk = product.pk
        services.product_delete(product, actor=requestor(info))
        product.pk = pk
        return cls(errors=[], product=product)


class ProductVariantInput(graphene.InputObjectType):
    sku = graphene.String()
    name = graphene.String()
    weight_grams = graphene.Int()
    quantity_limit_per_customer = graphene.Int()
    track_inventory = graphene.Boolean()


class ProductVariantCreateInput(ProductVariantInput):
    product = graphene.ID(required=True)


class VariantMutation(BaseMutation):
    default_error_code_enum = ProductErrorCode
    default_error_type_name = "ProductError"

    product_variant = graphene.Field(ProductVariantType)

    class Meta:
        abstract = True


def _variant_fields(data: dict) -> dict:
    return {
        key: data[key]
        for key in ("sku", "name", "weight_grams", "quantity_limit_per_customer", "track_inventory")
        if key in data
    }


class ProductVariantCreate(VariantMutation):
    class Arguments:
        input = ProductVariantCreateInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, input):
        product = _product(info, input["product"], field="product")
        fields = _variant_fields(input)
        variant = services.variant_create(product, actor=requestor(info), sku=fields.pop("sku", ""), **fields)
        return cls(errors=[], product_variant=variant)


class ProductVariantUpdate(VariantMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = ProductVariantInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        variant = _variant(info, id)
        return cls(
            errors=[], product_variant=services.variant_update(variant, actor=requestor(info), **_variant_fields(input))
        )


class ProductChannelListingAddInput(graphene.InputObjectType):
    channel_id = graphene.ID(required=True)
    is_published = graphene.Boolean()
    published_at = graphene.DateTime()
    visible_in_listings = graphene.Boolean()
    is_available_for_purchase = graphene.Boolean()
    available_for_purchase_at = graphene.DateTime()


class ProductChannelListingUpdateInput(graphene.InputObjectType):
    update_channels = graphene.List(graphene.NonNull(ProductChannelListingAddInput))
    remove_channels = graphene.List(graphene.NonNull(graphene.ID))


def _channel(global_id: str, field: str = "channelId") -> Channel:
    return get_node_or_error(Channel, global_id, "Channel", field)


class ProductChannelListingUpdate(ProductMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = ProductChannelListingUpdateInput(required=True)

    class Meta:
        error_code_enum = ProductErrorCode
        error_type_name = "ProductChannelListingError"

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        product = _product(info, id)
        updates = []
        for item in input.get("update_channels") or []:
            entry = {"channel": _channel(item["channel_id"])}
            for key in ("is_published", "published_at", "visible_in_listings", "available_for_purchase_at"):
                if item.get(key) is not None:
                    entry[key] = item[key]
            if item.get("is_available_for_purchase") is not None and "available_for_purchase_at" not in entry:
                entry["available_for_purchase_at"] = services.listing_purchasable_from(
                    item["is_available_for_purchase"]
                )
            updates.append(entry)
        removed = [_channel(value, "removeChannels") for value in input.get("remove_channels") or []]
        product = services.product_channel_listing_update(
            product, actor=requestor(info), update_channels=updates, remove_channels=removed
        )
        return cls(errors=[], product=product)


class ProductVariantChannelListingAddInput(graphene.InputObjectType):
    channel_id = graphene.ID(required=True)
    price = graphene.Decimal(required=True)
    cost_price = graphene.Decimal()


class ProductVariantChannelListingUpdate(VariantMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = graphene.List(graphene.NonNull(ProductVariantChannelListingAddInput), required=True)

    class Meta:
        error_code_enum = ProductErrorCode
        error_type_name = "ProductChannelListingError"

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        variant = _variant(info, id)
        prices = [
            {"channel": _channel(item["channel_id"]), "price": item["price"], "cost_price": item.get("cost_price")}
            for item in input
        ]
        return cls(
            errors=[],
            product_variant=services.variant_channel_listing_update(variant, actor=requestor(info), prices=prices),
        )


class ProductMediaCreateInput(graphene.InputObjectType):
    product = graphene.ID(required=True)
    image = Upload(required=True, description="A photo, sent as a GraphQL multipart upload.")
    alt = graphene.String()


class ProductMediaCreate(ProductMutation):
    media = graphene.Field(ProductMediaType)

    class Arguments:
        input = ProductMediaCreateInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, input):
        product = _product(info, input["product"], field="product")
        media = services.product_media_create(
            product, actor=requestor(info), image=input["image"], alt=input.get("alt") or ""
        )
        return cls(errors=[], product=product, media=media)


class CatalogMutations(graphene.ObjectType):
    product_create = ProductCreate.Field()
    product_update = ProductUpdate.Field()
    product_delete = ProductDelete.Field()
    product_variant_create = ProductVariantCreate.Field()
    product_variant_update = ProductVariantUpdate.Field()
    product_channel_listing_update = ProductChannelListingUpdate.Field()
    product_variant_channel_listing_update = ProductVariantChannelListingUpdate.Field()
    product_media_create = ProductMediaCreate.Field()
