"""Issue 13: one buyer may write REVIEWS_PER_USER_PER_HOUR reviews; more are refused with RATE_LIMITED
in the buyer's language, and nothing is written (the shop's rating stays)."""

import json

from graphql_relay import to_global_id

from marketplace.reviews.models import Review
from marketplace.shops.models import Shop
from tests.marketplace.reviews.helpers import CREATE
from tests.support.graphql import token_for


def _review(client, user, line, language="zh-hans") -> dict:
    body = {"query": CREATE, "variables": {"line": to_global_id("OrderLine", line.pk), "rating": 1}}
    response = client.post(
        "/graphql/",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(user)}",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    return response.json()["data"]["reviewCreate"]


def test_reviews_beyond_the_hourly_allowance_are_refused(client, settings, buyer, pears, delivered):
    settings.REVIEWS_PER_USER_PER_HOUR = 1
    assert _review(client, buyer, delivered["pears"])["errors"] == []
    before = (list(Review.objects.values_list("pk", flat=True)), Shop.objects.get(pk=pears["shop"].pk).rating)
    [error] = _review(client, buyer, delivered["apples"])["errors"]
    assert error["code"] == "RATE_LIMITED" and error["message"] == "一小时内写的评价过多：请稍后再试。"
    [error] = _review(client, buyer, delivered["apples"], language="en")["errors"]
    assert error["message"] == "You have written too many reviews in the last hour: try again later."
    assert (list(Review.objects.values_list("pk", flat=True)), Shop.objects.get(pk=pears["shop"].pk).rating) == before


def test_zero_turns_the_limit_off(client, settings, buyer, delivered):
    settings.REVIEWS_PER_USER_PER_HOUR = 0
    assert (
        _review(client, buyer, delivered["pears"])["errors"] == []
        and _review(client, buyer, delivered["apples"])["errors"] == []
    )
