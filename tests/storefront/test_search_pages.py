"""The buyer's search pages: results with facets, filters from the facets, the no-results page with
related terms, suggestions as JSON for the search box, hostile input; in zh-Hans and English."""

import pytest

from tests.marketplace.factories import catalogue_basics, channels, open_shop
from tests.support.search_catalogue import seed_search_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def labelled(make_user):
    rural = channels()[1]
    owner = make_user()
    shop = open_shop(owner)
    return seed_search_catalogue(shop, owner, rural, catalogue_basics()["produce"])


def test_results_page_shows_facets_and_filters_by_one(client, labelled):
    page = client.get("/shop/search/", {"q": "苞米", "channel": "rural"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "东北黄金玉米棒 新鲜现摘" in html
    assert "农家好物 (" in html and "in_stock" not in html
    cheap = client.get("/shop/search/", {"q": "苞米", "channel": "rural", "price": "1"})
    assert cheap.status_code == 200
    assert cheap.context["page"].paginator.count < page.context["page"].paginator.count


def test_sorting_by_price_keeps_the_matches(client, labelled):
    by_rank = client.get("/shop/search/", {"q": "梨", "channel": "rural"}).context["page"].paginator.count
    by_price = client.get("/shop/search/", {"q": "梨", "channel": "rural", "sort": "price"})
    assert by_price.context["page"].paginator.count == by_rank


def test_no_results_page_offers_related_terms(client, labelled):
    page = client.get("/shop/search/", {"q": "南果梨榴莲", "channel": "rural"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["page"].paginator.count >= 0
    empty = client.get("/shop/search/", {"q": "榴莲", "channel": "rural"}, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.context["page"].paginator.count == 0
    assert "Nothing found" in empty.content.decode()


def test_related_terms_come_from_a_prefix(client, labelled):
    page = client.get("/shop/search/", {"q": "南果梨子酱", "channel": "rural"})
    assert page.status_code == 200


def test_suggestions_answer_pinyin_initials_and_dialect(client, labelled):
    for text, expected in (("ngl", "南果梨"), ("苞米", "玉米"), ("yum", "玉米"), ("南果", "南果梨")):
        data = client.get("/shop/search/suggest/", {"q": text, "channel": "rural"}).json()
        assert 0 < len(data["suggestions"]) <= 10
        assert any(expected in name for name in data["suggestions"]), (text, data)


@pytest.mark.parametrize("text", ["", "!!!", "🍐" * 50, "x" * 10000, "a:* & !b", "title:(x) OR y^2", "玉米\t\u200b"])
def test_hostile_input_never_breaks_the_pages(client, labelled, text):
    assert client.get("/shop/search/", {"q": text, "channel": "rural"}).status_code == 200
    response = client.get("/shop/search/suggest/", {"q": text, "channel": "rural"})
    assert response.status_code == 200 and len(response.json()["suggestions"]) <= 10


def test_a_nul_byte_is_refused_by_the_pages_guard(client, labelled):
    assert client.get("/shop/search/", {"q": "梨\x00"}).status_code == 400
    assert client.get("/shop/search/suggest/", {"q": "梨\x00"}).status_code == 400


def test_every_shop_page_has_the_search_box(client, labelled):
    for url in ("/shop/", "/shop/search/?q=梨"):
        html = client.get(url).content.decode()
        assert "data-suggest-url" in html and "search-suggest.js" in html
        assert "<script>" not in html
