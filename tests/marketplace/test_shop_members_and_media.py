import io
import json

import pytest
from django.test import Client
from graphql_relay import to_global_id
from PIL import Image

from marketplace.catalog.models import ProductMedia
from meidu.accounts.roles import Role
from tests.marketplace.factories import listed_product
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

ADD = (
    "mutation($id: ID!, $phone: String!) { shopMemberAdd(id: $id, phone: $phone) {"
    " shop { name } errors { field code } } }"
)


def test_owner_adds_an_assistant_who_can_then_edit_products(farmer_client, farmer, farmer_shop, rural, make_user):
    assistant = make_user(Role.BUYER)
    data = farmer_client.execute(ADD, {"id": to_global_id("MarketplaceShop", farmer_shop.pk), "phone": assistant.phone})
    assert data["shopMemberAdd"]["errors"] == []
    product = listed_product(farmer_shop, farmer, rural)
    renamed = GraphQLClient(token_for(assistant)).execute(
        'mutation($id: ID!) { productUpdate(id: $id, input: {name: "新名"}) { product { name } errors { code } } }',
        {"id": to_global_id("Product", product.pk)},
    )
    assert renamed["productUpdate"] == {"product": {"name": "新名"}, "errors": []}


def test_assistants_cannot_add_members_and_unknown_phones_are_refused(farmer_client, farmer_shop, make_user):
    assistant = make_user(Role.BUYER)
    farmer_client.execute(ADD, {"id": to_global_id("MarketplaceShop", farmer_shop.pk), "phone": assistant.phone})
    content = (
        GraphQLClient(token_for(assistant))
        .post(ADD, {"id": to_global_id("MarketplaceShop", farmer_shop.pk), "phone": "13911112222"})
        .json()
    )
    assert content["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    missing = farmer_client.execute(
        ADD, {"id": to_global_id("MarketplaceShop", farmer_shop.pk), "phone": "13911112222"}
    )
    assert missing["shopMemberAdd"]["errors"] == [{"field": "phone", "code": "NOT_FOUND"}]
    again = farmer_client.execute(
        ADD, {"id": to_global_id("MarketplaceShop", farmer_shop.pk), "phone": assistant.phone}
    )
    assert again["shopMemberAdd"]["errors"] == [{"field": "phone", "code": "UNIQUE"}]


def test_photo_upload_gives_thumbnails_without_location(farmer, farmer_shop, rural, media_root, api_client):  # noqa: F811
    product = listed_product(farmer_shop, farmer, rural, name="南果梨")
    photo = Image.new("RGB", (1200, 900), (220, 180, 60))
    exif = photo.getexif()
    gps = exif.get_ifd(0x8825)  # GPS IFD: the farm's coordinates
    gps[1], gps[2] = "N", (40.0, 38.0, 0.0)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif)
    buffer.seek(0)
    buffer.name = "pear.jpg"
    operations = {
        "query": "mutation($i: ProductMediaCreateInput!) { productMediaCreate(input: $i) {"
        " media { url(size: 200) type } errors { code } } }",
        "variables": {"i": {"product": to_global_id("Product", product.pk), "image": None, "alt": "南果梨"}},
    }
    response = Client().post(
        "/graphql/",
        {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.i.image"]}), "0": buffer},
        HTTP_AUTHORIZATION=f"Bearer {token_for(farmer)}",
    )
    payload = response.json()["data"]["productMediaCreate"]
    assert payload["errors"] == [] and payload["media"]["type"] == "IMAGE"
    media = ProductMedia.objects.get()
    assert set(media.renditions) == {"thumbnail", "medium", "large"}
    stored = Image.open(media_root / media.renditions["large"])
    assert stored.format == "WEBP" and not stored.getexif()
    thumb = api_client.execute(
        '{ product(slug: "南果梨", channel: "rural") { thumbnail(size: 200) { url alt } media { url } } }'
    )["product"]
    assert thumb["thumbnail"]["url"].endswith(media.renditions["thumbnail"]) and thumb["thumbnail"]["alt"] == "南果梨"


def test_variant_by_sku_and_members_see_notices(farmer_client, farmer, farmer_shop, rural):
    from marketplace.inventory.services import stock_update

    product = listed_product(farmer_shop, farmer, rural, sku="PEAR-5", quantity=20)
    variant = farmer_client.execute(
        '{ productVariant(sku: "PEAR-5", channel: "rural") {'
        " sku quantityAvailable pricing { price { gross { amount } } } product { name } } }"
    )
    assert variant["productVariant"] == {
        "sku": "PEAR-5",
        "quantityAvailable": 20,
        "pricing": {"price": {"gross": {"amount": 12.5}}},
        "product": {"name": product.name},
    }
    stock_update(farmer_shop.warehouses.get(), product.variants.get(), actor=farmer, quantity=1)
    notices = farmer_client.execute(
        'query($s: String) { marketplaceShop(slug: $s) { notices { kind message } } }', {"s": farmer_shop.slug}
    )
    assert notices["marketplaceShop"]["notices"][0]["kind"] == "low_stock"
