"""A buyer's first products page (issue 20's uncached listing: compiled page query, instances written
without ``Model.__init__``, shop and category rows fetched by a compiled query, the connection's
queryset built only when read) answers byte for byte what the page built as a queryset answers, in
Chinese and in English, and reads no more statements."""

import json

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext

from marketplace.catalog.api.types import CATEGORY_FIELD_COLUMNS, SHOP_FIELD_COLUMNS
from marketplace.catalog.models import Category, Product
from marketplace.shops.models import Shop
from meidu.core.graphql.batching import Narrowed
from tests.marketplace.factories import listed_product

# The storefront's product list (benchmarks/products_http.py); ``%s``: the arguments after ``first``.
LISTING = """
query ProductList($channel: String!, $first: Int!) {
  products(channel: $channel, first: $first%s) {
    edges { node {
      id name slug
      thumbnail(size: 256) { url alt }
      pricing { onSale priceRange { start { gross { amount currency } } stop { gross { amount currency } } } }
      category { id name slug }
      shop { id name slug }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
BUILT = ", where: {AND: []}"  # keeps every product, and makes the resolver build the page as a queryset


def _post(client, query: str, language: str) -> tuple[bytes, int]:
    body = json.dumps({"query": query, "variables": {"channel": "rural", "first": 10}})
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/graphql/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content
    # The channel's row is read once per process and channel write (test_products_listing_reads): not counted.
    return response.content, sum('FROM "channels_channel"' not in query["sql"] for query in captured.captured_queries)


@pytest.fixture
def page(farmer, farmer_shop, rival, rival_shop, rural):
    for index, price in enumerate(["12.50", "8.00", "8.00", "30.00"]):
        listed_product(farmer_shop, farmer, rural, name=f"南果梨{index}", price=price)
    listed_product(rival_shop, rival, rural, name="苹果梨", price="6.60")
    loose = listed_product(rival_shop, rival, rural, name="散装梨", price=None)  # no price: no pricing
    Product.objects.filter(pk=loose.pk).update(category=None)  # no category: null in the answer
    listed_product(farmer_shop, farmer, rural, name="未上架", published=False)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_first_page_answers_as_the_built_page_byte_for_byte(client, page, language):
    compiled, statements = _post(client, LISTING % "", language)
    built, _built_statements = _post(client, LISTING % BUILT, language)
    assert compiled == built
    data = json.loads(compiled)["data"]["products"]
    names = [edge["node"]["name"] for edge in data["edges"]]
    assert len(names) == 6 and "未上架" not in names
    assert {edge["node"]["shop"]["slug"] for edge in data["edges"]} == set(Shop.objects.values_list("slug", flat=True))
    assert next(edge["node"] for edge in data["edges"] if edge["node"]["name"] == "散装梨")["category"] is None
    assert statements <= 3  # the page, its categories, its shops


@pytest.mark.django_db
def test_total_count_builds_the_queryset_when_asked(client, page):
    query = LISTING.replace("pageInfo {", "totalCount pageInfo {") % ""
    content, statements = _post(client, query, "zh-hans")
    assert json.loads(content)["data"]["products"]["totalCount"] == 6
    assert statements <= 4  # and the count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("relation", "model", "columns", "wanted"),
    [
        ("shop", Shop, SHOP_FIELD_COLUMNS, {"id", "name", "slug"}),
        ("category", Category, CATEGORY_FIELD_COLUMNS, {"name", "slug"}),
    ],
)
def test_a_narrowed_fetch_fills_what_djangos_prefetch_fills(
    page, relation, model, columns, wanted, django_assert_num_queries
):
    narrowed = Narrowed(relation, model, columns)
    ours, django = list(Product.objects.order_by("pk")), list(Product.objects.order_by("pk"))
    with django_assert_num_queries(1):
        assert narrowed.fetch(ours, wanted)
    prefetch_related_objects(django, narrowed.lookup(wanted))
    for mine, theirs in zip(ours, django, strict=True):
        held, expected = mine._state.fields_cache[relation], theirs._state.fields_cache[relation]
        if expected is None:
            assert held is None
            continue
        assert type(held) is type(expected) and held.pk == expected.pk
        assert {k: v for k, v in held.__dict__.items() if k != "_state"} == {
            k: v for k, v in expected.__dict__.items() if k != "_state"
        }
        assert (held._state.db, held._state.adding) == (expected._state.db, expected._state.adding)
    assert any(product._state.fields_cache[relation] is None for product in ours) == (relation == "category")
    # Asked again (the relation held already) or for a column it does not narrow: Django's prefetch instead.
    assert not narrowed.fetch(ours, wanted)
    assert not narrowed.fetch(list(Product.objects.all()), {"name", "notAField"})
