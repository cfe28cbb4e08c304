"""reviewCreate, reviewHide, productReviews and shopReviews over /graphql/: who may do what,
error codes with nothing written, hidden reviews out of the lists, fixed query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from graphql_relay import to_global_id

from marketplace.reviews.models import Review
from marketplace.reviews.services import review_create
from marketplace.shops.models import Shop
from meidu.accounts.roles import Role
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.marketplace.reviews.helpers import CREATE, deliver
from tests.support.graphql import GraphQLClient, token_for

HIDE = """mutation($id: ID!, $reason: String!) {
  reviewHide(id: $id, reason: $reason) { review { id isHidden hiddenReason } errors { field code } } }"""
PRODUCT_REVIEWS = """query($product: ID!, $first: Int, $after: String) {
  productReviews(product: $product, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id rating text productName variantName authorName createdAt shop { name rating } } } } }"""
SHOP_REVIEWS = """query($shop: ID!, $first: Int) {
  shopReviews(shop: $shop, first: $first) {
    totalCount edges { node { id rating productName authorName hiddenReason } } } }"""


def gid(type_name, obj):
    return to_global_id(type_name, obj.pk)


def payload(response, name):
    assert "errors" not in response, response
    return response["data"][name]


def test_buyer_reviews_a_delivered_line(buyer, pears, delivered):
    client = GraphQLClient(token_for(buyer))
    data = payload(
        client.post(CREATE, {"line": gid("OrderLine", delivered["pears"]), "rating": 5, "text": "好吃"}).json(),
        "reviewCreate",
    )
    assert data["errors"] == []
    review = data["review"]
    assert (review["rating"], review["text"], review["productName"], review["isHidden"]) == (5, "好吃", "南果梨", False)
    assert review["authorName"].startswith("139") and "****" in review["authorName"]
    assert review["shop"]["rating"] == 5.0


@pytest.mark.parametrize("case", ["stranger", "undelivered", "second", "rating", "wrong_type", "missing"])
def test_review_refusals(case, buyer, make_user, rural, apples, delivered):
    line = delivered["pears"]
    token, rating, line_id = token_for(buyer), 4, gid("OrderLine", line)
    if case == "stranger":
        token = token_for(make_user())
    elif case == "undelivered":
        [order] = placed_orders(buyer, rural, [(apples, 1)], gateway=OFFLINE, action="CHARGE", key="pay-9")
        line_id = gid("OrderLine", order.lines.get())
    elif case == "second":
        review_create(buyer, line, rating=5)
    elif case == "rating":
        rating = 6
    elif case == "wrong_type":
        line_id = to_global_id("Order", delivered["order"].pk)
    elif case == "missing":
        line_id = to_global_id("OrderLine", 999999)
    before = list(Review.objects.values_list("pk", "rating"))
    shop_rating = Shop.objects.get(pk=line.order.shop_id).rating
    data = payload(GraphQLClient(token).post(CREATE, {"line": line_id, "rating": rating}).json(), "reviewCreate")
    expected = {
        "stranger": "NOT_FOUND",
        "undelivered": "NOT_DELIVERED",
        "second": "ALREADY_REVIEWED",
        "rating": "INVALID",
        "wrong_type": "GRAPHQL_ERROR",
        "missing": "NOT_FOUND",
    }[case]
    assert data["review"] is None and [e["code"] for e in data["errors"]] == [expected]
    assert list(Review.objects.values_list("pk", "rating")) == before
    assert Shop.objects.get(pk=line.order.shop_id).rating == shop_rating


def test_anonymous_cannot_review(delivered):
    response = GraphQLClient().post(CREATE, {"line": gid("OrderLine", delivered["pears"]), "rating": 5}).json()
    assert response["errors"][0]["message"] and not Review.objects.exists()


def test_only_operators_hide_and_hidden_reviews_leave_lists_and_ratings(buyer, make_user, pears, delivered):
    kept = review_create(buyer, delivered["pears"], rating=5)
    abusive = review_create(buyer, delivered["apples"], rating=1, text="脏话")
    shop = Shop.objects.get(pk=pears["shop"].pk)
    assert shop.rating == Decimal("3.00")
    variables = {"id": gid("Review", abusive), "reason": "人身攻击"}
    for client in (GraphQLClient(), GraphQLClient(token_for(buyer)), GraphQLClient(token_for(pears["owner"]))):
        response = client.post(HIDE, variables).json()
        assert response["errors"][0]["message"] and response["data"]["reviewHide"] is None
    assert not Review.objects.get(pk=abusive.pk).is_hidden
    operator = GraphQLClient(token_for(make_user(Role.OPERATOR)))
    missing_reason = payload(operator.post(HIDE, {"id": variables["id"], "reason": " "}).json(), "reviewHide")
    assert [e["code"] for e in missing_reason["errors"]] == ["REQUIRED"]
    data = payload(operator.post(HIDE, variables).json(), "reviewHide")
    assert data["errors"] == [] and data["review"] == {
        "id": variables["id"],
        "isHidden": True,
        "hiddenReason": "人身攻击",
    }
    again = payload(operator.post(HIDE, variables).json(), "reviewHide")
    assert [e["code"] for e in again["errors"]] == ["ALREADY_HIDDEN"]
    assert Shop.objects.get(pk=shop.pk).rating == Decimal("5.00")
    listed = payload(
        GraphQLClient().post(SHOP_REVIEWS, {"shop": gid("MarketplaceShop", shop), "first": 10}).json(), "shopReviews"
    )
    assert listed["totalCount"] == 1 and [e["node"]["id"] for e in listed["edges"]] == [gid("Review", kept)]
    assert listed["edges"][0]["node"]["hiddenReason"] is None or listed["edges"][0]["node"]["hiddenReason"] == ""
    apples_list = payload(
        GraphQLClient().post(PRODUCT_REVIEWS, {"product": gid("Product", abusive.product), "first": 10}).json(),
        "productReviews",
    )
    assert apples_list["totalCount"] == 0 and apples_list["edges"] == []


def _reviewers(n, make_user, rural, pears, start=0):
    for k in range(start, start + n):
        someone = make_user()
        [order] = placed_orders(someone, rural, [(pears["variant"], 1)], gateway=OFFLINE, action="CHARGE", key=f"r{k}")
        deliver(order, pears["owner"], someone)
        review_create(someone, order.lines.get(), rating=1 + k % 5, text=f"第{k}条")


def _count(client, query, variables):
    with CaptureQueriesContext(connection) as ctx:
        data = client.execute(query, variables)
    return len(ctx.captured_queries), data


@pytest.mark.parametrize(
    "query,field,key", [(PRODUCT_REVIEWS, "productReviews", "product"), (SHOP_REVIEWS, "shopReviews", "shop")]
)
def test_lists_cost_a_fixed_number_of_queries(
    query, field, key, make_user, rural, pears, django_assert_max_num_queries
):
    client = GraphQLClient()
    target = gid("Product", pears["variant"].product) if key == "product" else gid("MarketplaceShop", pears["shop"])
    _reviewers(2, make_user, rural, pears)
    small, data = _count(client, query, {key: target, "first": 20})
    assert len(data[field]["edges"]) == 2 and small <= 2, small  # the page (shop joined) and the count
    _reviewers(6, make_user, rural, pears, start=2)
    with django_assert_max_num_queries(small):
        data = client.execute(query, {key: target, "first": 20})
    assert len(data[field]["edges"]) == 8 and data[field]["totalCount"] == 8
    ratings = [edge["node"]["rating"] for edge in data[field]["edges"]]
    assert ratings == [1 + k % 5 for k in reversed(range(8))]  # newest first


def test_pages_follow_the_cursor(make_user, rural, pears):
    _reviewers(3, make_user, rural, pears)
    client = GraphQLClient()
    product = gid("Product", pears["variant"].product)
    first = client.execute(PRODUCT_REVIEWS, {"product": product, "first": 2})["productReviews"]
    assert first["pageInfo"]["hasNextPage"] and len(first["edges"]) == 2
    rest = client.execute(PRODUCT_REVIEWS, {"product": product, "first": 2, "after": first["pageInfo"]["endCursor"]})
    assert [e["node"]["text"] for e in rest["productReviews"]["edges"]] == ["第0条"]
    over = client.post(PRODUCT_REVIEWS, {"product": product, "first": 101}).json()
    assert over["errors"][0]["message"]
