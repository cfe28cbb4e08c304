"""GraphQL: shopEarnings and shopPayouts for the shop's members and operators only;
commissionRules and commissionRuleCreate for operators (MANAGE_ORDERS)."""

from decimal import Decimal

from django.utils import timezone
from graphql_relay import to_global_id

from marketplace.settlement.models import CommissionRule
from marketplace.settlement.services.payouts import payout_batch_create
from meidu.accounts.roles import Role
from tests.marketplace.factories import catalogue_basics, open_shop
from tests.marketplace.settlement.journeys import released_cooker_order
from tests.support.graphql import GraphQLClient, token_for

EARNINGS = """query($shop: ID!) { shopEarnings(shop: $shop) {
  currency pending { amount } available { amount currency } paidOut { amount }
  weekly { weekStart amount { amount } } } }"""
PAYOUTS = """query($shop: ID!) { shopPayouts(shop: $shop, first: 10) { totalCount edges { node {
  reference amount { amount } status weekEnd accountLast4 lines { orderNumber amount { amount } } } } } }"""
RULES = "{ commissionRules(first: 20) { edges { node { ratePercent shopKind category { slug } } } } }"
CREATE = """mutation($input: CommissionRuleCreateInput!) { commissionRuleCreate(input: $input) {
  commissionRule { ratePercent shopKind category { slug } } errors { field code message } } }"""


def shop_id(shop):
    return to_global_id("MarketplaceShop", shop.pk)


def test_owner_and_operator_read_earnings_and_payouts(
    buyer, rural, cooker, operator, rules, django_assert_max_num_queries
):
    order = released_cooker_order(buyer, rural, cooker)
    payout_batch_create(timezone.localdate())
    owner = GraphQLClient(token_for(cooker["owner"]))
    data = owner.execute(EARNINGS, {"shop": shop_id(cooker["shop"])})["shopEarnings"]
    assert data["currency"] == "CNY"
    assert (data["pending"]["amount"], data["available"]["amount"], data["paidOut"]["amount"]) == (0, 0, 374.12)
    assert len(data["weekly"]) == 12 and data["weekly"][-1]["amount"]["amount"] == 374.12
    with django_assert_max_num_queries(12):
        payouts = owner.execute(PAYOUTS, {"shop": shop_id(cooker["shop"])})["shopPayouts"]
    [edge] = payouts["edges"]
    assert edge["node"]["amount"]["amount"] == 374.12 and edge["node"]["status"] == "CREATED"
    assert edge["node"]["lines"] == [{"orderNumber": order.number, "amount": {"amount": 374.12}}]
    assert edge["node"]["accountLast4"] == cooker["shop"].payout_account_number[-4:]
    staff = GraphQLClient(token_for(operator))
    assert staff.execute(EARNINGS, {"shop": shop_id(cooker["shop"])})["shopEarnings"]["paidOut"]["amount"] == 374.12


def test_another_shops_member_and_strangers_are_refused(buyer, rural, cooker, make_user, rules):
    released_cooker_order(buyer, rural, cooker)
    rival = make_user(Role.BUYER)
    open_shop(rival)
    for client in (GraphQLClient(token_for(rival)), GraphQLClient(token_for(buyer)), GraphQLClient()):
        for query in (EARNINGS, PAYOUTS):
            response = client.post(query, {"shop": shop_id(cooker["shop"])}).json()
            assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied", response
            assert list(response["data"].values()) == [None]


def test_operators_list_and_create_rules(operator, rules):
    staff = GraphQLClient(token_for(operator))
    nodes = [edge["node"] for edge in staff.execute(RULES)["commissionRules"]["edges"]]
    assert {"ratePercent": "6.00", "shopKind": "STORE", "category": {"slug": "fruit"}} in nodes
    fruit = to_global_id("Category", catalogue_basics()["fruit"].pk)
    start = (timezone.now() + timezone.timedelta(days=1)).isoformat()
    data = staff.execute(
        CREATE,
        {
            "input": {
                "ratePercent": "4.50",
                "category": fruit,
                "shopKind": "COOPERATIVE",
                "effectiveFrom": start,
                "note": "合作社优惠",
            }
        },
    )["commissionRuleCreate"]
    assert data["errors"] == []
    assert data["commissionRule"] == {"ratePercent": "4.50", "shopKind": "COOPERATIVE", "category": {"slug": "fruit"}}
    assert CommissionRule.objects.filter(rate_percent=Decimal("4.50"), created_by=operator).exists()


