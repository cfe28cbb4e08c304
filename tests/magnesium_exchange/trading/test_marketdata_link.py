"""Trading and market data: every trade goes on the tape; a published reference price sets the band
(the configured one on open is only the fallback)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.marketdata.models import TradePrint
from magnesium_exchange.marketdata.services import reference_price_set
from magnesium_exchange.trading.services import listing_open, listing_pick
from tests.magnesium_exchange.trading.helpers import refused
from tests.magnesium_exchange.trading_factories import REFERENCE

pytestmark = pytest.mark.django_db


def test_every_trade_is_printed_on_the_tape(market):
    seller, buyer = market.member(), market.member(funds="500000.00")
    listing = listing_open(
        member=seller,
        grade=market.grade,
        price=Decimal("3000"),
        receipts=[market.receipt(seller)],
        reference_price_fallback=REFERENCE,
    )
    trade = listing_pick(listing, member=buyer, quantity="40")
    printed = TradePrint.objects.get(reference=trade.engine_trade_id)
    assert (printed.price, printed.quantity, printed.grade_id) == (trade.price, trade.quantity, trade.grade_id)


def test_the_published_reference_price_sets_the_limit(market, operator_user):
    seller = market.member()
    reference_price_set(
        grade=market.grade,
        day=timezone.localdate() - timedelta(days=1),
        price=Decimal("2500.00"),
        reason="开盘参考价",
        actor=operator_user,
    )
    receipt = market.receipt(seller)
    # 3000 is inside the configured fallback's band but outside 2500 ± 8% (2300-2700)
    refused(
        "price_outside_limit",
        lambda: listing_open(
            member=seller,
            grade=market.grade,
            price=Decimal("3000"),
            receipts=[receipt],
            reference_price_fallback=REFERENCE,
        ),
    )
    listing = listing_open(
        member=seller, grade=market.grade, price=Decimal("2600"), receipts=[receipt], reference_price_fallback=REFERENCE
    )
    assert listing.reference_price == Decimal("2500.00")
