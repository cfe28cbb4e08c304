"""Automatic persisted queries (Apollo's protocol) over POST and GET, and the response cache's headers."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client

from meidu.core.graphql.persisted import KEY_PREFIX

pytestmark = pytest.mark.django_db

QUERY = 'query Names { products(channel: "rural", first: 5) { edges { node { name } } } }'
SHA = hashlib.sha256(QUERY.encode()).hexdigest()


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


def _persisted(sha=SHA, version=1):
    return {"persistedQuery": {"version": version, "sha256Hash": sha}}


def post(client, body, **headers):
    return client.post("/graphql/", json.dumps(body), content_type="application/json", **headers)


def get(client, **params):
    encoded = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    return client.get("/graphql/", encoded)


def test_unknown_hash_asks_for_the_document_then_the_hash_alone_serves(pears):
    client = Client()
    first = post(client, {"extensions": _persisted()})
    assert first.status_code == 200
    error = first.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert first["Cache-Control"] == "private, no-store"

    registered = post(client, {"query": QUERY, "extensions": _persisted()})
    assert registered.status_code == 200
    names = [e["node"]["name"] for e in registered.json()["data"]["products"]["edges"]]
    assert pears["product"].name in names

    by_hash = post(client, {"extensions": _persisted()})
    assert by_hash.json()["data"] == registered.json()["data"]
    over_get = get(client, extensions=_persisted())
    assert over_get.status_code == 200
    assert over_get.json()["data"] == registered.json()["data"]


def test_get_with_variables_and_operation_name(pears):
    client = Client()
    query = "query One($slug: String) { product(slug: $slug, channel: \"rural\") { name } }"
    sha = hashlib.sha256(query.encode()).hexdigest()
    response = get(client, query=query, variables={"slug": pears["product"].slug}, extensions=_persisted(sha))
    assert response.json()["data"]["product"]["name"] == pears["product"].name
    again = get(client, variables={"slug": pears["product"].slug}, extensions=_persisted(sha), operationName="One")
    assert again.json()["data"]["product"]["name"] == pears["product"].name


def test_a_document_that_does_not_match_its_hash_is_refused_and_not_kept(pears):
    client = Client()
    wrong = "0" * 64
    response = post(client, {"query": QUERY, "extensions": _persisted(wrong)})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    assert post(client, {"extensions": _persisted(wrong)}).json()["errors"][0]["extensions"]["code"] == (
        "PERSISTED_QUERY_NOT_FOUND"
    )


@pytest.mark.parametrize(
    ("extensions", "code"),
    [
        ({"persistedQuery": {"version": 2, "sha256Hash": SHA}}, "PERSISTED_QUERY_NOT_SUPPORTED"),
        ({"persistedQuery": {"version": 1, "sha256Hash": "xyz"}}, "PERSISTED_QUERY_INVALID_HASH"),
        ({"persistedQuery": "abc"}, "PERSISTED_QUERY_NOT_SUPPORTED"),
    ],
)
def test_bad_persisted_query_shapes_are_refused(extensions, code):
    response = post(Client(), {"extensions": extensions})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == code


def test_bad_get_parameters_are_refused():
    client = Client()
    assert client.get("/graphql/", {"variables": "{"}).status_code == 400
    response = client.get("/graphql/", {"query": "{ shop { name } }", "variables": "[1]"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "INVALID_REQUEST"
    assert client.get("/graphql/").status_code == 400


MUTATION = 'mutation { tokenCreate(email: "a@b.cn", password: "x") { token } }'


def test_a_mutation_over_get_is_refused(pears):
    response = Client().get("/graphql/", {"query": MUTATION})
    assert response.status_code == 405
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "MUTATION_OVER_GET"
    assert response["Cache-Control"] == "private, no-store"


def test_oversized_documents_run_but_are_not_kept(pears, settings):
    settings.PERSISTED_QUERY_MAX_LENGTH = 10
    client = Client()
    assert post(client, {"query": QUERY, "extensions": _persisted()}).json()["data"]["products"]
    from django.core.cache import cache

    assert cache.get(KEY_PREFIX + SHA) is None


def test_anonymous_reads_are_public_with_an_etag_and_304(pears, settings):
    settings.RESPONSE_CACHE_MAX_AGE = 7
    settings.RESPONSE_CACHE_STALE_WHILE_REVALIDATE = 70
    client = Client()
    first = get(client, query=QUERY)
    assert first["Cache-Control"] == "public, max-age=7, stale-while-revalidate=70"
    vary = {v.strip() for v in first["Vary"].split(",")}
    assert {"Authorization", "Accept-Language", "Cookie"} <= vary
    etag = first["ETag"]
    second = post(client, {"query": QUERY})
    assert second["ETag"] == etag
    assert second.content == first.content
    not_modified = client.get("/graphql/", {"query": QUERY}, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    other_language = client.get("/graphql/", {"query": QUERY}, HTTP_ACCEPT_LANGUAGE="en")
    assert other_language["ETag"] != etag


def test_a_user_or_a_mutation_is_private_and_never_cached(pears, buyer_client):
    response = buyer_client.post(QUERY)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response
    mutation = post(Client(), {"query": MUTATION})
    assert mutation["Cache-Control"] == "private, no-store"
    assert "ETag" not in mutation


def test_documents_outside_the_cacheable_roots_are_private(pears):
    response = post(Client(), {"query": "{ me { id } }"})
    assert response["Cache-Control"] == "private, no-store"


def test_without_shared_versions_nothing_is_cached(pears, settings):
    settings.RESPONSE_CACHE_ENABLED = False
    response = get(Client(), query=QUERY)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response


def test_answers_are_kept_per_host_since_media_urls_are_absolute(pears):
    client = Client()
    here = client.get("/graphql/", {"query": QUERY}, HTTP_HOST="testserver")
    there = client.get("/graphql/", {"query": QUERY}, HTTP_HOST="localhost")
    assert here.status_code == there.status_code == 200
    assert here["ETag"] != there["ETag"]


VARIABLE_QUERY = 'query Some($first: Int) { products(channel: "rural", first: $first) { edges { node { name } } } }'


@pytest.mark.parametrize("variables", ['{"first": NaN}', '{"first": Infinity}', '{"first": 1e30}', '{"first": -5}'])
def test_hostile_get_variables_are_refused_with_a_code_and_nothing_is_cached(pears, variables):
    from django.core.cache import cache

    from meidu.core.graphql.response_cache import ENTRY_PREFIX

    cache.clear()
    response = Client().get("/graphql/", {"query": VARIABLE_QUERY, "variables": variables})
    assert response.status_code in (200, 400)
    body = response.json()
    assert body["errors"] and all(error["extensions"]["exception"]["code"] for error in body["errors"])
    assert response["Cache-Control"] == "private, no-store"
    assert not [key for key in cache._cache if ENTRY_PREFIX in key]  # locmem (the test settings): no answer kept


@pytest.mark.parametrize("sha", ["\x00" * 64, "a" * 10_000, "ｆ" * 64])
def test_hostile_persisted_hashes_are_refused(sha):
    response = post(Client(), {"extensions": _persisted(sha=sha)})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"]
