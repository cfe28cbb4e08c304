"""The risk API: marginCalls scoped like loans (a bank sees its own, a member's traders their member's,
operators all, anyone else none) and loanForcedSaleStart, which only the loan's bank may call, refused
before the line with nothing written."""

from decimal import Decimal

import pytest
from graphql_relay import to_global_id

from magnesium_exchange.financing.models import ForcedSale, LoanStatus
from magnesium_exchange.financing.services.margin import margin_call_review
from magnesium_exchange.members.services import trader_add
from meidu.accounts.roles import Role
from tests.magnesium_exchange.financing.lending import snapshot
from tests.magnesium_exchange.financing.risk_factories import active_loan, price_today
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

CALLS = """query($status: String) { marginCalls(first: 20, status: $status) { totalCount edges { node {
  id status statusDisplay ltvPercent deadline resolution loan { number status bank { code } debt { total } } } } } }"""
START = """mutation($id: ID!, $reserve: Decimal) { loanForcedSaleStart(id: $id, reservePrice: $reserve) {
  forcedSale { id status reason auctionId loan { number status } } loan { status } errors { field code message } } }"""


def client(user):
    return GraphQLClient(token_for(user))


def lid(loan):
    return to_global_id("FinancingLoan", loan.pk)


def test_margin_calls_are_seen_by_their_bank_borrower_and_operators_only(lending, make_user, operator_user):
    ccb_loan, _ = active_loan(lending)
    hxb_loan, _ = active_loan(lending, bank=lending.hxb)
    price_today(lending, "2700")
    margin_call_review(ccb_loan)
    margin_call_review(hxb_loan)
    stranger = make_user(Role.TRADER)
    trader_add(lending.market.member("营口青花耐火材料有限公司"), stranger)

    def loans(c, status=None):
        return {e["node"]["loan"]["number"] for e in c.execute(CALLS, {"status": status})["marginCalls"]["edges"]}

    assert loans(client(lending.ccb_officer)) == {ccb_loan.number}
    assert loans(GraphQLClient(lending.ccb_app.raw_token)) == {ccb_loan.number}
    assert loans(client(lending.hxb_officer)) == {hxb_loan.number}
    assert loans(client(lending.trader)) == {ccb_loan.number, hxb_loan.number}
    assert loans(client(operator_user)) == {ccb_loan.number, hxb_loan.number}
    assert loans(client(stranger)) == set() and loans(client(make_user(Role.BUYER))) == set()
    assert GraphQLClient().execute(CALLS)["marginCalls"]["totalCount"] == 0
    assert loans(client(lending.ccb_officer), "resolved") == set()
    assert loans(client(lending.ccb_officer), "nosuch") == set()
    bad = client(lending.ccb_officer).post(CALLS, {"status": "no\x00such"}).json()
    assert bad["errors"][0]["extensions"]["exception"]["code"] == "INVALID"
    node = client(lending.ccb_officer).execute(CALLS, {"status": "open"})["marginCalls"]["edges"][0]["node"]
    assert (node["status"], node["ltvPercent"], node["loan"]["debt"]["total"]) == ("open", "66.67", "144000.00")


def test_only_the_loans_bank_starts_a_forced_sale_and_not_before_the_line(lending):
    loan, _ = active_loan(lending)
    before = snapshot()
    body = client(lending.ccb_officer).execute(START, {"id": lid(loan)})["loanForcedSaleStart"]
    assert body["errors"][0]["code"] == "LIQUIDATION_NOT_ALLOWED" and body["forcedSale"] is None
    price_today(lending, "2200")
    before = snapshot()
    body = client(lending.hxb_officer).execute(START, {"id": lid(loan)})["loanForcedSaleStart"]
    assert body["errors"][0]["code"] == "NOT_YOUR_BANK"
    body = GraphQLClient(lending.hxb_app.raw_token).execute(START, {"id": lid(loan)})["loanForcedSaleStart"]
    assert body["errors"][0]["code"] == "NOT_YOUR_BANK"
    body = client(lending.ccb_officer).execute(START, {"id": lid(loan), "reserve": "-5"})["loanForcedSaleStart"]
    assert body["errors"][0]["code"] == "INVALID_AMOUNT" and body["errors"][0]["field"] == "reservePrice"
    assert snapshot() == before

    body = GraphQLClient(lending.ccb_app.raw_token).execute(START, {"id": lid(loan)})["loanForcedSaleStart"]
    assert body["errors"] == []
    assert (body["forcedSale"]["status"], body["forcedSale"]["reason"], body["loan"]["status"]) == (
        "open",
        "liquidation_line",
        LoanStatus.ENFORCING,
    )
    sale = ForcedSale.objects.get()
    assert sale.started_by is None and sale.auction.band_low == Decimal("2760.00")
