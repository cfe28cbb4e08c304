"""Every write that changes what a cached anonymous GraphQL read shows is seen by the next read.

The response cache is on (as with Redis in production). Each test caches an answer (the second read
runs no SQL), writes through the service (or the admin) the storefront or sellers use, commits
(``django_capture_on_commit_callbacks``: the test's transaction never commits for real), and reads
again through the endpoint.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from graphql_relay import to_global_id

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product
from marketplace.catalog.services_search import product_search_rebuild_dirty
from marketplace.catalog.services_setup import category_ensure
from marketplace.channels.models import Channel
from marketplace.channels.services import channel_ensure
from marketplace.checkout.services import checkout_create
from marketplace.inventory.services import stock_receive, stock_update
from marketplace.orders.services.lifecycle import order_cancel
from marketplace.shops.services import shop_holiday_set, shop_transition, shop_update
from meidu.accounts.roles import Role
from tests.marketplace.checkout.helpers import placed_orders
from tests.marketplace.factories import listed_product
from tests.support.cached_reads import AnonymousReader

pytestmark = pytest.mark.django_db

PRODUCTS = """{ products(channel: "rural", first: 20) { edges { node {
  name slug pricing { priceRange { start { gross { amount } } } } shop { name description }
  variants { sku } } } } }"""
STOCKS = """{ products(channel: "rural", first: 20) { edges { node { name variants { sku quantityAvailable } } } } }"""
VARIANT = """query($id: ID!) { productVariant(id: $id, channel: "rural") { sku name quantityAvailable } }"""
CATEGORIES = "{ categories(first: 100) { edges { node { slug name } } } }"
CHANNELS = "{ channels { slug name isActive } }"
SEARCH = """{ products(channel: "rural", first: 20, search: "蓝莓") { edges { node { name } } } }"""


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True
    settings.CHECKOUT_RESERVATION_MINUTES = 20


@pytest.fixture
def reader():
    return AnonymousReader()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the version bumps) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _names(data) -> list[str]:
    return [edge["node"]["name"] for edge in data["products"]["edges"]]


def _node(data, name) -> dict:
    return next(edge["node"] for edge in data["products"]["edges"] if edge["node"]["name"] == name)


def _available(data) -> dict:
    return {v["sku"]: v["quantityAvailable"] for e in data["products"]["edges"] for v in e["node"]["variants"]}


def test_a_write_that_bumps_nothing_leaves_the_answer_cached(reader, pears):
    """The control: the cache does serve stored answers (a write past the services is not seen)."""
    reader.cached(PRODUCTS)
    Product.objects.filter(pk=pears["product"].pk).update(name="not through a service")
    data, _etag, statements = reader.read(PRODUCTS)
    assert statements == 0 and "not through a service" not in _names(data)


def test_product_update(reader, pears, committed):
    reader.cached(PRODUCTS)
    with committed():
        catalog.product_update(pears["product"], actor=pears["owner"], name="南果梨（新果）")
    assert "南果梨（新果）" in _names(reader.read(PRODUCTS)[0])


def test_product_create_listing_and_price(reader, pears, rural, committed):
    reader.cached(PRODUCTS)
    with committed():
        listed_product(pears["shop"], pears["owner"], rural, name="寒富苹果", price="8.00")
    data = reader.read(PRODUCTS)[0]
    assert _node(data, "寒富苹果")["pricing"]["priceRange"]["start"]["gross"]["amount"] == 8.0


def test_product_delete(reader, pears, committed):
    reader.cached(PRODUCTS)
    with committed():
        catalog.product_delete(pears["product"], actor=pears["owner"])
    assert "南果梨" not in _names(reader.read(PRODUCTS)[0])


def test_variant_price_change(reader, pears, rural, committed):
    reader.cached(PRODUCTS)
    with committed():
        catalog.variant_channel_listing_update(
            pears["variant"], actor=pears["owner"], prices=[{"channel": rural, "price": Decimal("9.90")}]
        )
    assert _node(reader.read(PRODUCTS)[0], "南果梨")["pricing"]["priceRange"]["start"]["gross"]["amount"] == 9.9


def test_unpublishing_a_listing(reader, pears, rural, committed):
    reader.cached(PRODUCTS)
    with committed():
        catalog.product_channel_listing_update(
            pears["product"], actor=pears["owner"], update_channels=[{"channel": rural, "is_published": False}]
        )
    assert "南果梨" not in _names(reader.read(PRODUCTS)[0])


def test_variant_create_update_delete(reader, pears, committed):
    variables = {"id": to_global_id("ProductVariant", pears["variant"].pk)}
    reader.cached(PRODUCTS)
    reader.cached(VARIANT, variables)
    with committed():
        catalog.variant_update(pears["variant"], actor=pears["owner"], name="10斤装")
    assert reader.read(VARIANT, variables)[0]["productVariant"]["name"] == "10斤装"
    reader.cached(PRODUCTS)
    with committed():
        extra = catalog.variant_create(pears["product"], actor=pears["owner"], sku="PEAR-GIFT", name="礼盒")
    skus = [v["sku"] for v in _node(reader.read(PRODUCTS)[0], "南果梨")["variants"]]
    assert "PEAR-GIFT" in skus
    reader.cached(PRODUCTS)
    with committed():
        catalog.variant_delete(extra, actor=pears["owner"])
    skus = [v["sku"] for v in _node(reader.read(PRODUCTS)[0], "南果梨")["variants"]]
    assert "PEAR-GIFT" not in skus


def test_category_created(reader, pears, committed):
    reader.cached(CATEGORIES)
    with committed():
        category_ensure("blueberries", "蓝莓")
    slugs = [e["node"]["slug"] for e in reader.read(CATEGORIES)[0]["categories"]["edges"]]
    assert "blueberries" in slugs


def test_search_index_rebuilt(reader, pears, rural, committed, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the rebuild runs when the test says, as a worker would
    with committed():
        listed_product(pears["shop"], pears["owner"], rural, name="丹东蓝莓", price="30.00")
    reader.cached(SEARCH)
    with committed():
        product_search_rebuild_dirty()
    assert "丹东蓝莓" in _names(reader.read(SEARCH)[0])


def test_stock_count_and_receipt(reader, pears, committed):
    sku = pears["variant"].sku
    reader.cached(STOCKS)
    with committed():
        stock_update(pears["warehouse"], pears["variant"], actor=pears["owner"], quantity=7)
    assert _available(reader.read(STOCKS)[0])[sku] == 7
    reader.cached(STOCKS)
    with committed():
        stock_receive(pears["warehouse"], pears["variant"], actor=pears["owner"], quantity=3)
    assert _available(reader.read(STOCKS)[0])[sku] == 10


def test_stock_moves_leave_documents_without_stock_counts_cached(reader, pears, committed):
    _data, etag = reader.cached(PRODUCTS)
    with committed():
        stock_update(pears["warehouse"], pears["variant"], actor=pears["owner"], quantity=3)
    _data, again, statements = reader.read(PRODUCTS)
    assert again == etag and statements == 0


def test_a_checkout_reservation_and_an_order_and_its_cancellation(reader, make_user, rural, pears, zones, committed):
    sku = pears["variant"].sku  # 20 in stock
    reader.cached(STOCKS)
    with committed():
        checkout_create(channel=rural, user=make_user(), lines=[(pears["variant"], 4)])
    assert _available(reader.read(STOCKS)[0])[sku] == 16
    reader.cached(STOCKS)
    with committed():  # the raw SQL of checkout completion (inventory.allocation.stocks_allocate_free)
        [order] = placed_orders(make_user(), rural, [(pears["variant"], 5)])
    assert _available(reader.read(STOCKS)[0])[sku] == 11
    reader.cached(STOCKS)
    with committed():
        order_cancel(order, actor=order.user, by_buyer=True)
    assert _available(reader.read(STOCKS)[0])[sku] == 16


def test_checkout_through_the_api_invalidates_stock(reader, buyer_client, pears, committed):
    sku = pears["variant"].sku
    reader.cached(STOCKS)
    create = """mutation($input: CheckoutCreateInput!) { checkoutCreate(input: $input) { errors { code } } }"""
    lines = [{"variantId": to_global_id("ProductVariant", pears["variant"].pk), "quantity": 2}]
    with committed():
        data = buyer_client.execute(create, {"input": {"channel": "rural", "lines": lines}})
    assert data["checkoutCreate"]["errors"] == []
    assert _available(reader.read(STOCKS)[0])[sku] == 18


def test_shop_suspended_edited_and_on_holiday(reader, pears, make_user, committed):
    operator = make_user(Role.OPERATOR)
    reader.cached(PRODUCTS)
    with committed():
        shop_update(pears["shop"], actor=pears["owner"], description="今年新果，脆甜多汁")
    assert _node(reader.read(PRODUCTS)[0], "南果梨")["shop"]["description"] == "今年新果，脆甜多汁"
    reader.cached(PRODUCTS)
    with committed():
        shop_holiday_set(pears["shop"], True, actor=pears["owner"])
    assert "南果梨" not in _names(reader.read(PRODUCTS)[0])
    with committed():
        shop_holiday_set(pears["shop"], False, actor=pears["owner"])
    reader.cached(PRODUCTS)
    with committed():
        shop_transition(pears["shop"], "suspend", actor=operator, note="检疫不合格")
    assert "南果梨" not in _names(reader.read(PRODUCTS)[0])


def test_channel_created_and_edited_in_the_admin(reader, rural, make_user, committed):
    reader.cached(CHANNELS)
    with committed():
        channel_ensure("county-fair", "县城庙会")
    assert "county-fair" in [c["slug"] for c in reader.read(CHANNELS)[0]["channels"]]
    reader.cached(CHANNELS)
    admin = Client()
    admin.force_login(make_user(Role.OPERATOR, email="ops@meidu.cn"))
    admin.user = None
    fair = Channel.objects.get(slug="county-fair")
    form = {
        "name": "县城大集",
        "slug": "county-fair",
        "currency_code": "CNY",
        "default_country": "CN",
        "is_active": "on",
    }
    with committed():
        response = admin.post(f"/admin/channels/channel/{fair.pk}/change/", form)
    assert response.status_code == 302, response.content[:500]
    assert "县城大集" in [c["name"] for c in reader.read(CHANNELS)[0]["channels"]]


def test_product_edited_in_the_admin(reader, pears, make_user, committed):
    reader.cached(PRODUCTS)
    admin = Client()
    admin.force_login(make_user(Role.OPERATOR, email="ops2@meidu.cn"))
    product = pears["product"]
    form = {
        "name": "南果梨（已审核）",
        "description": "",
        "seo_title": "",
        "seo_description": "",
        "category": product.category_id,
        "weight_unit": product.weight_unit,
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-id": pears["variant"].pk,
        "variants-0-product": product.pk,
    }
    with committed():
        response = admin.post(f"/admin/catalog/product/{product.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "南果梨（已审核）" in _names(reader.read(PRODUCTS)[0])
