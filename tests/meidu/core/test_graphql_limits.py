"""Refusals of the GraphQL endpoint itself: bodies, IDs, pagination arguments, cost and counts."""

import base64
import json
import time

import pytest
from django.conf import settings
from django.test import override_settings
from graphql import parse

from logistics.geography.services import geography_load_county
from meidu.core.graphql.limits import mutation_count, pick_operation

pytestmark = pytest.mark.django_db


def _codes(content):
    return [e["extensions"]["exception"]["code"] for e in content["errors"]]


def test_every_response_reports_its_cost(api_client):
    content = api_client.post("{ shop { name } }").json()
    assert content["extensions"]["cost"] == {"requestedQueryCost": 2, "maximumAvailable": 50000}


def test_cost_multiplies_by_page_size(api_client):
    content = api_client.post("{ towns(first: 10) { edges { node { name villages { name } } } } }").json()
    # towns 1 + 10 * (edges 1 + node 1 + name 1 + villages 1 + name 1)
    assert content["extensions"]["cost"]["requestedQueryCost"] == 51


@override_settings(GRAPHQL_MAX_COST=40)
def test_query_over_the_cost_limit_is_refused_before_running(api_client):
    response = api_client.post("{ towns(first: $n) { edges { node { name villages { name } } } } }".replace("$n", "10"))
    assert response.status_code == 400
    content = response.json()
    assert _codes(content) == ["QUERY_COST_EXCEEDED"]
    assert content["extensions"]["cost"] == {"requestedQueryCost": 51, "maximumAvailable": 40}
    assert "data" not in content


@override_settings(GRAPHQL_MAX_COST=40)
def test_cost_reads_page_size_from_variables(api_client):
    query = "query($n: Int) { towns(first: $n) { edges { node { name villages { name } } } } }"
    response = api_client.post(query, {"n": 10})
    assert response.status_code == 400
    assert api_client.post(query, {"n": 2}).status_code == 200


def test_five_mutations_in_one_document_are_refused(api_client):
    fields = " ".join(f'm{i}: tokenVerify(token: "x") {{ isValid }}' for i in range(5))
    response = api_client.post(f"mutation {{ {fields} }}")
    assert response.status_code == 400
    assert _codes(response.json()) == ["TOO_MANY_MUTATIONS"]


def test_four_mutations_are_allowed(api_client):
    fields = " ".join(f'm{i}: tokenVerify(token: "x") {{ isValid }}' for i in range(4))
    data = api_client.execute(f"mutation {{ {fields} }}")
    assert all(value == {"isValid": False} for value in data.values())


def test_more_than_100_aliases_are_refused(api_client):
    fields = " ".join(f"a{i}: shop {{ name }}" for i in range(101))
    response = api_client.post(f"{{ {fields} }}")
    assert response.status_code == 400
    assert _codes(response.json()) == ["TOO_MANY_ALIASES"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        (json.dumps([{"query": "{ shop { name } }"}]), "application/json"),
        (json.dumps({"variables": {}}), "application/json"),
        ("query=x", "application/x-www-form-urlencoded"),
    ],
    ids=["bad_json_case", "batch_case", "no_query_case", "form_case"],
)
def test_malformed_requests_get_400(client, body, content_type):
    response = client.post("/graphql/", body, content_type=content_type)
    assert response.status_code == 400
    assert _codes(response.json()) == ["INVALID_REQUEST"]


def test_syntax_and_validation_errors_get_400(api_client):
    assert api_client.post("{ shop { name ").status_code == 400
    response = api_client.post("{ shop { nope } }")
    assert response.status_code == 400
    assert "nope" in response.json()["errors"][0]["message"]


