"""What a products page reads (issue 20's uncached listing): the shop and category rows only with the
columns the page shows, and the channel row kept by each process until a channel write."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from marketplace.channels.models import Channel
from meidu.core.cache_versions import CHANNELS, bump
from tests.marketplace.factories import listed_product

LISTING = """
query($channel: String) {
  products(channel: $channel, first: 10) {
    edges { node { id name pricing { priceRange { start { gross { amount currency } } } } %s } }
  }
}
"""
NARROW = "category { id name slug } shop { id name slug }"
WIDE = "category { id name slug parent { name } } shop { id name slug village { name } }"


def _statements(api_client, selection):
    with CaptureQueriesContext(connection) as captured:
        data = api_client.execute(LISTING % selection, {"channel": "rural"})
    return data, [query["sql"] for query in captured.captured_queries]


def _select_of(statements, table):
    return next(sql.split(" FROM ")[0] for sql in statements if f'FROM "{table}"' in sql)


@pytest.mark.django_db
def test_a_page_loads_only_the_shop_and_category_columns_it_shows(api_client, farmer, farmer_shop, rural):
    listed_product(farmer_shop, farmer, rural, name="南果梨", price="12.50")
    listed_product(farmer_shop, farmer, rural, name="苹果梨", price="8.00")
    narrow, narrow_sql = _statements(api_client, NARROW)
    wide, wide_sql = _statements(api_client, WIDE)

    assert '"shops_shop"."payout_account_number"' not in _select_of(narrow_sql, "shops_shop")
    assert '"catalog_category"."description"' not in _select_of(narrow_sql, "catalog_category")
    # A field outside the map (a shop's village, a category's parent) loads the whole row, at no extra query.
    assert '"shops_shop"."village_id"' in _select_of(wide_sql, "shops_shop")
    assert '"catalog_category"."parent_id"' in _select_of(wide_sql, "catalog_category")
    assert len(wide_sql) <= len(narrow_sql) + 2  # the village and the parent, one query each
    nodes, wide_nodes = narrow["products"]["edges"], wide["products"]["edges"]
    assert [n["node"]["shop"]["slug"] for n in nodes] == [n["node"]["shop"]["slug"] for n in wide_nodes]
    assert [n["node"]["category"]["name"] for n in nodes] == [n["node"]["category"]["name"] for n in wide_nodes]
    assert {edge["node"]["shop"]["name"] for edge in narrow["products"]["edges"]} == {farmer_shop.name}


@pytest.mark.django_db(transaction=True)
def test_the_channel_row_is_kept_until_a_channel_write(api_client, farmer, farmer_shop, rural, settings):
    settings.REDIS_URL = "redis://versions-are-shared"  # the cache of the tests (one process) shares them
    listed_product(farmer_shop, farmer, rural, name="南果梨", price="12.50")

    def currency():
        with CaptureQueriesContext(connection) as captured:
            data = api_client.execute(LISTING % "", {"channel": "rural"})
        gross = data["products"]["edges"][0]["node"]["pricing"]["priceRange"]["start"]["gross"]
        reads = sum('FROM "channels_channel"' in query["sql"] for query in captured.captured_queries)
        return gross["currency"], reads

    assert currency() == ("CNY", 1)
    assert currency() == ("CNY", 0)  # kept by this process
    with transaction.atomic():
        Channel.objects.filter(pk=rural.pk).update(currency_code="USD")
        bump(CHANNELS)
    assert currency() == ("USD", 1)
    assert currency() == ("USD", 0)


PAGE = """
query($channel: String, $first: Int, $sortBy: ProductOrder) {
  root: products(channel: $channel, first: $first, sortBy: $sortBy) { ...Page }
  built: products(channel: $channel, first: $first, sortBy: $sortBy, where: {AND: []}) { ...Page }
}
fragment Page on ProductCountableConnection {
  edges { node { id name slug isAvailable pricing { priceRange { start { gross { amount currency } } } }
    category { name } shop { slug } } }
  pageInfo { hasNextPage endCursor }
}
"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sort_by",
    [None, {"field": "NAME", "direction": "DESC"}, {"field": "PRICE", "direction": "ASC"}, {"field": "CREATED_AT"}],
)
def test_the_compiled_first_page_answers_as_the_queryset(api_client, farmer, farmer_shop, rural, sort_by):
    """A buyer's plain first page runs compiled SQL (catalog.api.queries.listing_page_rows); with a
    ``where`` (one that keeps every product) the page query is built as a queryset: both show the same
    products, the hidden ones left out alike, for two different page sizes."""
    for index, price in enumerate(["12.50", "8.00", "8.00", "30.00", "5.20"]):
        listed_product(farmer_shop, farmer, rural, name=f"梨{index}", price=price)
    listed_product(farmer_shop, farmer, rural, name="未上架", published=False)
    listed_product(farmer_shop, farmer, rural, name="不在列表", visible=False)
    for first in (3, 10):
        data = api_client.execute(PAGE, {"channel": "rural", "first": first, "sortBy": sort_by})
        assert data["root"] == data["built"]
        names = [edge["node"]["name"] for edge in data["root"]["edges"]]
        assert len(names) == min(first, 5) and not {"未上架", "不在列表"} & set(names)