def test_rule_refusals(operator, make_user, rules):
    count = CommissionRule.objects.count()
    seller = GraphQLClient(token_for(make_user(Role.SELLER)))
    denied = seller.post(CREATE, {"input": {"ratePercent": "1.00"}}).json()
    assert denied["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    denied = seller.post(RULES).json()
    assert denied["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    staff = GraphQLClient(token_for(operator))
    too_high = staff.execute(CREATE, {"input": {"ratePercent": "120"}})["commissionRuleCreate"]
    assert too_high["errors"] == [
        {"field": "ratePercent", "code": "INVALID", "message": too_high["errors"][0]["message"]}
    ]
    past = staff.execute(CREATE, {"input": {"ratePercent": "3", "effectiveFrom": "2020-01-01T00:00:00+08:00"}})
    assert past["commissionRuleCreate"]["errors"][0]["code"] == "INVALID"
    wrong_id = staff.execute(CREATE, {"input": {"ratePercent": "3", "category": to_global_id("Order", 1)}})
    assert wrong_id["commissionRuleCreate"]["errors"][0]["code"] == "GRAPHQL_ERROR"
    assert CommissionRule.objects.count() == count


MARK_PAID = """mutation($id: ID!, $ref: String) { payoutMarkPaid(id: $id, bankReference: $ref) {
  payout { status bankReference settledAt } errors { field code } } }"""
MARK_FAILED = """mutation($id: ID!, $reason: String!) { payoutMarkFailed(id: $id, reason: $reason) {
  payout { status } errors { field code } } }"""


def test_finance_operator_marks_payouts_paid_or_returned_once(buyer, rural, cooker, operator, rules):
    from marketplace.settlement.selectors import shop_balances

    released_cooker_order(buyer, rural, cooker)
    [payout] = payout_batch_create(timezone.localdate()).payouts.all()
    payout_id = to_global_id("Payout", payout.pk)
    staff = GraphQLClient(token_for(operator))
    data = staff.execute(MARK_PAID, {"id": payout_id, "ref": " ICBC-20261129-0001 "})["payoutMarkPaid"]
    assert data["errors"] == [] and data["payout"]["status"] == "PAID"
    assert data["payout"]["bankReference"] == "ICBC-20261129-0001" and data["payout"]["settledAt"]
    again = staff.execute(MARK_FAILED, {"id": payout_id, "reason": "账户已销户"})["payoutMarkFailed"]
    assert again["errors"] == [{"field": "id", "code": "INVALID_STATUS"}] and again["payout"] is None
    assert shop_balances(cooker["shop"].pk)["paid_out"].amount == Decimal("374.12")  # nothing moved back


def test_a_returned_payout_puts_the_money_back_to_available(buyer, rural, cooker, operator, rules):
    from marketplace.settlement.selectors import shop_balances

    released_cooker_order(buyer, rural, cooker)
    [payout] = payout_batch_create(timezone.localdate()).payouts.all()
    staff = GraphQLClient(token_for(operator))
    data = staff.execute(MARK_FAILED, {"id": to_global_id("Payout", payout.pk), "reason": "账户已销户"})[
        "payoutMarkFailed"
    ]
    assert data["errors"] == [] and data["payout"]["status"] == "FAILED"
    balances = shop_balances(cooker["shop"].pk)
    assert (balances["available"].amount, balances["paid_out"].amount) == (Decimal("374.12"), Decimal("0.00"))


def test_sellers_buyers_and_unknown_payouts_are_refused(buyer, rural, cooker, operator, rules):
    released_cooker_order(buyer, rural, cooker)
    [payout] = payout_batch_create(timezone.localdate()).payouts.all()
    payout_id = to_global_id("Payout", payout.pk)
    for client in (GraphQLClient(token_for(cooker["owner"])), GraphQLClient(token_for(buyer)), GraphQLClient()):
        response = client.post(MARK_PAID, {"id": payout_id}).json()
        assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied", response
    payout.refresh_from_db()
    assert payout.status == "created"
    staff = GraphQLClient(token_for(operator))
    missing = staff.execute(MARK_PAID, {"id": to_global_id("Payout", 999999)})["payoutMarkPaid"]
    assert missing["errors"][0]["field"] == "id" and missing["payout"] is None
