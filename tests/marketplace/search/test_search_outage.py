"""An Elasticsearch outage fails the search with a clear code, or falls back to PostgreSQL when
configured; it never breaks a page that is not the search."""

import pytest

from marketplace.catalog.services_search import product_search_rebuild_dirty
from tests.marketplace.factories import listed_product

SEARCH = 'query($s: String) { products(channel: "rural", first: 5, search: $s) { edges { node { name } } } }'


@pytest.fixture
def es_down(settings, farmer, farmer_shop, rural, basics):
    listed_product(farmer_shop, farmer, rural, name="南果梨 鞍山")
    product_search_rebuild_dirty()
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.SEARCH_ELASTICSEARCH_TIMEOUT = 0.5
    settings.SEARCH_FALLBACK_TO_POSTGRES = False
    return settings


def test_the_api_answers_a_code(api_client, es_down):
    content = api_client.post(SEARCH, {"s": "梨"}).json()
    assert content["errors"][0]["extensions"]["exception"]["code"] == "SEARCH_UNAVAILABLE"
    suggestions = api_client.post('{ productSuggestions(channel: "rural", text: "ngl") }').json()
    assert suggestions["errors"][0]["extensions"]["exception"]["code"] == "SEARCH_UNAVAILABLE"


def test_a_configured_fallback_answers_from_postgres(api_client, es_down):
    es_down.SEARCH_FALLBACK_TO_POSTGRES = True
    result = api_client.execute(SEARCH, {"s": "ngl"})
    assert [e["node"]["name"] for e in result["products"]["edges"]] == ["南果梨 鞍山"]


def test_pages_say_so_and_other_pages_still_work(client, es_down):
    assert client.get("/shop/search/", {"q": "梨"}).status_code == 503
    assert client.get("/shop/search/suggest/", {"q": "梨"}).json() == {"suggestions": []}
    listing = client.get("/shop/", {"q": "梨"})
    assert listing.status_code == 200
    assert client.get("/shop/").status_code == 200
