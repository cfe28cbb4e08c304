"""The trader's GraphQL: list, pick, bid, my trades and settlements, pay; grants and visibility."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.magnesium_exchange.trading.queries import AUCTION_CREATE, BID, LISTING_CREATE, PICK
from tests.magnesium_exchange.trading_factories import balances
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

MY = """
{ myTrades(first: 10) { totalCount edges { node { tradeNumber buyerName sellerName } } }
  mySettlements(first: 10) { edges { node { id status balanceDue trade { tradeNumber } } } } }"""
PAY = """mutation($id: ID!) { settlementPay(id: $id) {
  errors { code message } settlement { status deliveredReceipts } } }"""


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
    data = client.execute(
        LISTING_CREATE,
        {"input": {"grade": "fm-98", "price": price, "receipts": [receipt.number], "referencePrice": "3000"}},
    )["listingCreate"]
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
    created = client.execute(
        AUCTION_CREATE,
        {
            "input": {
                "grade": "fm-98",
                "receipts": [receipt.number],
                "reservePrice": "2900",
                "referencePrice": "3000",
                "startsAt": (now - timedelta(seconds=1)).isoformat(),
                "endsAt": (now + timedelta(minutes=30)).isoformat(),
            }
        },
    )
    auction_id = created["auctionCreate"]["auction"]["id"]
    bid = parties["buyer"][1].execute(BID, {"id": auction_id, "p": "2950", "q": "50"})["auctionBid"]
    assert bid["errors"] == [] and bid["auction"]["bestPrice"] == "2950.00"
    low = parties["other"][1].execute(BID, {"id": auction_id, "p": "2800", "q": "50"})["auctionBid"]
    assert low["errors"][0]["code"] == "BELOW_RESERVE"
    view = parties["other"][1].execute(
        "query($id: ID!) { auction(id: $id) { bidCount liveBidCount lots { liveQuantity } } }", {"id": auction_id}
    )
    assert view["auction"] == {"bidCount": 1, "liveBidCount": 1, "lots": [{"liveQuantity": "50.000"}]}


def test_only_traders_with_the_trade_grant_act(market, trader_factory, make_user):
    member = market.member(funds="100000.00")
    no_grant = GraphQLClient(token_for(trader_factory(member, can_trade=False)))
    response = no_grant.post(
        LISTING_CREATE,
        {"input": {"grade": "fm-98", "price": "3000", "side": "buy", "quantity": "10", "referencePrice": "3000"}},
    ).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    from meidu.accounts.roles import Role

    stranger = GraphQLClient(token_for(make_user(Role.TRADER)))
    response = stranger.post("{ listings(first: 5) { totalCount } }").json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"


def test_listing_board_costs_a_fixed_number_of_queries(market, parties, django_assert_max_num_queries):
    for _ in range(6):
        _list(market, parties)
    client = parties["buyer"][1]
    query = (
        '{ listings(first: 20, grade: "fm-98", status: "open") {'
        " totalCount edges { node { id price remaining ownerName grade gradeName } } } }"
    )
    with django_assert_max_num_queries(12):
        data = client.execute(query)
    assert data["listings"]["totalCount"] == 6


def test_procurement_auction_through_the_api(market, parties):
    buyer, client = parties["buyer"]
    seller, seller_client = parties["seller"]
    market.receipt(seller, "60.000")
    now = timezone.now()
    created = client.execute(
        AUCTION_CREATE,
        {
            "input": {
                "grade": "fm-98",
                "kind": "procurement",
                "lots": [{"quantity": "50", "price": "3100"}],
                "referencePrice": "3000",
                "startsAt": (now - timedelta(seconds=1)).isoformat(),
                "endsAt": (now + timedelta(minutes=30)).isoformat(),
            }
        },
    )
    assert created["auctionCreate"]["errors"] == []
    auction_id = created["auctionCreate"]["auction"]["id"]
    offer = seller_client.execute(BID, {"id": auction_id, "p": "3050", "q": "50"})["auctionBid"]
    assert offer["errors"] == [] and offer["auction"]["bestPrice"] == "3050.00"
    bad = client.execute(
        AUCTION_CREATE,
        {
            "input": {
                "grade": "fm-98",
                "kind": "swap",
                "lots": [{"quantity": "50", "price": "3100"}],
                "startsAt": now.isoformat(),
                "endsAt": (now + timedelta(minutes=30)).isoformat(),
            }
        },
    )
    assert bad["auctionCreate"]["errors"][0]["code"] == "INVALID"


def test_negotiated_deal_through_the_api(market, parties):
    seller, seller_client = parties["seller"]
    buyer, buyer_client = parties["buyer"]
    receipt = market.receipt(seller, "30.000")
    expires = (timezone.now() + timedelta(hours=1)).isoformat()
    created = seller_client.execute(
        "mutation($input: RfqCreateInput!) { rfqCreate(input: $input) { errors { code } rfq { id status } } }",
        {
            "input": {
                "grade": "fm-98",
                "side": "sell",
                "receipts": [receipt.number],
                "expiresAt": expires,
                "referencePrice": "3000",
            }
        },
    )["rfqCreate"]
    rfq_id = created["rfq"]["id"]
    quoted = buyer_client.execute(
        "mutation($rfq: ID!) { quoteSubmit(rfq: $rfq, price: \"3010\", quantity: \"30\") { errors { code } "
        "rfq { quotes { quoteId quoterName price } } } }",
        {"rfq": rfq_id},
    )["quoteSubmit"]
    assert quoted["errors"] == [] and quoted["rfq"]["quotes"][0]["quoterName"] == buyer.name
    # an outsider sees no quotes; the requester sees them all
    seen = parties["other"][1].execute("{ rfqs { id quotes { quoteId } } }")["rfqs"]
    assert seen[0]["quotes"] == []
    quote_id = seller_client.execute("{ rfqs { quotes { quoteId } } }")["rfqs"][0]["quotes"][0]["quoteId"]
    accepted = seller_client.execute(
        "mutation($rfq: ID!, $q: Int!) { quoteAccept(rfq: $rfq, quoteId: $q) { errors { code } "
        "trade { buyerName sellerName quantity price } rfq { status } } }",
        {"rfq": rfq_id, "q": quote_id},
    )["quoteAccept"]
    assert accepted["errors"] == [] and accepted["rfq"]["status"] == "filled"
    assert accepted["trade"] == {
        "buyerName": buyer.name,
        "sellerName": seller.name,
        "quantity": "30.000",
        "price": "3010.00",
    }


def test_only_operators_close_an_auction_through_the_api(market, parties, operator_user):
    seller, client = parties["seller"]
    receipt = market.receipt(seller)
    now = timezone.now()
    created = client.execute(
        AUCTION_CREATE,
        {
            "input": {
                "grade": "fm-98",
                "receipts": [receipt.number],
                "reservePrice": "2900",
                "referencePrice": "3000",
                "startsAt": (now - timedelta(seconds=1)).isoformat(),
                "endsAt": (now + timedelta(minutes=30)).isoformat(),
            }
        },
    )
    auction_id = created["auctionCreate"]["auction"]["id"]
    close = "mutation($id: ID!) { auctionClose(id: $id) { errors { code } auction { status } } }"
    response = client.post(close, {"id": auction_id}).json()
    assert response["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
    early = GraphQLClient(token_for(operator_user)).execute(close, {"id": auction_id})["auctionClose"]
    assert early["errors"][0]["code"] == "NOT_ENDED"


def test_a_bid_through_the_api_costs_a_fixed_number_of_queries(market, parties, django_assert_max_num_queries):
    seller, client = parties["seller"]
    now = timezone.now()
    created = client.execute(
        AUCTION_CREATE,
        {
            "input": {
                "grade": "fm-98",
                "receipts": [market.receipt(seller).number],
                "reservePrice": "2900",
                "referencePrice": "3000",
                "startsAt": (now - timedelta(seconds=1)).isoformat(),
                "endsAt": (now + timedelta(minutes=30)).isoformat(),
            }
        },
    )
    auction_id = created["auctionCreate"]["auction"]["id"]
    buyer = parties["buyer"][1]
    assert buyer.execute(BID, {"id": auction_id, "p": "2950", "q": "50"})["auctionBid"]["errors"] == []
    # user, trader, then the service's five round trips (see test_bid_holds); the payload's auction is the
    # locked row
    with django_assert_max_num_queries(7):
        bid = buyer.execute(BID, {"id": auction_id, "p": "2960", "q": "50"})["auctionBid"]
    assert bid["errors"] == [] and bid["auction"]["bestPrice"] == "2960.00"
    missing = buyer.execute(BID, {"id": "RXhjaGFuZ2VBdWN0aW9uOjk5OTk5", "p": "2960", "q": "50"})["auctionBid"]
    assert missing["errors"][0]["code"] == "NOT_FOUND"
