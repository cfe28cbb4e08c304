"""A word held by more products than any first slice of matches (320 pears): totalCount, facet counts
and `where`/`sortBy` apply over every match, a filter finds matches inserted after the first 200, and
the cursor pages through all of them — in the same number of SQL queries as a small result."""

import pytest
from django.utils import timezone

from marketplace.catalog import services as catalog
from marketplace.search.models import ProductSearchDocument
from tests.support.search_many import HEAD_PRICE, TAIL_PRICE, seed_many_matches

pytestmark = pytest.mark.django_db

COUNT, TAIL = 320, 25

SEARCH = """
query($search: String, $where: ProductWhereInput, $first: Int, $sortBy: ProductOrder, $after: String) {
  products(channel: "rural", first: $first, search: $search, where: $where, sortBy: $sortBy, after: $after) {
    totalCount
    edges { node { id name } }
    pageInfo { hasNextPage endCursor }
    facets { categories { name count } prices { gte lt count } shopKinds { kind count } inStock }
  }
}
"""


@pytest.fixture
def pears(farmer_shop, rural, basics):
    return seed_many_matches(farmer_shop, rural, basics["produce"], count=COUNT, tail=TAIL)


def _search(api_client, text="梨", **variables):
    return api_client.execute(SEARCH, {"search": text, "first": variables.pop("first", 20), **variables})["products"]


def test_total_count_and_facets_are_exact_over_every_match(api_client, pears):
    result = _search(api_client)
    assert result["totalCount"] == COUNT
    facets = result["facets"]
    assert {row["name"]: row["count"] for row in facets["categories"]} == {"农家好物": COUNT - TAIL, "梨罐头": TAIL}
    prices = {(bucket["gte"], bucket["lt"]): bucket["count"] for bucket in facets["prices"]}
    assert prices[(10, 30)] == COUNT - TAIL
    assert prices[(100, 200)] == TAIL
    assert sum(prices.values()) == COUNT
    assert facets["shopKinds"][0]["count"] == COUNT


def test_a_filter_keeps_matches_beyond_the_first_two_hundred(api_client, pears):
    dear = _search(api_client, where={"price": {"range": {"gte": float(TAIL_PRICE)}}}, first=50)
    assert dear["totalCount"] == TAIL
    assert sorted(edge["node"]["name"] for edge in dear["edges"]) == [
        f"梨 第{n:04d}号" for n in range(COUNT - TAIL, COUNT)
    ]
    assert dear["facets"]["categories"] == [{"name": "梨罐头", "count": TAIL}]
    cheap = _search(api_client, where={"price": {"range": {"lte": float(HEAD_PRICE)}}})
    assert cheap["totalCount"] == COUNT - TAIL


def test_sorting_by_price_sorts_the_whole_match_set(api_client, pears):
    dearest = _search(api_client, sortBy={"field": "PRICE", "direction": "DESC"}, first=TAIL)
    assert {edge["node"]["name"] for edge in dearest["edges"]} == {
        f"梨 第{n:04d}号" for n in range(COUNT - TAIL, COUNT)
    }
    newest = _search(api_client, sortBy={"field": "NAME", "direction": "DESC"}, first=1)
    assert newest["edges"][0]["node"]["name"] == f"梨 第{COUNT - 1:04d}号"


@pytest.mark.parametrize("sort_by", [None, {"field": "PRICE", "direction": "ASC"}])
def test_the_cursor_pages_through_every_match(api_client, pears, sort_by):
    seen, after, pages = [], None, 0
    while True:
        page = _search(api_client, first=100, after=after, sortBy=sort_by)
        seen.extend(edge["node"]["id"] for edge in page["edges"])
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 4 and len(seen) == len(set(seen)) == COUNT


def _walk(api_client, first, pages):
    """Names of ``pages`` pages of ``first`` by rank, and the last page's cursor."""
    names, after = [], None
    for _ in range(pages):
        page = _search(api_client, first=first, after=after)
        names.extend(edge["node"]["name"] for edge in page["edges"])
        after = page["pageInfo"]["endCursor"]
    return names, after


def test_a_page_deep_in_the_results_is_the_same_slice_as_long_pages(api_client, pears):
    everything, _ = _walk(api_client, 100, 4)
    _, after_250 = _walk(api_client, 50, 5)
    deep = _search(api_client, first=50, after=after_250)
    assert [edge["node"]["name"] for edge in deep["edges"]] == everything[250:300]
    assert deep["pageInfo"]["hasNextPage"] and deep["totalCount"] == COUNT


def test_a_search_page_over_many_matches_costs_a_fixed_number_of_queries(
    api_client, pears, django_assert_max_num_queries
):
    page = """query($s: String, $w: ProductWhereInput) { products(channel: "rural", first: 20, search: $s, where: $w) {
      totalCount edges { node { name category { name } pricing { priceRange { start { gross { amount } } } } } }
      facets { categories { name count } prices { count } towns { code count } shopKinds { kind count } inStock }
    } }"""
    for variables in ({"s": "梨"}, {"s": "梨", "w": {"price": {"range": {"gte": float(TAIL_PRICE)}}}}):
        with django_assert_max_num_queries(16):
            api_client.execute(page, variables)


def test_a_product_waiting_for_its_document_is_counted_with_every_match(
    api_client, pears, farmer, farmer_shop, rural, basics
):
    """Found by its name until the rebuild (its document is dirty), beside all 320 indexed matches."""
    product = catalog.product_create(
        farmer_shop,
        actor=farmer,
        product_type=basics["produce"],
        category=None,
        name="梨 刚上架",
        description="",
    )
    catalog.product_channel_listing_update(
        product,
        actor=farmer,
        update_channels=[
            {
                "channel": rural,
                "is_published": True,
                "visible_in_listings": True,
                "available_for_purchase_at": timezone.now(),
            }
        ],
    )
    assert ProductSearchDocument.objects.get(pk=product.pk).dirty
    result = _search(api_client, sortBy={"field": "NAME", "direction": "ASC"}, first=100)
    assert result["totalCount"] == COUNT + 1
    assert _search(api_client, where={"name": {"eq": "梨 刚上架"}})["totalCount"] == 1


def test_a_plain_search_is_paged_by_its_index_in_a_fixed_number_of_queries(
    api_client, pears, django_assert_max_num_queries
):
    """No `where`, rank order: the page and totalCount come from one statement on the documents."""
    page = """query($s: String, $after: String) { products(channel: "rural", first: 20, search: $s, after: $after) {
      totalCount edges { node { name category { name } pricing { priceRange { start { gross { amount } } } } } }
      pageInfo { endCursor }
    } }"""
    after = None
    for _ in range(3):
        with django_assert_max_num_queries(8):
            result = api_client.execute(page, {"s": "梨", "after": after})["products"]
        assert result["totalCount"] == COUNT and len(result["edges"]) == 20
        after = result["pageInfo"]["endCursor"]
