"""The Elasticsearch backend's index template, document shape and query bodies, compared as dicts
(no server needed: tests/marketplace/search/test_backend_parity.py runs them against one)."""

import pytest

from marketplace.search.spec import PRODUCTS
from meidu.core.search.analysis import SearchDocument, analyze_document, parse_query
from meidu.core.search.backend import FallbackBackend, configured_backend_name, search_backend
from meidu.core.search.elastic import (
    ID_BATCH,
    ElasticsearchBackend,
    document_body,
    index_template,
    mappings,
    page_body,
    query_body,
    rank_of_score,
    score_of_rank,
    suggest_body,
    visible_in,
)
from meidu.core.search.spec import FILL, SearchUnavailable

TERM_BOOSTS = {"name_terms": 4.0, "secondary_terms": 2.0, "body_terms": 1.0}


def _terms(lexeme, kind="term"):
    return [{kind: {field: {"value": lexeme, "boost": boost}}} for field, boost in TERM_BOOSTS.items()]


def test_the_template_maps_keywords_only_no_analyzer(settings):
    settings.SEARCH_INDEX_PREFIX = "meidu"
    template = index_template("products")
    assert template["index_patterns"] == ["meidu-products-*"]
    properties = template["template"]["mappings"]["properties"]
    assert {name: spec["type"] for name, spec in properties.items()} == {
        "name_terms": "keyword",
        "secondary_terms": "keyword",
        "body_terms": "keyword",
        "suggest_keys": "keyword",
        "label": "keyword",
        "filters": "object",
        "pk": "long",
        "channels": "integer",
        "schedule": "nested",
    }
    assert "analysis" not in template["template"]["settings"]
    assert "analyzer" not in str(mappings())


def test_a_document_is_its_lexemes_as_keyword_arrays():
    doc = analyze_document(
        SearchDocument(
            id=3,
            name="南果梨",
            secondary=["鞍山"],
            body="香甜",
            label="南果梨",
            filters={"shop_id": 9},
            channels=[2],
            scheduled=[(1, "2026-12-24T08:00:00+00:00")],
        )
    )
    body = document_body(doc)
    assert body == {
        "name_terms": doc.lexemes["A"],
        "secondary_terms": doc.lexemes["B"],
        "body_terms": doc.lexemes["C"],
        "suggest_keys": doc.suggest_keys,
        "label": "南果梨",
        "filters": {"shop_id": 9},
        "pk": 3,
        "channels": [2],
        "schedule": [{"channel": 1, "at": "2026-12-24T08:00:00+00:00"}],
    }
    assert "nanguoli" in body["name_terms"] and "ngl" in body["suggest_keys"]


def test_a_strict_query_needs_every_term():
    body = query_body(parse_query("梨 nangu"))
    assert body == {
        "query": {
            "bool": {
                "must": [
                    {
                        "bool": {
                            "must": [
                                {"bool": {"should": _terms("梨"), "minimum_should_match": 1}},
                                {
                                    "bool": {
                                        "should": _terms("nangu") + _terms("nangu", "prefix"),
                                        "minimum_should_match": 1,
                                    }
                                },
                            ]
                        }
                    }
                ]
            }
        },
        "size": ID_BATCH,
        "_source": False,
        "track_total_hits": False,
        "track_scores": True,
        "sort": [{"_score": "desc"}, {"pk": "asc"}],
    }


def test_a_word_of_several_characters_also_matches_all_its_characters():
    (clause,) = query_body(parse_query("南国"))["query"]["bool"]["must"][0]["bool"]["must"]
    should = clause["bool"]["should"]
    assert should[-1] == {"bool": {"must": [{"bool": {"should": _terms("南")}}, {"bool": {"should": _terms("国")}}]}}


def test_a_fill_query_filters_on_any_word_and_boosts_strict_matches():
    query = parse_query("五常 大米")
    body = query_body(query, level=FILL)["query"]["bool"]
    assert body["filter"][0]["bool"]["minimum_should_match"] == 1
    strict, boost_strict, boost_head = body["should"][0], body["should"][1], body["should"][2]
    assert strict["bool"]["minimum_should_match"] == 1
    assert boost_strict["constant_score"]["boost"] == 1000
    assert boost_head["constant_score"]["boost"] == 100


