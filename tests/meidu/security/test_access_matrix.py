"""Permission completeness (issue 13, "a suite that keeps it closed"): every root query and
mutation of the live schema has an entry in the ownership matrix (access_matrix.py), and the
columns a made-up request can check are checked here for every one of them: anonymous is refused
(or, for public fields, is not) and writes nothing; buyers are refused the back office naming its
permission; operators pass its gate. Object columns are proven by the tests the matrix names."""

from pathlib import Path

import pytest
from django.db import connection

from meidu.accounts.roles import Role
from tests.meidu.security.access_matrix import MUTATIONS, QUERIES, UNPROVEN
from tests.meidu.security.schema_walk import GRAPHQL, Operation, minimal_variables, operations
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
MATRIX = {"query": QUERIES, "mutation": MUTATIONS}
SCOPED = {"object", "own", "user", "trader"}


def entry(op: Operation):
    return MATRIX[op.kind][op.name]


def writes() -> int:
    """Rows inserted, updated or deleted so far in this test's transaction, in every table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return cursor.fetchone()[0]


def call(client: GraphQLClient, op: Operation) -> tuple[dict, int]:
    before = writes()
    response = client.post(op.document(), minimal_variables(op))
    assert response.status_code in (200, 400), (op, response.status_code, response.content[:300])
    return response.json(), writes() - before


def denial(body: dict):
    """The PermissionDenied error of a response, if any."""
    for error in body.get("errors") or []:
        exception = error.get("extensions", {}).get("exception", {})
        if exception.get("code") == "PermissionDenied":
            return exception
    return None


def is_empty(value) -> bool:
    return value in (None, [], {}) or (
        isinstance(value, dict) and value.get("totalCount") in (0, None) and not value.get("edges")
    )


def refused(body: dict, op: Operation) -> bool:
    value = (body.get("data") or {}).get(op.name)
    if body.get("errors"):
        return value is None
    if isinstance(value, dict) and value.get("errors"):
        return True
    return op.kind == "query" and is_empty(value)


def test_every_root_field_has_an_entry_and_no_entry_is_stale():
    assert set(GRAPHQL.query_type.fields) - set(QUERIES) == set(), "queries without an ownership-matrix entry"
    assert set(GRAPHQL.mutation_type.fields) - set(MUTATIONS) == set(), "mutations without an ownership-matrix entry"
    assert set(QUERIES) - set(GRAPHQL.query_type.fields) == set(), "matrix entries for queries that are gone"
    assert set(MUTATIONS) - set(GRAPHQL.mutation_type.fields) == set(), "matrix entries for mutations that are gone"


def test_every_named_proof_exists():
    for kind, entries in MATRIX.items():
        for name, access in entries.items():
            if access.proof is None:
                continue
            path, _, test = access.proof.partition("::")
            source = (ROOT / path).read_text() if (ROOT / path).exists() else ""
            assert f"def {test}(" in source, f"{kind} {name}: {access.proof} does not exist"


def test_unproven_object_columns_are_listed_exactly():
    unproven = {
        (kind, name)
        for kind, entries in MATRIX.items()
        for name, access in entries.items()
        if access.gate in SCOPED and access.proof is None
    }
    assert unproven - UNPROVEN == set(), "object-scoped fields with neither a proof nor a place in UNPROVEN"
    assert UNPROVEN - unproven == set(), "proven (or no longer object-scoped) fields still listed in UNPROVEN"


@pytest.mark.parametrize("op", operations(), ids=str)
def test_anonymous_column(op):
    access = entry(op)
    body, written = call(GraphQLClient(), op)
    if access.gate == "public":
        assert denial(body) is None, body
        return
    assert written == 0, f"{op}: an anonymous refusal wrote {written} rows"
    if access.gate in ("user", "trader", "market", "permission"):
        assert denial(body) is not None, body
        assert (body.get("data") or {}).get(op.name) is None
    elif access.gate == "own":
        assert denial(body) is not None or is_empty((body.get("data") or {}).get(op.name)), body
    else:
        assert refused(body, op), body


BACK_OFFICE = [op for op in operations() if entry(op).gate == "permission"]
TRADING = [op for op in operations() if entry(op).gate in ("trader", "market")]


@pytest.mark.parametrize("op", BACK_OFFICE + TRADING, ids=str)
def test_a_buyer_is_refused_naming_the_permission(op, make_user):
    access = entry(op)
    body, written = call(GraphQLClient(token_for(make_user(Role.BUYER))), op)
    refusal = denial(body)
    assert refusal is not None, body
    assert written == 0
    if access.gate == "permission" and refusal["permissions"]:
        assert set(refusal["permissions"]) == set(access.permissions), body


@pytest.mark.parametrize("op", BACK_OFFICE, ids=str)
def test_an_operator_passes_the_gate_unless_it_is_an_apps(op, make_user):
    body, written = call(GraphQLClient(token_for(make_user(Role.OPERATOR))), op)
    refusal = denial(body)
    if not entry(op).operator:  # the bank's app alone confirms money movements
        assert refusal is not None and written == 0, body
        return
    assert refusal is None or not set(refusal["permissions"]) & set(entry(op).permissions), body
