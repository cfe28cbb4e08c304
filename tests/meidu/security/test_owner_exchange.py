"""Issue 13, the owner columns of the exchange's trader fields: the member whose listing, RFQ or
settlement it is succeeds; a trader of another member holding its id is refused with the
trading code and writes nothing at all; the "my" reads show each member only their own rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.members.models import FundsHold, FundsRequest
from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.trading.models import Auction, Contract, JournalEntry, Listing, LotReceipt, Rfq, Trade
from magnesium_exchange.warehouses.models import Receipt, ReceiptEvent
from meidu.core.ledger.models import LedgerPosting, LedgerTransaction
from tests.magnesium_exchange.trading_factories import balances
from tests.meidu.security.owner_checks import refusal_code
from tests.support.graphql import GraphQLClient, token_for
from tests.support.phone_codes import withdrawal_code

pytestmark = pytest.mark.django_db

LISTING_CREATE = (
    """mutation($input: ListingCreateInput!) { listingCreate(input: $input) { errors { code } listing { id } } }"""
)
PICK = """mutation($id: ID!, $q: Decimal!) { listingPick(id: $id, quantity: $q) {
  errors { code } trade { tradeNumber } } }"""
AUCTION_CREATE = (
    """mutation($input: AuctionCreateInput!) { auctionCreate(input: $input) { errors { code } auction { id } } }"""
)
RFQ_CREATE = """mutation($input: RfqCreateInput!) { rfqCreate(input: $input) { errors { code } rfq { id status } } }"""
QUOTE = (
    """mutation($rfq: ID!) { quoteSubmit(rfq: $rfq, price: "3010", quantity: "30") { errors { code } rfq { id } } }"""
)
MY = """{ myTrades(first: 10) { edges { node { tradeNumber } } }
  mySettlements(first: 10) { edges { node { id trade { tradeNumber } } } } }"""


@pytest.fixture
def parties(market, trader_factory):
    seller, buyer, other = market.member(), market.member(funds="500000.00"), market.member(funds="500000.00")
    users = {name: trader_factory(member) for name, member in (("seller", seller), ("buyer", buyer), ("other", other))}
    clients = {name: GraphQLClient(token_for(user)) for name, user in users.items()}
    return {
        "market": market,
        "members": {"seller": seller, "buyer": buyer, "other": other},
        "clients": clients,
        "users": users,
    }


def listed(p, net="100.000"):
    receipt = p["market"].receipt(p["members"]["seller"], net)
    data = p["clients"]["seller"].execute(
        LISTING_CREATE,
        {"input": {"grade": "fm-98", "price": "3000", "receipts": [receipt.number], "referencePrice": "3000"}},
    )["listingCreate"]
    assert data["errors"] == [], data
    return data["listing"]["id"]


def auction(p):
    receipt = p["market"].receipt(p["members"]["seller"])
    now = timezone.now()
    data = p["clients"]["seller"].execute(
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
    return data["auctionCreate"]["auction"]["id"]


def rfq(p):
    receipt = p["market"].receipt(p["members"]["seller"], "30.000")
    data = p["clients"]["seller"].execute(
        RFQ_CREATE,
        {
            "input": {
                "grade": "fm-98",
                "side": "sell",
                "receipts": [receipt.number],
                "referencePrice": "3000",
                "expiresAt": (timezone.now() + timedelta(hours=1)).isoformat(),
            }
        },
    )["rfqCreate"]
    assert data["errors"] == [], data
    return data["rfq"]["id"]


def quoted(p):
    rfq_id = rfq(p)
    assert p["clients"]["buyer"].execute(QUOTE, {"rfq": rfq_id})["quoteSubmit"]["errors"] == []
    quote_id = p["clients"]["seller"].execute("{ rfqs { quotes { quoteId } } }")["rfqs"][0]["quotes"][0]["quoteId"]
    return {"rfq": rfq_id, "q": quote_id}


def picked(p, buyer="buyer"):
    data = p["clients"][buyer].execute(PICK, {"id": listed(p), "q": "40"})["listingPick"]
    assert data["errors"] == [], data
    return data["trade"]["tradeNumber"]


def settlement_of_buyer(p):
    picked(p)
    return {"id": p["clients"]["buyer"].execute(MY)["mySettlements"]["edges"][0]["node"]["id"]}


def receipts_of_seller(p):
    receipt = p["market"].receipt(p["members"]["seller"], "30.000")
    return {
        "input": {
            "grade": "fm-98",
            "side": "sell",
            "receipts": [receipt.number],
            "referencePrice": "3000",
            "expiresAt": (timezone.now() + timedelta(hours=1)).isoformat(),
        }
    }


# name: (document, variables, the rightful caller, the other member's caller, what the success shows)
CASES = {
    "listingReprice": (
        """mutation($id: ID!) { listingReprice(id: $id, price: "3010") { errors { code } listing { price } } }""",
        lambda p: {"id": listed(p)},
        "seller",
        "other",
        lambda payload: payload["listing"]["price"] == "3010.00",
    ),
    "listingWithdraw": (
        """mutation($id: ID!) { listingWithdraw(id: $id) { errors { code } listing { status } } }""",
        lambda p: {"id": listed(p)},
        "seller",
        "other",
        lambda payload: payload["listing"]["status"] == "withdrawn",
    ),
    # A bid spends the bidder's own funds; the auction's own seller may not bid it up.
    "auctionBid": (
        """mutation($id: ID!) { auctionBid(id: $id, price: "2950", quantity: "50") {
          errors { code } auction { bestPrice } } }""",
        lambda p: {"id": auction(p)},
        "buyer",
        "seller",
        lambda payload: payload["auction"]["bestPrice"] == "2950.00",
    ),
    # Offering receipts in an RFQ: only their holder may.
    "rfqCreate": (
        RFQ_CREATE,
        receipts_of_seller,
        "seller",
        "other",
        lambda payload: payload["rfq"]["status"] == "open",
    ),
    # Quoting is for the others: the requester cannot quote on their own RFQ.
    "quoteSubmit": (QUOTE, lambda p: {"rfq": rfq(p)}, "buyer", "seller", lambda payload: payload["rfq"] is not None),
    "quoteAccept": (
        """mutation($rfq: ID!, $q: Int!) { quoteAccept(rfq: $rfq, quoteId: $q) { errors { code } rfq { status } } }""",
        quoted,
        "seller",
        "other",
        lambda payload: payload["rfq"]["status"] == "filled",
    ),
    "settlementPay": (
        """mutation($id: ID!) { settlementPay(id: $id) { errors { code } settlement { status } } }""",
        settlement_of_buyer,
        "buyer",
        "other",
        lambda payload: payload["settlement"]["status"] == "completed",
    ),
}
REFUSAL = {
    "listingReprice": "NOT_OWNER",
    "listingWithdraw": "NOT_OWNER",
    "auctionBid": "SELF_TRADE",
    "rfqCreate": "RECEIPT_NOT_YOURS",
    "quoteSubmit": "SELF_TRADE",
    "quoteAccept": "NOT_OWNER",
    "settlementPay": "NOT_FOUND",
}
MODELS = (
    Listing,
    Auction,
    Rfq,
    JournalEntry,
    Trade,
    Contract,
    LotReceipt,
    Settlement,
    FundsRequest,
    FundsHold,
    Receipt,
    ReceiptEvent,
    LedgerTransaction,
    LedgerPosting,
)


def exchange_rows() -> dict:
    """Every row of every table a trader's command can touch, whole: a refusal must leave all alone.
    (The server-wide write counter is no use here: the services write, then roll back a refusal.)"""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


@pytest.mark.parametrize("name", list(CASES))
def test_the_owning_member_acts_and_another_member_is_refused_writing_nothing(parties, name):
    document, variables_of, rightful, intruder, succeeded = CASES[name]
    variables = variables_of(parties)

    before = exchange_rows()
    body = parties["clients"][intruder].post(document, variables).json()
    assert refusal_code(body, name) == REFUSAL[name], body
    assert exchange_rows() == before, f"{name}: another member's refused call changed rows"

    payload = parties["clients"][rightful].execute(document, variables)[name]
    assert payload["errors"] == [], payload
    assert succeeded(payload), payload


def test_my_trades_and_settlements_show_only_the_members_own(parties):
    with_buyer, with_other = picked(parties, "buyer"), picked(parties, "other")
    seen = {name: client.execute(MY) for name, client in parties["clients"].items()}
    trades = {name: {e["node"]["tradeNumber"] for e in data["myTrades"]["edges"]} for name, data in seen.items()}
    settled = {
        name: {e["node"]["trade"]["tradeNumber"] for e in data["mySettlements"]["edges"]} for name, data in seen.items()
    }
    assert trades == settled == {"seller": {with_buyer, with_other}, "buyer": {with_buyer}, "other": {with_other}}


WITHDRAW = """mutation($amount: Decimal!, $code: String) {
  fundsWithdrawRequest(amount: $amount, phoneCode: $code) { errors { code }
  funds { availableAmount frozenAmount } } }"""


def test_a_withdrawal_freezes_only_the_callers_own_funds(parties):
    buyer, other = parties["members"]["buyer"], parties["members"]["other"]
    others_before = balances(other)
    # More than the seller holds (nothing) is refused even though other members are rich.
    before = exchange_rows()
    code = withdrawal_code(parties["users"]["seller"])
    body = parties["clients"]["seller"].post(WITHDRAW, {"amount": "1000.00", "code": code}).json()
    assert refusal_code(body, "fundsWithdrawRequest") == "INSUFFICIENT_FUNDS", body
    assert exchange_rows() == before

    code = withdrawal_code(parties["users"]["buyer"])
    payload = parties["clients"]["buyer"].execute(WITHDRAW, {"amount": "1000.00", "code": code})["fundsWithdrawRequest"]
    assert payload["errors"] == [], payload
    assert balances(buyer) == (Decimal("499000.00"), Decimal("1000.00"))
    assert balances(other) == others_before
