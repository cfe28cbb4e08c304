"""The trader's GraphQL: list, pick, bid, my trades and settlements, pay; grants and visibility."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.conftest import GraphQLClient, token_for
from tests.magnesium_exchange.trading_factories import balances

pytestmark = pytest.mark.django_db

LISTING_CREATE = """
mutation($input: ListingCreateInput!) { listingCreate(input: $input) {
  errors { field code message } listing { id status quantity price ownerName grade } } }"""
PICK = """
mutation($id: ID!, $q: Decimal!) { listingPick(id: $id, quantity: $q) {
  errors { field code message } trade { id tradeNumber buyerName sellerName quantity value deposit contractNumber receipts }
  listing { remaining status } } }"""
AUCTION_CREATE = """
mutation($input: AuctionCreateInput!) { auctionCreate(input: $input) { errors { code message } auction { id status } } }"""
BID = """
mutation($id: ID!, $p: Decimal!, $q: Decimal!) { auctionBid(id: $id, price: $p, quantity: $q) {
  errors { field code message } auction { bidCount bestPrice lots { lotId liveBids bestPrice } } } }"""
MY = """
{ myTrades(first: 10) { totalCount edges { node { tradeNumber buyerName sellerName } } }
  mySettlements(first: 10) { edges { node { id status balanceDue trade { tradeNumber } } } } }"""
PAY = """mutation($id: ID!) { settlementPay(id: $id) { errors { code message } settlement { status deliveredReceipts } } }"""


@pytest.fixture
def parties(market, trader_factory):
    seller, buyer, other = market.member(), market.member(funds="500000.00"), market.member(funds="500000.00")
    return {
        "seller": (seller, GraphQLClient(token_for(trader_factory(seller)))),
        "buyer": (buyer, GraphQLClient(token_for(trader_factory(buyer)))),
        "other": (other, GraphQLClient(token_for(trader_factory(other)))),
    }


def _list(market, parties, price="3000"):
    seller, client = parties["seller"]
    receipt = market.receipt(seller)
    data = client.execute(LISTING_CREATE, {"input": {"grade": "fm-98", "price": price, "receipts": [receipt.number],
                                                     "referencePrice": "3000"}})["listingCreate"]
    return data


def test_list_pick_see_my_trades_and_pay(market, parties):
    created = _list(market, parties)
    assert created["errors"] == [] and created["listing"]["quantity"] == "100.000"
    buyer, buyer_client = parties["buyer"]
    picked = buyer_client.execute(PICK, {"id": created["listing"]["id"], "q": "40"})["listingPick"]
    assert picked["errors"] == []
    trade = picked["trade"]
    assert trade["value"] == "120000.00" and trade["deposit"] == "12000.00" and len(trade["receipts"]) == 1
    assert picked["listing"] == {"remaining": "60.000", "status": "open"}

    mine = buyer_client.execute(MY)
    assert mine["myTrades"]["totalCount"] == 1
    seller_view = parties["seller"][1].execute(MY)
    assert seller_view["myTrades"]["edges"][0]["node"]["tradeNumber"] == trade["tradeNumber"]
    outsider = parties["other"][1].execute(MY)
    assert outsider["myTrades"]["totalCount"] == 0 and outsider["mySettlements"]["edges"] == []

    settlement_id = mine["mySettlements"]["edges"][0]["node"]["id"]
    refused = parties["other"][1].execute(PAY, {"id": settlement_id})["settlementPay"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"
    paid = buyer_client.execute(PAY, {"id": settlement_id})["settlementPay"]
    assert paid["errors"] == [] and paid["settlement"]["status"] == "completed"
    assert balances(buyer)[1] == Decimal("0.00")


def test_refusals_come_back_as_trading_error_codes(market, parties):
    created = _list(market, parties)
    data = parties["buyer"][1].execute(PICK, {"id": created["listing"]["id"], "q": "5"})["listingPick"]
    assert data["errors"][0]["code"] == "BELOW_MIN_PICK" and data["trade"] is None
    bad = _list(market, parties, price="3500")
    assert bad["errors"][0]["code"] == "PRICE_OUTSIDE_LIMIT" and bad["errors"][0]["field"] == "price"


def test_auction_bids_through_the_api(market, parties):
    seller, client = parties["seller"]
    receipt = market.receipt(seller)
    now = timezone.now()
    created = client.execute(AUCTION_CREATE, {"input": {
        "grade": "fm-98", "receipts": [receipt.number], "reservePrice": "2900", "referencePrice": "3000",
        "startsAt": (now - timedelta(seconds=1)).isoformat(), "endsAt": (now + timedelta(minutes=30)).isoformat()}})
    auction_id = created["auctionCreate"]["auction"]["id"]
    bid = parties["buyer"][1].execute(BID, {"id": auction_id, "p": "2950", "q": "50"})["auctionBid"]
    assert bid["errors"] == [] and bid["auction"]["bestPrice"] == "2950.00"
    low = parties["other"][1].execute(BID, {"id": auction_id, "p": "2800", "q": "50"})["auctionBid"]
    assert low["errors"][0]["code"] == "BELOW_RESERVE"
    view = parties["other"][1].execute("query($id: ID!) { auction(id: $id) { bidCount liveBidCount lots { liveQuantity } } }",
                                       {"id": auction_id})
    assert view["auction"] == {"bidCount": 1, "liveBidCount": 1, "lots": [{"liveQuantity": "50.000"}]}


def test_only_traders_with_the_trade_grant_act(market, trader_factory, make_user):
    member = market.member(funds="100000.00")
    no_grant = GraphQLClient(token_for(trader_factory(member, can_trade=False)))
    response = no_grant.post(LISTING_CREATE, {"input": {"grade": "fm-98", "price": "3000", "side": "buy",
                                                        "quantity": "10", "referencePrice": "3000"}}).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    from meidu.accounts.roles import Role

    stranger = GraphQLClient(token_for(make_user(Role.TRADER)))
    response = stranger.post("{ listings(first: 5) { totalCount } }").json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_listing_board_costs_a_fixed_number_of_queries(market, parties, django_assert_max_num_queries):
    for _ in range(6):
        _list(market, parties)
    client = parties["buyer"][1]
    query = "{ listings(first: 20, grade: \"fm-98\", status: \"open\") { totalCount edges { node { id price remaining ownerName grade gradeName } } } }"
    with django_assert_max_num_queries(12):
        data = client.execute(query)
    assert data["listings"]["totalCount"] == 6
