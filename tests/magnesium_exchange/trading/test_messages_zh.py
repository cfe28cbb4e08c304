"""Refusals speak the trader's language (Chinese first): the message follows Accept-Language, the
code and field do not."""

import json

import pytest
from django.test import Client
from django.utils import translation

from tests.support.graphql import token_for

pytestmark = pytest.mark.django_db

LISTING_CREATE = """
mutation($input: ListingCreateInput!) { listingCreate(input: $input) {
  errors { field code message } listing { id } } }"""
PICK = """
mutation($id: ID!, $q: Decimal!) { listingPick(id: $id, quantity: $q) {
  errors { field code message } trade { id } } }"""


@pytest.fixture(autouse=True)
def chinese_afterwards():
    """A request in English leaves its language active in this thread: later tests expect Chinese."""
    with translation.override("zh-hans"):
        yield


def _post(token: str, query: str, variables: dict, language: str | None = None) -> dict:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    response = Client().post(
        "/graphql/", json.dumps({"query": query, "variables": variables}), content_type="application/json", **headers
    )
    content = response.json()
    assert response.status_code == 200 and "errors" not in content, content
    return content["data"]


@pytest.fixture
def listing_and_buyer(market, trader_factory):
    seller, buyer = market.member(), market.member(funds="500000.00")
    seller_token, buyer_token = token_for(trader_factory(seller)), token_for(trader_factory(buyer))
    receipt = market.receipt(seller)
    created = _post(
        seller_token,
        LISTING_CREATE,
        {"input": {"grade": "fm-98", "price": "3000", "receipts": [receipt.number], "referencePrice": "3000"}},
    )["listingCreate"]
    assert created["errors"] == []
    return created["listing"]["id"], buyer_token


def test_a_pick_below_the_minimum_is_refused_in_chinese(listing_and_buyer):
    listing_id, buyer_token = listing_and_buyer
    for language in ("zh-hans", None):  # asked for, and the site's default
        data = _post(buyer_token, PICK, {"id": listing_id, "q": "5"}, language)["listingPick"]
        assert data["trade"] is None
        assert data["errors"] == [
            {"field": "quantity", "code": "BELOW_MIN_PICK", "message": "数量低于最小摘牌量或最小申报量"}
        ]


def test_the_same_refusal_in_english(listing_and_buyer):
    listing_id, buyer_token = listing_and_buyer
    data = _post(buyer_token, PICK, {"id": listing_id, "q": "5"}, "en")["listingPick"]
    assert data["errors"] == [
        {"field": "quantity", "code": "BELOW_MIN_PICK", "message": "The quantity is below the minimum pick or bid"}
    ]


def test_a_service_refusal_follows_the_language_too(listing_and_buyer):
    _listing_id, buyer_token = listing_and_buyer
    variables = {
        "input": {"grade": "no-such", "price": "3000", "side": "buy", "quantity": "10", "referencePrice": "3000"}
    }
    chinese = _post(buyer_token, LISTING_CREATE, variables, "zh-hans")["listingCreate"]["errors"]
    english = _post(buyer_token, LISTING_CREATE, variables, "en")["listingCreate"]["errors"]
    assert chinese == [{"field": "grade", "code": "NOT_FOUND", "message": "该品级不存在"}]
    assert english == [{"field": "grade", "code": "NOT_FOUND", "message": "No such grade"}]
