"""Decimal inputs are refused at the edge when no field could take them (issue 12): NaN,
Infinity, 1e30 and over-precise values are INVALID in the reader's language before any
service runs, instead of InvalidOperation with Python's text or a tonnage-cap refusal."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.trading.models import Trade
from tests.magnesium_exchange.trading.queries import AUCTION_CREATE, BID, LISTING_CREATE, PICK
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

ZH_NON_FINITE = "请输入数字（不能是 NaN 或 Infinity）。"
EN_NON_FINITE = "Enter a number (not NaN or Infinity)."
ZH_RANGE = "请输入整数部分最多 14 位、小数部分最多 6 位的数字。"
EN_RANGE = "Enter a number with at most 14 digits before the decimal point and 6 after it."


@pytest.fixture
def parties(market, trader_factory):
    seller, buyer = market.member(), market.member(funds="500000.00")
    return {
        "seller": (seller, GraphQLClient(token_for(trader_factory(seller)))),
        "buyer": (buyer, GraphQLClient(token_for(trader_factory(buyer)))),
    }


@pytest.fixture
def listing_id(market, parties):
    seller, client = parties["seller"]
    receipt = market.receipt(seller)
    data = client.execute(
        LISTING_CREATE,
        {"input": {"grade": "fm-98", "price": "3000", "receipts": [receipt.number], "referencePrice": "3000"}},
    )["listingCreate"]
    return data["listing"]["id"]


@pytest.fixture
def auction_id(market, parties):
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
    return created["auctionCreate"]["auction"]["id"]


def _refused(client, query, variables, language):
    response = client.client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {client.token}",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    content = response.json()
    assert content.get("data") is None, content
    assert len(content["errors"]) == 1, content
    error = content["errors"][0]
    return error["extensions"]["exception"]["code"], error["message"]


CASES = [
    ("NaN", ZH_NON_FINITE, EN_NON_FINITE),
    ("Infinity", ZH_NON_FINITE, EN_NON_FINITE),
    ("-Infinity", ZH_NON_FINITE, EN_NON_FINITE),
    ("1e30", ZH_RANGE, EN_RANGE),
    ("0.0000001", ZH_RANGE, EN_RANGE),
    ("五十", "请输入数字，例如 12.5。", "Enter a number, such as 12.5."),
]
IDS = ["nan_case", "infinity_case", "minus_infinity_case", "huge_case", "too_precise_case", "not_a_number_case"]


@pytest.mark.parametrize(("quantity", "zh", "en"), CASES, ids=IDS)
def test_listing_pick_refuses_a_quantity_no_field_can_take(parties, listing_id, quantity, zh, en):
    buyer = parties["buyer"][1]
    assert _refused(buyer, PICK, {"id": listing_id, "q": quantity}, "zh-hans") == ("INVALID", zh)
    assert _refused(buyer, PICK, {"id": listing_id, "q": quantity}, "en") == ("INVALID", en)
    assert Trade.objects.count() == 0


@pytest.mark.parametrize(("quantity", "zh", "en"), CASES, ids=IDS)
def test_auction_bid_refuses_a_quantity_no_field_can_take(parties, auction_id, quantity, zh, en):
    buyer = parties["buyer"][1]
    assert _refused(buyer, BID, {"id": auction_id, "p": "2950", "q": quantity}, "zh-hans") == ("INVALID", zh)
    assert _refused(buyer, BID, {"id": auction_id, "p": quantity, "q": "50"}, "en") == ("INVALID", en)
    assert parties["buyer"][1].execute("query($id: ID!) { auction(id: $id) { bidCount } }", {"id": auction_id})[
        "auction"
    ] == {"bidCount": 0}


def test_a_literal_nan_is_refused_as_well(parties, listing_id):
    query = f'mutation {{ listingPick(id: "{listing_id}", quantity: "NaN") {{ errors {{ code }} }} }}'
    assert _refused(parties["buyer"][1], query, {}, "zh-hans") == ("INVALID", ZH_NON_FINITE)
    assert _refused(parties["buyer"][1], query, {}, "en") == ("INVALID", EN_NON_FINITE)


def test_a_json_number_is_read_as_written(parties, listing_id):
    picked = parties["buyer"][1].execute(PICK, {"id": listing_id, "q": 40.0})["listingPick"]
    assert picked["errors"] == [] and picked["trade"]["quantity"] == "40.000"
    from meidu.core.graphql.scalars import parse_decimal  # here, so the API cases above run without it

    assert parse_decimal(0.1) == Decimal("0.1")  # not 0.1000000000000000055511151231257827