def test_suggestions_are_prefix_queries_on_the_keys():
    body = suggest_body("苞米")
    prefixes = [clause["prefix"]["suggest_keys"]["value"] for clause in body["query"]["bool"]["should"]]
    assert prefixes[0] == "苞米" and "玉米" in prefixes
    assert body["size"] == 30 and body["_source"] == ["label"]


def test_backend_choice_and_an_outage(settings):
    settings.SEARCH_BACKEND = ""
    settings.ELASTICSEARCH_URL = ""
    assert configured_backend_name() == "postgres"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    assert configured_backend_name() == "elasticsearch"
    settings.SEARCH_FALLBACK_TO_POSTGRES = True
    assert isinstance(search_backend(), FallbackBackend)
    unreachable = ElasticsearchBackend("http://127.0.0.1:9", timeout=0.5)
    try:
        unreachable.hits(PRODUCTS, parse_query("梨"))
    except SearchUnavailable as exc:
        assert "Elasticsearch" in str(exc)
    else:
        raise AssertionError("an unreachable Elasticsearch must raise SearchUnavailable")


VISIBLE_IN_RURAL = {
    "bool": {
        "should": [
            {"term": {"channels": 2}},
            {
                "nested": {
                    "path": "schedule",
                    "query": {
                        "bool": {
                            "filter": [
                                {"term": {"schedule.channel": 2}},
                                {"range": {"schedule.at": {"lte": "now"}}},
                            ]
                        }
                    },
                }
            },
        ],
        "minimum_should_match": 1,
    }
}


def test_visibility_is_the_channels_or_a_scheduled_publication_that_has_come():
    assert visible_in(2) == VISIBLE_IN_RURAL


def test_a_page_is_filtered_counted_and_sorted_by_elasticsearch_itself():
    query = parse_query("梨")
    body = page_body(query, channel=2, size=21)
    assert body == {
        "query": {"bool": {"must": [query_body(query)["query"]], "filter": [VISIBLE_IN_RURAL]}},
        "size": 21,
        "_source": False,
        "track_total_hits": True,
        "track_scores": True,
        "sort": [{"_score": "desc"}, {"pk": "asc"}],
    }
    assert "search_after" not in body


def test_the_next_page_searches_after_the_cursor_s_exact_score():
    score = 3.1415927
    rank = rank_of_score(score)
    body = page_body(parse_query("梨"), channel=2, size=21, after=(rank, 40), descending=False)
    assert body["search_after"] == [score_of_rank(rank), 40]
    assert body["sort"] == [{"_score": "asc"}, {"pk": "asc"}]
    # float32 bits: the same order as the scores, and the very float32 ES sorted by comes back.
    assert score_of_rank(rank) == pytest.approx(score, rel=1e-7)
    assert rank_of_score(score_of_rank(rank)) == rank
    assert rank_of_score(0.5) < rank_of_score(0.5000001) < rank_of_score(2.0) < rank_of_score(1000.0)


def test_a_page_takes_products_waiting_for_their_document_scored_zero():
    body = page_body(parse_query("梨"), channel=2, size=5, include_ids=[7, 9])
    (matched,) = body["query"]["bool"]["must"]
    assert matched["bool"]["should"][1] == {"constant_score": {"filter": {"terms": {"pk": [7, 9]}}, "boost": 0}}
    assert matched["bool"]["minimum_should_match"] == 1
    assert body["query"]["bool"]["filter"] == [VISIBLE_IN_RURAL]


def test_reading_every_match_asks_in_batches_after_the_last_sort_values():
    """No first-slice cap: narrow reads all hits (ID_BATCH per request, search_after the last hit)."""
    body = query_body(parse_query("梨"))
    assert body["size"] == ID_BATCH and body["sort"][-1] == {"pk": "asc"}
