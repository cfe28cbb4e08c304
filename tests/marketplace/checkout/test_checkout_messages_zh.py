"""Checkout refusals reach the buyer in their language (zh-Hans first): the code stays the same."""

import json

from django.utils import translation

from marketplace.checkout.models import Checkout
from tests.marketplace.checkout.helpers import vid
from tests.marketplace.checkout.queries import CREATE
from tests.support.graphql import GraphQLClient


def create_too_many(client: GraphQLClient, variant, language: str) -> dict:
    body = {
        "query": CREATE,
        "variables": {"input": {"channel": "rural", "lines": [{"variantId": vid(variant), "quantity": 21}]}},
    }
    response = client.client.post(
        "/graphql/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response.json()["data"]["checkoutCreate"]


def test_insufficient_stock_is_refused_in_chinese(buyer_client, pears):
    with translation.override("zh-hans"):
        payload = create_too_many(buyer_client, pears["variant"], "zh-hans")
    [error] = payload["errors"]
    assert error["code"] == "INSUFFICIENT_STOCK" and error["field"] == "quantity"
    assert "库存" in error["message"] and pears["variant"].sku in error["message"] and "20" in error["message"]
    assert payload["checkout"] is None and Checkout.objects.count() == 0


def test_the_same_refusal_in_english_when_asked(buyer_client, pears):
    payload = create_too_many(buyer_client, pears["variant"], "en")
    [error] = payload["errors"]
    assert error["code"] == "INSUFFICIENT_STOCK"
    assert error["message"] == f"Only 20 of {pears['variant'].sku} left"
