"""Bulk benchmark products: fast rows over the demo shops, visible in the storefront query, topped up not doubled."""

from __future__ import annotations

import pytest

from marketplace.bulk_seed import bulk_seed_count, bulk_seed_products
from marketplace.catalog.models import Product, ProductMedia, ProductVariant
from marketplace.demo_data import marketplace_demo
from marketplace.inventory.models import Stock, StockMovement
from meidu.cli import build_parser
from meidu.demo_data import seed_demo_users, seed_geography
from tests.support.graphql import GraphQLClient

pytestmark = pytest.mark.django_db

QUERY = """
query($channel: String!, $first: Int!, $sortBy: ProductOrder) {
  products(channel: $channel, first: $first, sortBy: $sortBy) {
    totalCount
    edges { node { name slug
      pricing { priceRange { start { gross { amount currency } } } }
      thumbnail(size: 256) { url } category { name } shop { name } } }
  }
}
"""


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path


@pytest.fixture
def demo(db):
    seed_geography()
    seed_demo_users()
    marketplace_demo(products_per_shop=1)  # 26 shops, 1 store product in "retail", 25 in "rural"


def test_bulk_products_are_visible_in_the_products_query(demo, django_assert_max_num_queries):
    assert bulk_seed_products(200, progress=False, batch_size=64) == 200
    assert bulk_seed_count() == 200
    bulk = Product.objects.filter(slug__startswith="bulk-")
    assert bulk.count() == 200 and Stock.objects.filter(variant__product__in=bulk).count() == 200
    assert StockMovement.objects.filter(stock__variant__product__in=bulk).count() == 200
    assert (
        not bulk.filter(media__isnull=True).exists()
        and not bulk.filter(variants__channel_listings__isnull=True).exists()
    )
    # A handful of shared photos (the demo's, or a few rendered once per category): none processed per product.
    assert ProductMedia.objects.filter(product__in=bulk).values("content_hash").distinct().count() <= 6 * 8
    assert bulk.values("shop").distinct().count() == 26

    client = GraphQLClient()
    rural = client.execute(QUERY, {"channel": "rural", "first": 100})["products"]
    retail = client.execute(QUERY, {"channel": "retail", "first": 100})["products"]
    assert rural["totalCount"] == 25 + 160 and retail["totalCount"] == 1 + 40  # every fifth bulk product is the store's
    cheapest = client.execute(
        QUERY, {"channel": "rural", "first": 100, "sortBy": {"field": "PRICE", "direction": "ASC"}}
    )["products"]
    amounts = [edge["node"]["pricing"]["priceRange"]["start"]["gross"]["amount"] for edge in cheapest["edges"]]
    assert amounts == sorted(amounts)
    bulk_nodes = [edge["node"] for edge in rural["edges"] if edge["node"]["slug"].startswith("bulk-")]
    assert bulk_nodes and all(
        node["thumbnail"]["url"].endswith(".webp") and node["category"] and node["shop"] for node in bulk_nodes
    )
    with django_assert_max_num_queries(8):
        client.execute(QUERY.replace("totalCount", ""), {"channel": "rural", "first": 100})


def test_a_second_run_adds_nothing_and_a_larger_one_continues_the_numbering(demo):
    bulk_seed_products(30, progress=False)
    assert bulk_seed_products(30, progress=False) == 0
    assert bulk_seed_products(45, progress=False, batch_size=10) == 15
    skus = sorted(ProductVariant.objects.filter(sku__startswith="BULK-").values_list("sku", flat=True))
    assert skus == [f"BULK-{n:06d}" for n in range(1, 46)]


def test_bulk_seed_needs_the_demo_shops(db):
    with pytest.raises(RuntimeError, match="demo data"):
        bulk_seed_products(10, progress=False)


def test_meidu_seed_takes_a_product_count():
    assert build_parser().parse_args(["seed", "--products", "100000"]).products == 100_000
    assert build_parser().parse_args(["seed"]).products == 0
