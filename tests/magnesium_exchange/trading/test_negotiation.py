"""Negotiated deals: a selling request (receipts locked, buyers quote with a deposit) and a buying one
(the quoting seller's receipts are locked on acceptance)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.trading.models import Rfq
from magnesium_exchange.trading.services import quote_accept, quote_submit, rfq_cancel, rfq_open
from magnesium_exchange.warehouses.models import ReceiptStatus
from tests.magnesium_exchange.trading.helpers import refused
from tests.magnesium_exchange.trading_factories import REFERENCE, balances

pytestmark = pytest.mark.django_db


def test_selling_request_quotes_counter_quote_and_accept(market):
    seller = market.member()
    a, b = market.member(funds="200000.00"), market.member(funds="200000.00")
    rfq = rfq_open(
        member=seller,
        grade=market.grade,
        side="sell",
        receipts=[market.receipt(seller, "50.000")],
        expires_at=timezone.now() + timedelta(hours=2),
        reference_price_fallback=REFERENCE,
    )
    quote_submit(rfq, member=a, price="2950", quantity="50")
    quote_submit(rfq, member=b, price="2980", quantity="50")
    quote_submit(rfq, member=a, price="3000", quantity="50")  # 还盘: a re-quotes
    rfq.refresh_from_db()
    assert len(rfq.quotes) == 2
    best = max(rfq.quotes, key=lambda q: Decimal(q["price"]))
    trade = quote_accept(rfq, member=seller, quote_id=best["quote_id"])
    assert (trade.buyer, trade.seller, trade.price) == (a, seller, Decimal("3000.00"))
    assert balances(b) == (Decimal("200000.00"), Decimal("0.00"))  # the losing quote's deposit is released
    assert balances(a) == (Decimal("185000.00"), Decimal("15000.00"))
    assert Rfq.objects.get(pk=rfq.pk).status == "filled"


def test_buying_request_locks_the_quoting_sellers_receipts_on_accept(market):
    buyer, holder = market.member(funds="200000.00"), market.member()
    receipt = market.receipt(holder, "80.000")
    rfq = rfq_open(
        member=buyer,
        grade=market.grade,
        side="buy",
        quantity=Decimal("30"),
        expires_at=timezone.now() + timedelta(hours=2),
        reference_price_fallback=REFERENCE,
    )
    quote_submit(rfq, member=holder, price="3050", quantity="30")
    rfq.refresh_from_db()
    trade = quote_accept(rfq, member=buyer, quote_id=rfq.quotes[0]["quote_id"])
    assert (trade.buyer, trade.seller, trade.quantity) == (buyer, holder, Decimal("30.000"))
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.SPLIT
    parts = sorted((r.quantity, r.status) for r in receipt.split_parts.all())
    assert parts == [(Decimal("30.000"), ReceiptStatus.LISTED), (Decimal("50.000"), ReceiptStatus.ACTIVE)]


def test_a_seller_quote_beyond_its_receipts_and_a_strangers_accept_are_refused(market):
    buyer, holder, stranger = market.member(funds="200000.00"), market.member(), market.member()
    market.receipt(holder, "20.000")
    rfq = rfq_open(
        member=buyer,
        grade=market.grade,
        side="buy",
        quantity=Decimal("30"),
        expires_at=timezone.now() + timedelta(hours=2),
        reference_price_fallback=REFERENCE,
    )
    refused("insufficient_quantity", lambda: quote_submit(rfq, member=holder, price="3050", quantity="30"))
    quote_submit(rfq, member=holder, price="3050", quantity="20")
    rfq.refresh_from_db()
    refused("not_owner", lambda: quote_accept(rfq, member=stranger, quote_id=rfq.quotes[0]["quote_id"]))
    rfq_cancel(rfq, member=buyer)
    assert Rfq.objects.get(pk=rfq.pk).status == "cancelled"


def test_the_beat_task_expires_requests_and_releases_quote_deposits(market):
    from magnesium_exchange.trading.tasks import trading_close_due

    seller, buyer = market.member(), market.member(funds="200000.00")
    receipt = market.receipt(seller, "50.000")
    expires = timezone.now() + timedelta(hours=1)
    rfq = rfq_open(
        member=seller,
        grade=market.grade,
        side="sell",
        receipts=[receipt],
        expires_at=expires,
        reference_price_fallback=REFERENCE,
    )
    quote_submit(rfq, member=buyer, price="3000", quantity="50")
    assert balances(buyer)[1] == Decimal("15000.00")
    assert trading_close_due((expires + timedelta(seconds=1)).isoformat())["rfqs"] == 1
    receipt.refresh_from_db()
    assert Rfq.objects.get(pk=rfq.pk).status == "expired" and receipt.status == ReceiptStatus.ACTIVE
    assert balances(buyer) == (Decimal("200000.00"), Decimal("0.00"))
