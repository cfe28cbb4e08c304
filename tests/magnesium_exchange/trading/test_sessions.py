"""Trading sessions: orders are accepted on the calendar's trading days inside each mode's hours and
refused outside them with OUTSIDE_TRADING_SESSION (naming the hours and the next opening), in the
trader's language; withdrawing stays possible; the demo/test market is open every day."""

import datetime as dt
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client, override_settings
from django.utils import timezone, translation

from magnesium_exchange.trading.models import Listing, TradingHoliday
from magnesium_exchange.trading.services import (
    auction_bid,
    auction_open,
    listing_open,
    listing_pick,
    listing_withdraw,
    quote_submit,
    rfq_open,
)
from magnesium_exchange.trading.sessions import session_is_open, session_next_open, sessions_cache_forget
from tests.magnesium_exchange.trading_factories import REFERENCE, counts
from tests.refusals import assert_refused
from tests.support.graphql import token_for

pytestmark = pytest.mark.django_db

HOURS = {"listing": "09:00-11:30,13:30-15:00", "auction": "09:30-11:30,13:30-15:00", "rfq": "09:00-11:30,13:30-16:00"}
EXCHANGE_HOURS = override_settings(EXCHANGE_SESSIONS_EVERY_DAY=False, EXCHANGE_SESSIONS=HOURS)


def beijing(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


SUNDAY = beijing(2026, 12, 6, 10, 0)
MONDAY_MORNING = beijing(2026, 11, 30, 10, 0)
MONDAY_LUNCH = beijing(2026, 11, 30, 12, 0)


@pytest.fixture(autouse=True)
def fresh_calendar():
    sessions_cache_forget()
    with translation.override("zh-hans"):
        yield
    sessions_cache_forget()


@EXCHANGE_HOURS
def test_hours_days_and_holidays():
    assert session_is_open("listing", MONDAY_MORNING)
    assert not session_is_open("listing", MONDAY_LUNCH)
    assert not session_is_open("listing", SUNDAY)
    assert not session_is_open("auction", beijing(2026, 11, 30, 9, 15))  # auctions start at 09:30
    assert session_is_open("rfq", beijing(2026, 11, 30, 15, 30)) and not session_is_open(
        "listing", beijing(2026, 11, 30, 15, 30)
    )
    TradingHoliday.objects.create(date=dt.date(2026, 12, 1), name="测试休市")
    sessions_cache_forget()
    assert not session_is_open("listing", beijing(2026, 12, 1, 10, 0))
    assert session_next_open("listing", beijing(2026, 11, 30, 15, 0)) == beijing(2026, 12, 2, 9, 0)


def test_the_demo_and_test_market_is_open_every_day_around_the_clock():
    assert session_is_open("auction", beijing(2026, 12, 6, 3, 0))  # a Sunday night


@EXCHANGE_HOURS
def test_orders_on_a_sunday_are_refused_in_words_and_nothing_is_written(market):
    seller, buyer = market.member(), market.member(funds="500000.00")
    receipt = market.receipt(seller)
    error = assert_refused(
        counts,
        "outside_trading_session",
        listing_open,
        member=seller,
        grade=market.grade,
        price=Decimal("3000"),
        receipts=[receipt],
        reference_price_fallback=REFERENCE,
        now=SUNDAY,
    )
    assert error.message == (
        "当前不在挂牌交易时段：交易日 09:00–11:30、13:30–15:00（北京时间）；下次开市 2026-12-07 09:00"
    )
    listing = listing_open(
        member=seller,
        grade=market.grade,
        price=Decimal("3000"),
        receipts=[receipt],
        reference_price_fallback=REFERENCE,
        now=MONDAY_MORNING,
    )
    assert_refused(counts, "outside_trading_session", listing_pick, listing, member=buyer, quantity="10", now=SUNDAY)
    assert_refused(
        counts, "outside_trading_session", listing_pick, listing, member=buyer, quantity="10", now=MONDAY_LUNCH
    )
    assert_refused(
        counts,
        "outside_trading_session",
        auction_open,
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller)],
        reserve_price="2900",
        starts_at=SUNDAY,
        ends_at=SUNDAY + timedelta(hours=1),
        reference_price_fallback=REFERENCE,
        now=SUNDAY,
    )
    assert_refused(
        counts,
        "outside_trading_session",
        rfq_open,
        member=buyer,
        grade=market.grade,
        side="buy",
        quantity="10",
        expires_at=SUNDAY + timedelta(hours=1),
        reference_price_fallback=REFERENCE,
        now=SUNDAY,
    )
    listing_withdraw(listing, member=seller, now=SUNDAY)  # taking risk off is never refused
    assert Listing.objects.get(pk=listing.pk).status == "withdrawn"


@EXCHANGE_HOURS
def test_bids_and_quotes_outside_the_sessions_are_refused(market):
    seller, buyer = market.member(), market.member(funds="500000.00")
    auction = auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller)],
        reserve_price=Decimal("2900"),
        starts_at=MONDAY_MORNING,
        ends_at=MONDAY_MORNING + timedelta(hours=5),
        reference_price_fallback=REFERENCE,
        now=MONDAY_MORNING,
    )
    assert_refused(
        counts,
        "outside_trading_session",
        auction_bid,
        auction,
        member=buyer,
        price="2950",
        quantity="10",
        now=MONDAY_LUNCH,
    )
    auction_bid(auction, member=buyer, price="2950", quantity="10", now=MONDAY_MORNING + timedelta(minutes=1))
    rfq = rfq_open(
        member=seller,
        grade=market.grade,
        side="sell",
        receipts=[market.receipt(seller)],
        expires_at=MONDAY_MORNING + timedelta(days=3),
        reference_price_fallback=REFERENCE,
        now=MONDAY_MORNING,
    )
    assert_refused(
        counts, "outside_trading_session", quote_submit, rfq, member=buyer, price="3000", quantity="10", now=SUNDAY
    )


LISTING_CREATE = """
mutation($input: ListingCreateInput!) { listingCreate(input: $input) {
  errors { field code message } listing { id } } }"""


@override_settings(EXCHANGE_SESSIONS_EVERY_DAY=False, EXCHANGE_SESSIONS={**HOURS, "listing": ""})
def test_the_api_answers_with_the_code_in_chinese_and_english(market, trader_factory):
    seller = market.member()
    receipt = market.receipt(seller)
    token = token_for(trader_factory(seller))
    variables = {"input": {"grade": "fm-98", "price": "3000", "receipts": [receipt.number], "referencePrice": "3000"}}
    for language, words in (
        ("zh-hans", "当前不在挂牌交易时段"),
        ("en", "Outside the trading sessions of listing trading"),
    ):
        response = (
            Client()
            .post(
                "/graphql/",
                json.dumps({"query": LISTING_CREATE, "variables": variables}),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_ACCEPT_LANGUAGE=language,
            )
            .json()["data"]["listingCreate"]
        )
        assert response["listing"] is None
        [error] = response["errors"]
        assert error["code"] == "OUTSIDE_TRADING_SESSION" and error["message"].startswith(words)
