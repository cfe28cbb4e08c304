"""Issue 12: quantityAvailable is what a buyer can put in a cart (other buyers' live reservations
subtracted), the same figure checkoutCreate applies, at a fixed query cost on the products page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.catalog import services as catalog
from marketplace.checkout.models import Reservation
from marketplace.checkout.services import checkout_create
from marketplace.inventory.services import stock_update, warehouse_create
from meidu.core.errors import DomainError
from tests.marketplace.factories import listed_product

pytestmark = pytest.mark.django_db

VARIANT = "query($id: ID!) { productVariant(id: $id, channel: \"rural\") { quantityAvailable } }"
PAGE = """query($first: Int) { products(channel: "rural", first: $first) { edges { node { name
  variants { sku quantityAvailable } } } } }"""
CONNECTION = """{ products(channel: "rural", first: 1) { edges { node {
  productVariants(first: 5) { edges { node { sku quantityAvailable } } } } } } }"""


@pytest.fixture(autouse=True)
def _reservations_on(settings):
    settings.CHECKOUT_RESERVATION_MINUTES = 20


def _available(client, variant) -> int:
    return client.execute(VARIANT, {"id": to_global_id("ProductVariant", variant.pk)})["productVariant"][
        "quantityAvailable"
    ]


def _page(client, first=100) -> dict:
    data = client.execute(PAGE, {"first": first})["products"]["edges"]
    return {variant["sku"]: variant["quantityAvailable"] for edge in data for variant in edge["node"]["variants"]}


def _connection(client) -> dict:
    [edge] = client.execute(CONNECTION)["products"]["edges"]
    return {node["node"]["sku"]: node["node"]["quantityAvailable"] for node in edge["node"]["productVariants"]["edges"]}


def test_other_buyers_reservations_are_not_available(api_client, make_user, rural, pears):
    variant = pears["variant"]  # 20 in stock
    checkout_create(channel=rural, user=make_user(), lines=[(variant, 19)])
    assert _available(api_client, variant) == 1
    assert _page(api_client) == {variant.sku: 1} and _connection(api_client) == {variant.sku: 1}
    # and it is what the next buyer can put in a cart: one more is refused with the same figure
    with pytest.raises(DomainError) as err:
        checkout_create(channel=rural, user=make_user(), lines=[(variant, 2)])
    assert err.value.code == "insufficient_stock" and "1" in err.value.message
    checkout_create(channel=rural, user=make_user(), lines=[(variant, 1)])
    assert _available(api_client, variant) == 0


def test_lapsed_reservations_and_allocations(api_client, make_user, rural, pears):
    variant = pears["variant"]
    held = checkout_create(channel=rural, user=make_user(), lines=[(variant, 5)])
    assert _available(api_client, variant) == 15
    Reservation.objects.filter(checkout_line__checkout=held).update(
        reserved_until=timezone.now() - timedelta(seconds=1)
    )
    assert _available(api_client, variant) == 20  # a lapsed hold no longer counts, as at checkout


def test_stocks_of_several_warehouses_count_each_on_its_own(api_client, make_user, rural, pears):
    """A warehouse whose units are all held cannot lend its reserved count to another."""
    variant, owner = pears["variant"], pears["owner"]
    stock_update(pears["warehouse"], variant, actor=owner, quantity=2)
    second = warehouse_create(pears["shop"], actor=owner, name="二号仓", kind="home")
    stock_update(second, variant, actor=owner, quantity=3)
    checkout_create(channel=rural, user=make_user(), lines=[(variant, 3)])  # the fuller warehouse first
    assert _available(api_client, variant) == 2


def test_capped_at_what_one_line_may_hold_and_untracked_variants(api_client, settings, rural, pears):
    settings.CHECKOUT_MAX_LINE_QUANTITY = 7
    variant = pears["variant"]
    assert _available(api_client, variant) == 7
    catalog.variant_update(variant, actor=pears["owner"], track_inventory=False)
    assert _available(api_client, variant) == 7


def test_the_page_costs_the_same_queries_with_1_or_12_products(
    api_client, make_user, rural, pears, farmer, farmer_shop, django_assert_max_num_queries
):
    """Reservations of every variant on the page come with its stocks (no query per variant)."""
    with CaptureQueriesContext(connection) as small:
        assert len(_page(api_client)) == 1
    for n in range(11):
        product = listed_product(farmer_shop, farmer, rural, name=f"梨{n}", quantity=10)
        checkout_create(channel=rural, user=make_user(), lines=[(product.variants.get(), 4)])
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = _page(api_client)
    assert len(page) == 12 and sorted(set(page.values())) == [6, 20]
