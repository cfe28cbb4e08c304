"""The buyer's search pages: results with facets, filters from the facets, the no-results page with
related terms, suggestions as JSON for the search box, hostile input; in zh-Hans and English."""

import pytest

from storefront.shop.listing import PAGE_SIZE
from tests.marketplace.factories import catalogue_basics, channels, open_shop
from tests.support.search_catalogue import seed_search_catalogue
from tests.support.search_many import seed_many_matches

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


def test_facets_and_a_facet_filter_count_every_match(client, make_user):
    """320 pears: the page counts them all, a category facet keeps the 25 inserted last, and a page
    deep in the results lists products past the first 200."""
    rural = channels()[1]
    many = seed_many_matches(open_shop(make_user()), rural, catalogue_basics()["produce"], count=320, tail=25)
    page = client.get("/shop/search/", {"q": "梨", "channel": "rural"})
    assert page.context["page"].paginator.count == 320
    counts = {row["category__slug"]: row["count"] for row in page.context["facets"]["categories"]}
    assert counts == {"farm-goods": 295, many.tail_category_slug: 25}
    canned = client.get("/shop/search/", {"q": "梨", "channel": "rural", "category": many.tail_category_slug})
    assert canned.context["page"].paginator.count == 25
    assert {p.pk for p in canned.context["page"].object_list} <= set(many.tail_ids)
    last = page.context["page"].paginator.num_pages
    deep = client.get("/shop/search/", {"q": "梨", "channel": "rural", "page": str(last)})
    assert deep.status_code == 200 and deep.context["page"].number == last > 200 // PAGE_SIZE
