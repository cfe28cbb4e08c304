"""Marketplace demo data: built through the services, complete, and idempotent (a second run writes nothing)."""

from __future__ import annotations

import pytest
from django.apps import apps

from marketplace.catalog.models import Product, ProductMedia, ProductVariantChannelListing, SoldBy
from marketplace.demo_data import (
    COOP_PRODUCTS,
    COOPERATIVES,
    FARMER_PRODUCTS,
    FARMERS,
    PRODUCE,
    SELLER_PHONE,
    STORE_NAME,
    STORE_PRODUCTS,
    _credit_code,
    _id_number,
    marketplace_demo,
)
from marketplace.inventory.models import Stock, Warehouse
from marketplace.shops.identity import is_valid_credit_code, is_valid_id_number
from marketplace.shops.models import Shop, ShopKind, ShopMember, ShopStatus, ShopTrack
from meidu.demo_data import DEMO_STEPS, seed_demo_users, seed_geography
from tests.support.graphql import GraphQLClient

pytestmark = pytest.mark.django_db

PER_SHOP = 2  # the tests build 2 products per shop (52); the demo steps build the full ~300
COUNTED = [
    "accounts.User",
    "shops.Shop",
    "shops.ShopMember",
    "shops.ShopEvent",
    "shops.ShopNotice",
    "catalog.Category",
    "catalog.Attribute",
    "catalog.AttributeChoice",
    "catalog.ProductType",
    "catalog.Product",
    "catalog.ProductVariant",
    "catalog.ProductAttributeValue",
    "catalog.ProductChannelListing",
    "catalog.ProductVariantChannelListing",
    "catalog.ProductMedia",
    "inventory.Warehouse",
    "inventory.Stock",
    "inventory.StockMovement",
    "channels.Channel",
    "audit.AuditEvent",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Generated photos go to a throwaway folder, whatever storage the environment configures."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def test_the_full_demo_plans_about_300_products_with_distinct_slugs_and_skus():
    assert len(STORE_PRODUCTS) + len(FARMERS) * FARMER_PRODUCTS + len(COOPERATIVES) * COOP_PRODUCTS == 300
    assert len(FARMERS) == 20 and len(COOPERATIVES) == 5
    assert all(len(spec.items) == COOP_PRODUCTS for spec in COOPERATIVES)
    assert len({item.code for item in STORE_PRODUCTS}) == len(STORE_PRODUCTS)
    assert len(PRODUCE) >= FARMER_PRODUCTS and all(code in PRODUCE for spec in FARMERS for code in spec.theme)
    assert [step for step in DEMO_STEPS if "farmer" in step[0]], "the marketplace steps are part of `meidu seed`"


def test_synthetic_identities_pass_the_shop_checks():
    assert all(is_valid_id_number(_id_number(serial)) for serial in [*range(1, 21), 801, 805, 900])
    assert len({_id_number(serial) for serial in range(1, 21)}) == 20
    assert is_valid_credit_code(_credit_code("91", 1)) and is_valid_credit_code(_credit_code("93", 103))


def test_demo_builds_every_shop_through_the_services_and_a_second_run_writes_nothing():
    seed_geography()
    seed_demo_users()
    marketplace_demo(products_per_shop=PER_SHOP)
    first = _counts()
    assert marketplace_demo(products_per_shop=PER_SHOP) == 0
    assert _counts() == first  # not even an audit row

    assert Shop.objects.filter(kind=ShopKind.MICROSHOP, track=ShopTrack.FARMER_LIGHT).count() == 20
    assert Shop.objects.filter(kind=ShopKind.COOPERATIVE, track=ShopTrack.BUSINESS).count() == 5
    store = Shop.objects.get(kind=ShopKind.STORE)
    assert (
        store.name == STORE_NAME
        and store.track == ShopTrack.BUSINESS
        and is_valid_credit_code(store.business_licence_number)
    )
    assert Warehouse.objects.filter(shop=store, kind="store", is_pickup_point=True).count() == 3
    assert not Shop.objects.exclude(status=ShopStatus.ACTIVE).exists()

    farmers = Shop.objects.filter(kind=ShopKind.MICROSHOP).select_related("village__town")
    assert len({shop.village_id for shop in farmers}) == 20
    towns = [shop.village.town.code for shop in farmers]
    assert sorted(towns.count(code) for code in set(towns)) == [4, 4, 4, 4, 4]
    owners = ShopMember.objects.filter(shop__kind=ShopKind.MICROSHOP, role="owner").select_related("user")
    phones = {member.user.phone for member in owners}
    assert SELLER_PHONE in phones  # the demo seller's login shows a shop
    assert all(phone == SELLER_PHONE or phone.startswith("+861390000") for phone in phones) and len(phones) == 20

    products = Product.objects.select_related("shop", "product_type", "category")
    assert products.count() == PER_SHOP * 26 == first["catalog.Product"]
    assert (
        first["catalog.ProductVariant"]
        == first["catalog.ProductMedia"]
        == first["catalog.ProductVariantChannelListing"]
        == 52
    )
    assert not products.filter(media__isnull=True).exists()
    assert not products.filter(variants__channel_listings__isnull=True).exists()
    for product in products.filter(shop__kind=ShopKind.MICROSHOP):
        assert product.product_type.sold_by == SoldBy.WEIGHT and product.origin_village_id == product.shop.village_id
        assert product.category is not None
    assert not products.exclude(shop__kind=ShopKind.STORE).filter(origin_village__isnull=True).exists()
    store_stock = Stock.objects.filter(variant__product__shop=store)
    assert store_stock.count() == 3 * PER_SHOP and len({stock.warehouse_id for stock in store_stock}) == 3
    retail = set(
        ProductVariantChannelListing.objects.filter(channel__slug="retail").values_list(
            "variant__product__shop__kind", flat=True
        )
    )
    assert retail == {ShopKind.STORE}


def test_missing_pieces_are_rebuilt_and_the_storefront_lists_the_demo(media_root):
    seed_geography()
    seed_demo_users()
    marketplace_demo(products_per_shop=1)
    product = Product.objects.filter(shop__kind=ShopKind.MICROSHOP).first()
    ProductMedia.objects.filter(product=product).delete()
    Stock.objects.filter(variant__product=product).delete()
    assert marketplace_demo(products_per_shop=1) == 1
    assert product.media.count() == 1 and Stock.objects.filter(variant__product=product).count() == 1
    assert any(media_root.rglob("*.webp"))

    query = """{ products(channel: "rural", first: 100) { totalCount edges { node { name
        pricing { priceRange { start { gross { amount currency } } } } thumbnail(size: 256) { url }
        shop { name } } } } }"""
    data = GraphQLClient().execute(query)["products"]
    assert data["totalCount"] == 25  # 20 farmers and 5 cooperatives, one product each
    node = data["edges"][0]["node"]
    assert node["pricing"]["priceRange"]["start"]["gross"]["currency"] == "CNY" and node["thumbnail"]["url"].endswith(
        ".webp"
    )
