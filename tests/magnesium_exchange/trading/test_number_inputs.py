"""The trading services refuse non-finite, non-numeric and absurd prices and tonnes with a domain
code (a second line behind the API's checks): never an exception, nothing written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.trading.services import (
    auction_bid,
    auction_open,
    listing_open,
    listing_pick,
    listing_reprice,
    quote_submit,
    rfq_open,
)
from tests.magnesium_exchange.trading_factories import REFERENCE, counts
from tests.refusals import assert_refused

pytestmark = pytest.mark.django_db

BAD = ["NaN", "Infinity", Decimal("-Infinity"), "abc", "1e30", 1.5]


@pytest.fixture
def stage(market):
    seller, buyer = market.member(), market.member(funds="500000.00")
    listing = listing_open(
        member=seller,
        grade=market.grade,
        price=Decimal("3000"),
        receipts=[market.receipt(seller)],
        reference_price_fallback=REFERENCE,
    )
    now = timezone.now()
    auction = auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller)],
        reserve_price=Decimal("2900"),
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=30),
        reference_price_fallback=REFERENCE,
    )
    rfq = rfq_open(
        member=seller,
        grade=market.grade,
        side="sell",
        receipts=[market.receipt(seller)],
        expires_at=now + timedelta(hours=1),
        reference_price_fallback=REFERENCE,
    )
    return market, seller, buyer, listing, auction, rfq


@pytest.mark.parametrize("bad", BAD, ids=str)
def test_bad_tonnes_are_refused_everywhere(stage, bad):
    market, seller, buyer, listing, auction, rfq = stage
    assert_refused(counts, "invalid_quantity", listing_pick, listing, member=buyer, quantity=bad)
    assert_refused(counts, "invalid_quantity", auction_bid, auction, member=buyer, price="2950", quantity=bad)
    assert_refused(counts, "invalid_quantity", quote_submit, rfq, member=buyer, price="3000", quantity=bad)
    assert_refused(
        counts,
        "invalid_quantity",
        listing_open,
        member=buyer,
        grade=market.grade,
        side="buy",
        quantity=bad,
        price="3000",
        reference_price_fallback=REFERENCE,
    )
    assert_refused(
        counts,
        "invalid_quantity",
        rfq_open,
        member=buyer,
        grade=market.grade,
        side="buy",
        quantity=bad,
        expires_at=timezone.now() + timedelta(hours=1),
        reference_price_fallback=REFERENCE,
    )


@pytest.mark.parametrize("bad", BAD, ids=str)
def test_bad_prices_are_refused_everywhere(stage, bad):
    market, seller, buyer, listing, auction, rfq = stage
    assert_refused(counts, "invalid_price", listing_reprice, listing, member=seller, price=bad)
    assert_refused(counts, "invalid_price", auction_bid, auction, member=buyer, price=bad, quantity="10")
    assert_refused(counts, "invalid_price", quote_submit, rfq, member=buyer, price=bad, quantity="10")
    now = timezone.now()
    assert_refused(
        counts,
        "invalid_price",
        auction_open,
        member=buyer,
        grade=market.grade,
        kind="procurement",
        lots=[("10", bad)],
        starts_at=now,
        ends_at=now + timedelta(minutes=5),
        reference_price_fallback=REFERENCE,
    )


def test_the_refusal_is_in_words(stage):
    market, seller, buyer, listing, auction, rfq = stage
    error = assert_refused(counts, "invalid_quantity", listing_pick, listing, member=buyer, quantity="NaN")
    assert (error.field, error.message) == ("quantity", "数量必须是大于零的吨数，最多三位小数")
    error = assert_refused(counts, "invalid_quantity", listing_pick, listing, member=buyer, quantity="1e30")
    assert error.message == "数值过大：最多 10000000"
