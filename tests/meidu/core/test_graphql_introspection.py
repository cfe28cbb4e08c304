"""GRAPHQL_INTROSPECTION (on by default, as in Saleor): off, the schema is not shown and no error
suggests a name (issue 13.9)."""

import json

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

MISSPELT = '{ prodcts(channel: "retail", first: 1) { totalCount } }'


def _post(client, query, variables=None, language="zh-hans"):
    return client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_introspection_and_suggestions_are_on_by_default(client):
    assert _post(client, "{ __schema { queryType { name } } }").json()["data"] == {
        "__schema": {"queryType": {"name": "Query"}}
    }
    assert "Did you mean 'products' or 'product'?" in _post(client, MISSPELT).json()["errors"][0]["message"]


@override_settings(GRAPHQL_INTROSPECTION=False)
@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-hans", "此服务器已关闭架构内省（introspection）。"), ("en", "Introspection is disabled on this server.")],
    ids=["zh_case", "en_case"],
)
def test_introspection_off_refuses_schema_and_type(client, language, message):
    for query in ("{ __schema { queryType { name } } }", '{ __type(name: "Product") { name } }'):
        response = _post(client, query, language=language)
        assert response.status_code == 400
        content = response.json()
        assert "data" not in content
        assert [e["extensions"]["exception"]["code"] for e in content["errors"]] == ["INTROSPECTION_DISABLED"]
        assert content["errors"][0]["message"] == message


@override_settings(GRAPHQL_INTROSPECTION=False)
def test_introspection_off_still_answers_typename(client):
    assert _post(client, "{ __typename }").json()["data"] == {"__typename": "Query"}


@override_settings(GRAPHQL_INTROSPECTION=False)
@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (MISSPELT, None),
        ('{ products(channel: "retail", frist: 1) { totalCount } }', None),
        (
            "query($s: ProductOrder) { products(channel: \"retail\", first: 1, sortBy: $s) { totalCount } }",
            {"s": {"field": "NAMEE", "direction": "ASC"}},
        ),
        ('{ products(channel: "retail", first: 1, sortBy: {field: NAMEE, direction: ASC}) { totalCount } }', None),
    ],
    ids=["field_case", "argument_case", "enum_variable_case", "enum_literal_case"],
)
def test_introspection_off_suggests_no_names(client, query, variables):
    content = _post(client, query, variables).json()
    assert content["errors"]
    assert all("Did you mean" not in error["message"] for error in content["errors"]), content


def test_suggestions_are_made_per_request_setting_not_cached(client):
    assert "Did you mean" in _post(client, MISSPELT).json()["errors"][0]["message"]
    with override_settings(GRAPHQL_INTROSPECTION=False):
        assert "Did you mean" not in _post(client, MISSPELT).json()["errors"][0]["message"]
