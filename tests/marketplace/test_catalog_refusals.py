"""Bad catalogue input: each refused with a code and nothing written."""

import io
import json

import pytest
from django.test import Client
from graphql_relay import to_global_id

from marketplace.catalog.models import (
    Product,
    ProductAttributeValue,
    ProductMedia,
    ProductVariant,
    ProductVariantChannelListing,
)
from tests.marketplace.factories import listed_product

pytestmark = pytest.mark.django_db

CREATE = (
    "mutation($i: ProductCreateInput!) { productCreate(input: $i) {"
    " product { slug attributes { attribute { slug } values { name } } } errors { field code message } } }"
)


def _create_input(shop, basics, **extra):
    data = {
        "shop": to_global_id("MarketplaceShop", shop.pk),
        "productType": to_global_id("ProductType", basics["produce"].pk),
        "name": "南果梨",
    }
    data.update(extra)
    return {"i": data}


def _errors(content, name):
    return [(e["field"], e["code"]) for e in content[name]["errors"]]


def test_typed_attributes_are_stored(farmer_client, farmer_shop, basics):
    attrs = [
        {"id": to_global_id("Attribute", basics["variety"].pk), "value": "nanguo"},
        {"id": to_global_id("Attribute", basics["weight"].pk), "value": "5"},
        {"id": to_global_id("Attribute", basics["harvest"].pk), "value": "2026-09-20"},
    ]
    data = farmer_client.execute(CREATE, _create_input(farmer_shop, basics, attributes=attrs))["productCreate"]
    assert data["errors"] == []
    values = {a["attribute"]["slug"]: a["values"][0]["name"] for a in data["product"]["attributes"]}
    assert values == {"variety": "南果梨", "weight": "5斤", "harvest-date": "2026-09-20"}


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("weight", "five"), ("harvest", "2026-13-40"), ("variety", "banana"), ("weight", "NaN")],
    ids=["number_case", "date_case", "choice_case", "nan_case"],
)
def test_attribute_value_of_the_wrong_type_is_refused(farmer_client, farmer_shop, basics, attribute, value):
    before = Product.objects.count()
    attrs = [{"id": to_global_id("Attribute", basics[attribute].pk), "value": value}]
    data = farmer_client.execute(CREATE, _create_input(farmer_shop, basics, attributes=attrs))
    assert _errors(data, "productCreate") == [("attributes", "INVALID_ATTRIBUTE_VALUE")]
    assert Product.objects.count() == before and ProductAttributeValue.objects.count() == 0


def test_attribute_of_another_type_is_refused(farmer_client, farmer_shop, basics):
    from marketplace.catalog.models import Attribute

    colour = Attribute.objects.create(name="颜色", slug="colour", input_type="text")
    attrs = [{"id": to_global_id("Attribute", colour.pk), "value": "红"}]
    data = farmer_client.execute(CREATE, _create_input(farmer_shop, basics, attributes=attrs))
    assert _errors(data, "productCreate") == [("attributes", "ATTRIBUTE_CANNOT_BE_ASSIGNED")]


def test_duplicate_slug_and_sku_are_refused(farmer_client, farmer, farmer_shop, rural, basics):
    product = listed_product(farmer_shop, farmer, rural, name="南果梨", sku="PEAR-1")
    data = farmer_client.execute(CREATE, _create_input(farmer_shop, basics, slug=product.slug))
    assert _errors(data, "productCreate") == [("slug", "UNIQUE")]
    variant = farmer_client.execute(
        "mutation($p: ID!) { productVariantCreate(input: {product: $p, sku: \"PEAR-1\"}) {"
        " productVariant { id } errors { field code } } }",
        {"p": to_global_id("Product", product.pk)},
    )
    assert _errors(variant, "productVariantCreate") == [("sku", "UNIQUE")]
    assert ProductVariant.objects.count() == 1


def test_a_second_product_with_the_same_name_gets_its_own_slug(farmer_client, farmer_shop, basics):
    first = farmer_client.execute(CREATE, _create_input(farmer_shop, basics))["productCreate"]["product"]["slug"]
    second = farmer_client.execute(CREATE, _create_input(farmer_shop, basics))["productCreate"]["product"]["slug"]
    assert first == "南果梨" and second == "南果梨-2"


PRICE = (
    "mutation($id: ID!, $c: ID!, $p: PositiveDecimal!) {"
    " productVariantChannelListingUpdate(id: $id, input: [{channelId: $c, price: $p}]) { errors { field code } } }"
)


