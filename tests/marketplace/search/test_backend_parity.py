"""One parity suite for both backends on the same fixtures: PostgreSQL always; Elasticsearch whenever
ELASTICSEARCH_URL is set (README: "Search" tells how to run it against the compose stack). The same
labelled queries must meet the same quality floor on each, and their first pages must largely agree."""

import os

import pytest

from marketplace.catalog.models import Product
from marketplace.catalog.selectors import product_suggestions_for, products_search, products_visible
from marketplace.catalog.services_search import product_search_reindex
from marketplace.search.selectors import products_matching, products_page
from meidu.core.search.analysis import parse_query
from meidu.core.search.backend import backend_by_name
from tests.support.search_catalogue import seed_search_catalogue
from tests.support.search_labelled import QUERIES, precision_at, recall_at, relevant_keys

BACKENDS = ["postgres"] + (["elasticsearch"] if os.environ.get("ELASTICSEARCH_URL") else [])


@pytest.fixture
def labelled(farmer, farmer_shop, rural, basics, settings):
    settings.SEARCH_INDEX_PREFIX = "meidu-test"
    ids = seed_search_catalogue(farmer_shop, farmer, rural, basics["produce"])
    for name in BACKENDS:
        product_search_reindex(name)
        if name == "elasticsearch":
            from marketplace.search.spec import PRODUCTS

            backend_by_name(name).refresh(PRODUCTS)
    return ids


def _ranked(backend_name, channel, text, key_of):
    visible = products_visible(channel, sees_all=False, user=None, for_listing=True)
    matched, _relaxed = products_matching(visible, parse_query(text), backend=backend_by_name(backend_name))
    return [key_of[pk] for pk in matched.order_by("-search_rank", "pk").values_list("pk", flat=True)[:10]]


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_each_backend_meets_the_quality_floor(labelled, rural, backend_name):
    key_of = {pk: key for key, pk in labelled.items()}
    recalls, precisions = [], []
    for text, tags, _kind in QUERIES:
        ranked = _ranked(backend_name, rural, text, key_of)
        recalls.append(recall_at(ranked, relevant_keys(tags)))
        precisions.append(precision_at(ranked, relevant_keys(tags)))
    assert sum(recalls) / len(recalls) >= 0.95, backend_name
    assert sum(precisions) / len(precisions) >= 0.9, backend_name


@pytest.mark.skipif(len(BACKENDS) < 2, reason="ELASTICSEARCH_URL is not set: parity needs both backends")
def test_backends_agree_on_first_pages_and_suggestions(labelled, rural, settings):
    key_of = {pk: key for key, pk in labelled.items()}
    overlaps = []
    for text, _tags, _kind in QUERIES:
        pg = set(_ranked("postgres", rural, text, key_of))
        es = set(_ranked("elasticsearch", rural, text, key_of))
        overlaps.append(len(pg & es) / max(len(pg | es), 1))
    assert sum(overlaps) / len(overlaps) >= 0.8
    for text in ("ngl", "苞米", "yum"):
        settings.SEARCH_BACKEND = "postgres"
        pg = product_suggestions_for(rural, text)
        settings.SEARCH_BACKEND = "elasticsearch"
        es = product_suggestions_for(rural, text)
        assert set(pg) & set(es), text


def test_where_combined_with_search_is_the_same_queryset_on_either_backend(labelled, rural):
    cheap = products_visible(rural, sees_all=False, user=None, for_listing=True).filter(
        channel_listing__min_price_amount__lte=20
    )
    matched, _relaxed, _query = products_search(cheap, "梨")
    assert matched.count() <= Product.objects.filter(name__contains="梨").count()


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_a_page_from_the_index_alone_is_the_joined_queryset_s_page(labelled, rural, backend_name):
    """backend.page (visibility, count and order from the index) against narrow on the queryset that
    joins listings and shops: the same total and the same first page, query by query."""
    backend = backend_by_name(backend_name)
    visible = products_visible(rural, sees_all=False, user=None, for_listing=True)
    for text, _tags, _kind in QUERIES:
        query = parse_query(text)
        matched, _relaxed = products_matching(visible, query, backend=backend)
        expected = list(matched.order_by("-search_rank", "pk").values_list("pk", "search_rank")[:10])
        page, _relaxed = products_page(query, channel_id=rural.pk, size=10, backend=backend)
        assert page.total == matched.count(), text
        assert page.hits == expected, text
