"""Every catalogue mutation, run as anonymous, a buyer, a member of another shop, the owner
and an operator: only the owner and operators succeed; everyone else is refused, naming the
permission, and nothing is written."""

import io
import json

import pytest
from django.test import Client
from graphql_relay import to_global_id
from PIL import Image

from marketplace.catalog.models import (
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductVariant,
    ProductVariantChannelListing,
)
from marketplace.inventory.models import Stock, StockMovement, Warehouse
from meidu.accounts.roles import Role
from tests.marketplace.factories import listed_product
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db


def gid(obj):
    type_name = {"Shop": "MarketplaceShop"}.get(type(obj).__name__, type(obj).__name__)
    return to_global_id(type_name, obj.pk)


@pytest.fixture
def world(farmer, farmer_shop, rural, basics, media_root):
    product = listed_product(farmer_shop, farmer, rural, name="南果梨")
    variant = product.variants.get()
    return {
        "shop": farmer_shop,
        "product": product,
        "variant": variant,
        "warehouse": farmer_shop.warehouses.get(),
        "rural": rural,
        "basics": basics,
    }


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 160, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


MUTATIONS = {
    "productCreate": (
        "mutation($i: ProductCreateInput!) { productCreate(input: $i) { product { id } errors { code } } }",
        lambda w: {"i": {"shop": gid(w["shop"]), "productType": gid(w["basics"]["produce"]), "name": "新产品"}},
    ),
    "productUpdate": (
        "mutation($id: ID!) { productUpdate(id: $id, input: {name: \"改名\"}) { product { name } errors { code } } }",
        lambda w: {"id": gid(w["product"])},
    ),
    "productDelete": (
        "mutation($id: ID!) { productDelete(id: $id) { product { id } errors { code } } }",
        lambda w: {"id": gid(w["product"])},
    ),
    "productVariantCreate": (
        "mutation($i: ProductVariantCreateInput!) { productVariantCreate(input: $i) {"
        " productVariant { sku } errors { code } } }",
        lambda w: {"i": {"product": gid(w["product"]), "sku": "NEW-1"}},
    ),
    "productVariantUpdate": (
        "mutation($id: ID!) { productVariantUpdate(id: $id, input: {sku: \"RENAMED\"}) {"
        " productVariant { sku } errors { code } } }",
        lambda w: {"id": gid(w["variant"])},
    ),
    "productChannelListingUpdate": (
        "mutation($id: ID!, $c: ID!) {"
        " productChannelListingUpdate(id: $id, input: {updateChannels: [{channelId: $c, isPublished: false}]}) {"
        " product { id } errors { code } } }",
        lambda w: {"id": gid(w["product"]), "c": gid(w["rural"])},
    ),
    "productVariantChannelListingUpdate": (
        "mutation($id: ID!, $c: ID!) {"
        " productVariantChannelListingUpdate(id: $id, input: [{channelId: $c, price: \"9.90\"}]) {"
        " productVariant { id } errors { code } } }",
        lambda w: {"id": gid(w["variant"]), "c": gid(w["rural"])},
    ),
    "productMediaCreate": (
        "mutation($i: ProductMediaCreateInput!) { productMediaCreate(input: $i) { media { id } errors { code } } }",
        lambda w: {"i": {"product": gid(w["product"]), "image": None, "alt": "梨"}},
    ),
    "warehouseCreate": (
        "mutation($i: WarehouseCreateInput!) { warehouseCreate(input: $i) { warehouse { id } errors { code } } }",
        lambda w: {"i": {"shop": gid(w["shop"]), "name": "二号仓", "kind": "HOME"}},
    ),
    "stockUpdate": (
        "mutation($i: StockUpdateInput!) { stockUpdate(input: $i) { stock { quantity } errors { code } } }",
        lambda w: {"i": {"variant": gid(w["variant"]), "warehouse": gid(w["warehouse"]), "quantity": 99}},
    ),
}


def _snapshot():
    return {
        "products": sorted(Product.objects.values_list("pk", "name")),
        "variants": sorted(ProductVariant.objects.values_list("pk", "sku")),
        "listings": sorted(ProductChannelListing.objects.values_list("pk", "is_published")),
        "prices": sorted(ProductVariantChannelListing.objects.values_list("pk", "price_amount")),
        "media": ProductMedia.objects.count(),
        "warehouses": Warehouse.objects.count(),
        "stocks": sorted(Stock.objects.values_list("pk", "quantity")),
        "movements": StockMovement.objects.count(),
    }


def _post(token, name, variables):
    query, _ = MUTATIONS[name]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if name != "productMediaCreate":
        return GraphQLClient(token).post(query, variables).json()
    operations = json.dumps({"query": query, "variables": variables})
    upload = io.BytesIO(_jpeg())
    upload.name = "pear.jpg"
    response = Client().post(
        "/graphql/", {"operations": operations, "map": json.dumps({"0": ["variables.i.image"]}), "0": upload}, **headers
    )
    return response.json()


ACTORS = ["anonymous", "buyer", "other_shop", "owner", "operator"]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_matrix(world, farmer, rival_shop, rival, make_user, mutation, actor):
    tokens = {
        "anonymous": None,
        "buyer": lambda: token_for(make_user(Role.BUYER)),
        "other_shop": lambda: token_for(rival),
        "owner": lambda: token_for(farmer),
        "operator": lambda: token_for(make_user(Role.OPERATOR)),
    }
    token = tokens[actor]() if tokens[actor] else None
    before = _snapshot()
    content = _post(token, mutation, MUTATIONS[mutation][1](world))
    if actor in ("owner", "operator"):
        assert "errors" not in content, content
        payload = content["data"][mutation]
        assert payload["errors"] == [], payload
        assert _snapshot() != before
    else:
        assert content["data"][mutation] is None
        error = content["errors"][0]
        assert error["extensions"]["exception"]["code"] == "PermissionDenied"
        assert "MANAGE_PRODUCTS" in error["message"]
        assert _snapshot() == before
