"""distributorEarnings: the distributor's own members read its commission (this week, by week, by
status, top products); commission staff too; a supplier whose goods it sells, another distributor,
a buyer and anonymous are refused. A fixed number of queries whatever the number of lines."""

from decimal import Decimal

from graphql_relay import to_global_id

from marketplace.shops.access import SHOP_TYPE
from meidu.accounts.roles import Role
from tests.marketplace.factories import open_shop
from tests.support.distribution import resale_orders
from tests.support.graphql import GraphQLClient, token_for

EARNINGS = """
query($shop: ID!) {
  distributorEarnings(shop: $shop) {
    currency thisWeek { amount } pending { amount } earned { amount } paid { amount } clawedBack { amount }
    weeks { weekStart earned { amount } }
    topProducts { name orders amount { amount } }
    lines { orderNumber status amount { amount } credited { amount } }
    realNameVerified payoutHoldCode
  }
}"""


def shop_id(shop):
    return to_global_id(SHOP_TYPE, shop.pk)


def test_only_the_distributors_members_and_staff_read_its_commission(
    buyer, rural, coop, distributor, pick, rules, make_user, operator
):
    [order] = resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 3)])
    variables = {"shop": shop_id(distributor["shop"])}
    own = GraphQLClient(token_for(distributor["owner"])).execute(EARNINGS, variables)["distributorEarnings"]
    assert own["pending"]["amount"] == 4.14 and own["thisWeek"]["amount"] == 4.14
    assert own["lines"] == [
        {"orderNumber": order.number, "status": "PENDING", "amount": {"amount": 4.14}, "credited": {"amount": 4.14}}
    ]
    assert own["topProducts"][0]["amount"]["amount"] == 4.14 and len(own["weeks"]) == 8
    staff = GraphQLClient(token_for(operator)).execute(EARNINGS, variables)["distributorEarnings"]
    assert staff == own

    other_owner = make_user(Role.BUYER)
    open_shop(other_owner, name="另一家分销小店", kind="distributor")
    for reader in (coop["owner"], other_owner, buyer):
        response = GraphQLClient(token_for(reader)).post(EARNINGS, variables).json()
        assert response["data"]["distributorEarnings"] is None
        assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    anonymous = GraphQLClient().post(EARNINGS, variables).json()
    assert anonymous["data"]["distributorEarnings"] is None and anonymous["errors"]


def test_the_query_count_does_not_grow_with_lines(
    buyer, rural, coop, distributor, pick, rules, django_assert_max_num_queries
):
    client = GraphQLClient(token_for(distributor["owner"]))
    variables = {"shop": shop_id(distributor["shop"])}
    resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 1)], key="one")
    with django_assert_max_num_queries(14):
        client.execute(EARNINGS, variables)
    for index in range(4):
        resale_orders(buyer, rural, distributor["shop"], [(coop["variant"], 1)], key=f"more-{index}")
    with django_assert_max_num_queries(14):
        result = client.execute(EARNINGS, variables)["distributorEarnings"]
    assert Decimal(str(result["pending"]["amount"])) == Decimal("6.90")