@pytest.mark.parametrize("price", ["-1", "1.005", "abc"], ids=["negative_case", "sub_fen_case", "garbage_case"])
def test_bad_prices_are_refused(farmer_client, farmer, farmer_shop, rural, price):
    product = listed_product(farmer_shop, farmer, rural, price="12.50")
    variant = product.variants.get()
    query = PRICE.replace("PositiveDecimal!", "Decimal!")
    content = farmer_client.post(
        query, {"id": to_global_id("ProductVariant", variant.pk), "c": to_global_id("Channel", rural.pk), "p": price}
    ).json()
    if "errors" in content:  # the Decimal scalar itself refused it
        assert content["data"] is None or content["data"]["productVariantChannelListingUpdate"] is None
    else:
        assert _errors(content["data"], "productVariantChannelListingUpdate") == [("price", "INVALID_PRICE")]
    assert list(ProductVariantChannelListing.objects.values_list("price_amount", flat=True)) == [pytest.approx(12.5)]


def test_price_in_a_channel_the_product_is_not_listed_in(farmer_client, farmer, farmer_shop, rural, channel_pair):
    product = listed_product(farmer_shop, farmer, rural)
    retail = channel_pair[0]
    content = farmer_client.post(
        PRICE.replace("PositiveDecimal!", "Decimal!"),
        {
            "id": to_global_id("ProductVariant", product.variants.get().pk),
            "c": to_global_id("Channel", retail.pk),
            "p": "3.00",
        },
    ).json()
    assert _errors(content["data"], "productVariantChannelListingUpdate") == [("channelId", "INVALID")]


def test_ids_of_the_wrong_type_are_refused(farmer_client, farmer_shop, basics):
    bad = _create_input(farmer_shop, basics)
    bad["i"]["productType"] = to_global_id("Category", basics["pears"].pk)
    assert _errors(farmer_client.execute(CREATE, bad), "productCreate") == [("productType", "GRAPHQL_ERROR")]


def test_stock_for_another_shops_variant_is_refused(farmer_client, farmer_shop, rival, rival_shop, rural):
    product = listed_product(rival_shop, rival, rural)
    mine = farmer_shop.warehouses.first()
    if mine is None:
        from marketplace.inventory.services import warehouse_create

        mine = warehouse_create(farmer_shop, actor=None, name="仓", kind="home")
    content = farmer_client.execute(
        "mutation($v: ID!, $w: ID!) { stockUpdate(input: {variant: $v, warehouse: $w, quantity: 5}) {"
        " errors { field code } } }",
        {"v": to_global_id("ProductVariant", product.variants.get().pk), "w": to_global_id("Warehouse", mine.pk)},
    )
    assert _errors(content, "stockUpdate") == [("warehouse", "NOT_FOUND")]


def test_negative_stock_is_refused(farmer_client, farmer, farmer_shop, rural):
    product = listed_product(farmer_shop, farmer, rural, quantity=20)
    content = farmer_client.execute(
        "mutation($v: ID!, $w: ID!) { stockUpdate(input: {variant: $v, warehouse: $w, quantity: -1}) {"
        " errors { field code } } }",
        {
            "v": to_global_id("ProductVariant", product.variants.get().pk),
            "w": to_global_id("Warehouse", farmer_shop.warehouses.get().pk),
        },
    )
    assert _errors(content, "stockUpdate") == [("quantity", "INVALID")]


@pytest.mark.parametrize(
    ("payload", "code"),
    [(b"this is not a photo", "NOT_AN_IMAGE"), (b"GIF89a" + b"\x00" * 64, "UNSUPPORTED_IMAGE_FORMAT")],
    ids=["text_case", "gif_case"],
)
def test_fake_images_are_refused(farmer, farmer_shop, rural, media_root, payload, code):  # noqa: F811
    from tests.support.graphql import token_for

    product = listed_product(farmer_shop, farmer, rural)
    upload = io.BytesIO(payload)
    upload.name = "pear.jpg"
    operations = {
        "query": "mutation($i: ProductMediaCreateInput!) { productMediaCreate(input: $i) {"
        " media { id } errors { field code } } }",
        "variables": {"i": {"product": to_global_id("Product", product.pk), "image": None}},
    }
    response = Client().post(
        "/graphql/",
        {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.i.image"]}), "0": upload},
        HTTP_AUTHORIZATION=f"Bearer {token_for(farmer)}",
    )
    assert _errors(response.json()["data"], "productMediaCreate") == [("image", code)]
    assert ProductMedia.objects.count() == 0
