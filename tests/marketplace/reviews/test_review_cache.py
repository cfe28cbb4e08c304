"""A review written or hidden is seen by the next cached anonymous read: the list and the ratings."""

from __future__ import annotations

import pytest
from graphql_relay import to_global_id

from marketplace.reviews.services import review_create, review_hide
from meidu.accounts.roles import Role
from tests.support.cached_reads import AnonymousReader

pytestmark = pytest.mark.django_db

REVIEWS = """query($product: ID!) { productReviews(product: $product, first: 10) { edges { node { rating text } } } }"""
RATING = """{ products(channel: "rural", first: 10) { edges { node { name rating shop { rating } } } } }"""


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.RESPONSE_CACHE_ENABLED = True


def test_a_review_and_its_hiding_show_at_once(buyer, pears, delivered, make_user, django_capture_on_commit_callbacks):
    reader = AnonymousReader()
    variables = {"product": to_global_id("Product", pears["product"].pk)}
    reader.cached(REVIEWS, variables)
    reader.cached(RATING)
    with django_capture_on_commit_callbacks(execute=True):
        review = review_create(buyer, delivered["pears"], rating=2, text="有点酸")
    assert [e["node"]["text"] for e in reader.read(REVIEWS, variables)[0]["productReviews"]["edges"]] == ["有点酸"]
    pear = next(e["node"] for e in reader.read(RATING)[0]["products"]["edges"] if e["node"]["name"] == "南果梨")
    assert pear["rating"] == 2.0 and pear["shop"]["rating"] == 2.0

    reader.cached(REVIEWS, variables)
    reader.cached(RATING)
    with django_capture_on_commit_callbacks(execute=True):
        review_hide(review, actor=make_user(Role.OPERATOR), reason="广告")
    assert reader.read(REVIEWS, variables)[0]["productReviews"]["edges"] == []
    pear = next(e["node"] for e in reader.read(RATING)[0]["products"]["edges"] if e["node"]["name"] == "南果梨")
    assert pear["rating"] is None
