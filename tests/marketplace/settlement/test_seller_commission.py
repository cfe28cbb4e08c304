"""Issue 12: a seller reads the commission of their own orders and the rules that can price their
shop (API); strangers and other shops' members are refused."""

from decimal import Decimal

from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.settlement.models import CommissionRule
from marketplace.settlement.selectors import commission_rates_of_orders
from meidu.accounts.roles import Role
from tests.marketplace.checkout.helpers import placed_orders
from tests.marketplace.factories import open_shop
from tests.marketplace.settlement.journeys import released_cooker_order
from tests.support.graphql import GraphQLClient, token_for

ORDER_RATES = """query($shop: ID!, $numbers: [Int!]!) { shopOrderCommissions(shop: $shop, numbers: $numbers) {
  orderNumber ratePercents isFinal } }"""
SHOP_RULES = """query($shop: ID!) { commissionRules(shop: $shop, first: 20) { edges { node { ratePercent shopKind
  category { slug } } } } }"""


def shop_id(shop):
    return to_global_id("MarketplaceShop", shop.pk)


def test_a_seller_reads_the_rate_of_each_of_their_orders(
    buyer, rural, pears, cooker, rules, django_assert_max_num_queries
):
    pear_orders = [placed_orders(buyer, rural, [(pears["variant"], 1)], key=f"p{n}")[0] for n in range(3)]
    cooker_order = released_cooker_order(buyer, rural, cooker)
    farmer = GraphQLClient(token_for(pears["owner"]))
    numbers = [order.number for order in pear_orders] + [cooker_order.number]
    with django_assert_max_num_queries(12):
        rows = farmer.execute(ORDER_RATES, {"shop": shop_id(pears["shop"]), "numbers": numbers})["shopOrderCommissions"]
    # The pears' own rule (3%), not yet frozen; the store's order is not the farmer's and is left out.
    assert rows == [{"orderNumber": order.number, "ratePercents": ["3.00"], "isFinal": False} for order in pear_orders]
    store = GraphQLClient(token_for(cooker["owner"]))
    rows = store.execute(ORDER_RATES, {"shop": shop_id(cooker["shop"]), "numbers": numbers})["shopOrderCommissions"]
    assert rows == [{"orderNumber": cooker_order.number, "ratePercents": ["6.00"], "isFinal": True}]


def test_a_rule_added_after_the_order_does_not_change_its_rate(buyer, rural, pears, rules):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)])
    CommissionRule.objects.create(category=rules["pears"].category, rate_percent="1.00", effective_from=timezone.now())
    assert commission_rates_of_orders([order]) == {order.pk: ([Decimal("3.00")], False)}


def test_a_seller_reads_the_rules_that_can_price_their_shop(pears, rules):
    farmer = GraphQLClient(token_for(pears["owner"]))
    nodes = [
        edge["node"]
        for edge in farmer.execute(SHOP_RULES, {"shop": shop_id(pears["shop"])})["commissionRules"]["edges"]
    ]
    assert sorted(node["ratePercent"] for node in nodes) == ["3.00", "4.00", "5.00"]  # not the stores' 6% and 8%
    assert all(node["shopKind"] is None for node in nodes)


def test_others_are_refused_and_too_many_orders_is_an_error(buyer, rural, pears, make_user, rules):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 1)])
    rival = make_user(Role.SELLER)
    open_shop(rival)
    for client in (GraphQLClient(token_for(rival)), GraphQLClient(token_for(buyer)), GraphQLClient()):
        for query, variables in (
            (ORDER_RATES, {"shop": shop_id(pears["shop"]), "numbers": [order.number]}),
            (SHOP_RULES, {"shop": shop_id(pears["shop"])}),
        ):
            response = client.post(query, variables).json()
            assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied", response
    farmer = GraphQLClient(token_for(pears["owner"]))
    response = farmer.post(ORDER_RATES, {"shop": shop_id(pears["shop"]), "numbers": list(range(1, 102))}).json()
    assert response["errors"][0]["extensions"]["exception"] == {"code": "INVALID", "field": "numbers"}
    assert "100" in response["errors"][0]["message"]