def test_get_without_a_query_or_graphiql_is_refused(client):
    """GET carries queries (persisted or not, meidu.core.graphql.persisted); without one it is refused."""
    response = client.get("/graphql/", HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "INVALID_REQUEST"


class TestPagination:
    @pytest.fixture(autouse=True)
    def county(self, db):
        geography_load_county()

    def test_first_over_100_is_refused(self, api_client):
        content = api_client.post("{ towns(first: 101) { edges { node { name } } } }").json()
        assert content["data"]["towns"] is None
        assert "exceeds the `first` limit of 100" in content["errors"][0]["message"]

    def test_edges_without_first_or_last_are_refused(self, api_client):
        content = api_client.post("{ towns { edges { node { name } } } }").json()
        assert "You must provide a `first` or `last` value" in content["errors"][0]["message"]

    def test_total_count_alone_needs_no_page(self, api_client):
        assert api_client.execute("{ towns { totalCount } }") == {"towns": {"totalCount": 5}}

    @pytest.mark.parametrize(
        "args",
        ["first: 1, last: 1", "first: -1", 'first: 1, before: "WzFd"', 'last: 1, after: "WzFd"'],
        ids=["first_and_last_case", "negative_case", "first_before_case", "last_after_case"],
    )
    def test_conflicting_arguments_are_refused(self, api_client, args):
        content = api_client.post(f"{{ towns({args}) {{ edges {{ node {{ name }} }} }} }}").json()
        assert content["data"]["towns"] is None
        assert len(content["errors"]) == 1

    def test_garbage_cursor_is_refused(self, api_client):
        content = api_client.post('{ towns(first: 2, after: "bm90LWpzb24=") { edges { node { name } } } }').json()
        assert content["errors"][0]["extensions"]["exception"]["code"] == "INVALID"
        assert "游标" in content["errors"][0]["message"]

    def test_keyset_pages_walk_forward_and_back(self, api_client):
        query = (
            "query($after: String) { towns(first: 2, after: $after) {"
            " edges { cursor node { code } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"
        )
        seen, after = [], None
        while True:
            page = api_client.execute(query, {"after": after})["towns"]
            seen += [edge["node"]["code"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert seen == ["BLP", "GT", "HZ", "TC", "ZJ"]
        back = api_client.execute(
            "query($before: String) { towns(last: 2, before: $before) {"
            " edges { node { code } } pageInfo { hasPreviousPage } } }",
            {"before": page["edges"][-1]["cursor"]},
        )["towns"]
        assert [edge["node"]["code"] for edge in back["edges"]] == ["HZ", "TC"]
        assert back["pageInfo"]["hasPreviousPage"] is True

    def test_cursors_are_stable_when_rows_are_inserted_before_them(self, api_client):
        from logistics.geography.models import Town

        first = api_client.execute("{ towns(first: 2) { pageInfo { endCursor } } }")["towns"]["pageInfo"]["endCursor"]
        Town.objects.create(code="AAA", name="新镇", county="大石桥市", latitude=40, longitude=122)
        page = api_client.execute(
            "query($a: String) { towns(first: 2, after: $a) { edges { node { code } } } }", {"a": first}
        )
        assert [edge["node"]["code"] for edge in page["towns"]["edges"]] == ["HZ", "TC"]


def test_malformed_global_id_is_a_clear_error(operator_api_client):
    content = operator_api_client.post('{ app(id: "not-base64!") { name } }').json()
    assert content["data"]["app"] is None
    assert content["errors"][0]["extensions"]["exception"]["code"] == "GRAPHQL_ERROR"
    assert "无法解析 ID" in content["errors"][0]["message"]


def test_global_id_of_the_wrong_type_is_refused(operator_api_client):
    user_id = base64.b64encode(b"User:1").decode()
    content = operator_api_client.post("query($id: ID) { app(id: $id) { name } }", {"id": user_id}).json()
    assert content["errors"][0]["message"] == "需要 App 的 ID。"


def _doubling_fragments(levels: int, leaf: str, on: str = "Query") -> str:
    """Fragment i spreads fragment i-1 twice: 2**levels leaves in about 40 bytes a level."""
    fragments = [f"fragment F0 on {on} {{ {leaf} }}"]
    fragments += [f"fragment F{i} on {on} {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)]
    return " ".join(fragments)


def test_fragments_doubling_each_level_are_refused_fast(api_client):
    document = "query { ...F32 } " + _doubling_fragments(32, "shop { name }")
    assert len(document) < 2000
    started = time.monotonic()
    response = api_client.post(document)
    elapsed = time.monotonic() - started
    assert response.status_code == 400
    content = response.json()
    assert _codes(content) == ["QUERY_COST_EXCEEDED"]
    assert content["extensions"]["cost"]["requestedQueryCost"] > 50000
    assert "data" not in content
    assert elapsed < 2, f"the cost limit took {elapsed:.1f}s"
    assert content["errors"][0]["message"] == "查询超出了最大开销 50000。"
    english = api_client.client.post(
        "/graphql/", json.dumps({"query": document}), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["errors"][0]["message"] == "The query exceeds the maximum cost of 50000."


def test_free_fragments_doubling_each_level_run_fast(api_client):
    """Introspection fields cost nothing, so the limit passes them; measuring must still be linear."""
    started = time.monotonic()
    data = api_client.execute("query { ...F40 } " + _doubling_fragments(40, "__typename"))
    assert data == {"__typename": "Query"}
    assert time.monotonic() - started < 2


def test_mutations_are_counted_once_per_response_key_however_often_spread():
    document = parse(
        "mutation { ...F40 } " + _doubling_fragments(40, 'tokenVerify(token: "x") { isValid }', on="Mutation")
    )
    started = time.monotonic()
    assert mutation_count(document, pick_operation(document, None)) == 1
    assert time.monotonic() - started < 1


def test_fields_nested_deeper_than_the_limit_are_refused(api_client):
    def nested(depth):  # category { parent { ... { name } } }: ``depth`` fields in a chain
        return '{ category(slug: "x") { ' + "parent { " * (depth - 2) + "name" + " }" * (depth - 1) + " }"

    response = api_client.post(nested(settings.GRAPHQL_MAX_DEPTH + 1))
    assert response.status_code == 400
    assert _codes(response.json()) == ["QUERY_TOO_DEEP"]
    assert response.json()["errors"][0]["message"] == f"查询的字段嵌套不能超过 {settings.GRAPHQL_MAX_DEPTH} 层。"
    assert api_client.execute(nested(settings.GRAPHQL_MAX_DEPTH)) == {"category": None}
