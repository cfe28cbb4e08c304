"""Rebuilding every listing, auction and RFQ from its journal gives exactly the state in the tables."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.trading.services import (
    auction_bid,
    auction_close,
    auction_open,
    listing_open,
    listing_pick,
    listing_reprice,
    listing_withdraw,
    quote_submit,
    rfq_open,
)
from tests.magnesium_exchange.trading.helpers import assert_tables_equal_journal
from tests.magnesium_exchange.trading_factories import REFERENCE

pytestmark = pytest.mark.django_db


def test_every_aggregate_rebuilt_from_its_journal_equals_its_row(market):
    seller = market.member()
    buyers = [market.member(funds="400000.00") for _ in range(3)]
    listing = listing_open(
        member=seller,
        grade=market.grade,
        price=Decimal("3000"),
        receipts=[market.receipt(seller)],
        min_pick="10",
        step="10",
        reference_price_fallback=REFERENCE,
    )
    listing_pick(listing, member=buyers[0], quantity="20")
    listing_reprice(listing, member=seller, price=Decimal("3050"))
    listing_pick(listing, member=buyers[1], quantity="30")
    listing_withdraw(listing, member=seller)
    wanted = listing_open(
        member=buyers[2],
        grade=market.grade,
        side="buy",
        quantity=Decimal("40"),
        price=Decimal("2990"),
        reference_price_fallback=REFERENCE,
    )
    listing_reprice(wanted, member=buyers[2], price=Decimal("3100"))
    now = timezone.now()
    auction = auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller, "60.000")],
        lots=[("30", "2900"), ("30", "2950")],
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=10),
        reference_price_fallback=REFERENCE,
    )
    for i, buyer in enumerate(buyers):
        auction_bid(auction, member=buyer, price=str(2950 + 10 * i), quantity="20", lot_id="2")
        auction_bid(auction, member=buyer, price=str(2900 + 5 * i), quantity="10", lot_id="1")
    auction_bid(auction, member=buyers[0], price="3100", quantity="30", lot_id="2")
    open_auction = auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller, "20.000")],
        reserve_price=Decimal("2900"),
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=10),
        reference_price_fallback=REFERENCE,
    )
    auction_bid(open_auction, member=buyers[1], price="2900", quantity="20")
    assert_tables_equal_journal()
    auction_close(auction, now=now + timedelta(minutes=11))
    rfq = rfq_open(
        member=seller,
        grade=market.grade,
        side="sell",
        receipts=[market.receipt(seller, "30.000")],
        expires_at=now + timedelta(hours=1),
        reference_price_fallback=REFERENCE,
    )
    quote_submit(rfq, member=buyers[2], price="3000", quantity="30")
    procurement = auction_open(
        member=buyers[0],
        grade=market.grade,
        kind="procurement",
        lots=[("40", "3100")],
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=10),
        reference_price_fallback=REFERENCE,
    )
    holder = market.member()
    market.receipt(holder, "50.000")
    auction_bid(procurement, member=holder, price="3050", quantity="40")
    auction_bid(procurement, member=seller, price="3000", quantity="20")
    assert assert_tables_equal_journal() == 6
