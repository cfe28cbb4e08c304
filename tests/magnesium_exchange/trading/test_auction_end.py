"""An auction past its end reads as closed to everyone at once (selectors, API), before any job ran;
the due-time task clears it within seconds and costs one query when nothing is due."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from graphql_relay import to_global_id

from magnesium_exchange.trading.models import Auction, Trade
from magnesium_exchange.trading.selectors import auction_list, auction_status_now
from magnesium_exchange.trading.services import auction_close_if_due, auction_open, auctions_close_due
from magnesium_exchange.trading.tasks import auctions_close_due_task
from tests.magnesium_exchange.trading.helpers import ended_auction
from tests.magnesium_exchange.trading_factories import REFERENCE
from tests.support.graphql import token_for

pytestmark = pytest.mark.django_db


def test_past_its_end_it_reads_closed_everywhere_before_the_task_ran(market):
    seller, bidder = market.member(), market.member(funds="500000.00")
    auction = ended_auction(market, seller, bidder)
    running = auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller)],
        reserve_price=Decimal("2900"),
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(minutes=30),
        reference_price_fallback=REFERENCE,
    )
    assert auction_status_now(auction) == "closed" and auction_status_now(running) == "open"
    assert list(auction_list(status="open")) == [running]
    assert list(auction_list(status="closed")) == [auction]


def test_the_api_says_closed_past_the_end(market, trader_factory):
    seller, bidder = market.member(), market.member(funds="500000.00")
    auction = ended_auction(market, seller, bidder)
    token = token_for(trader_factory(bidder))
    query = """query($id: ID!) { auction(id: $id) { status } open: auctions(status: "open") { id }
      closed: auctions(status: "closed") { id status } }"""
    body = {"query": query, "variables": {"id": to_global_id("ExchangeAuction", auction.pk)}}
    data = (
        Client()
        .post("/graphql/", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        .json()["data"]
    )
    assert data["auction"] == {"status": "closed"}
    assert data["open"] == []
    assert data["closed"] == [{"id": to_global_id("ExchangeAuction", auction.pk), "status": "closed"}]


def test_the_due_task_clears_every_auction_past_its_end(market, django_assert_num_queries):
    seller, bidder = market.member(), market.member(funds="500000.00")
    first = ended_auction(market, seller, bidder)
    second = ended_auction(market, seller, market.member(funds="500000.00"), minutes_ago=1)
    assert auctions_close_due_task(timezone.now().isoformat()) == 2
    assert set(Auction.objects.values_list("status", flat=True)) == {"closed"}
    assert Trade.objects.filter(aggregate_type="auction", aggregate_pk__in=[first.pk, second.pk]).count() == 2
    with django_assert_num_queries(1):  # nothing due: one indexed query, cheap every few seconds
        assert auctions_close_due() == 0


def test_the_task_runs_every_few_seconds_in_the_beat_schedule():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "magnesium_exchange.trading.tasks.auctions_close_due"
    ]
    assert len(entries) == 1 and entries[0]["schedule"] <= 10


def test_a_reader_clears_it_once_and_a_running_one_is_left_alone(market, django_assert_num_queries):
    seller, bidder = market.member(), market.member(funds="500000.00")
    auction = ended_auction(market, seller, bidder)
    cleared = auction_close_if_due(auction)
    assert (
        cleared.status == "closed"
        and Trade.objects.filter(aggregate_pk=auction.pk, aggregate_type="auction").count() == 1
    )
    stale = Auction.objects.get(pk=auction.pk)
    stale.status = "open"  # a reader holding a row read before another transaction cleared it
    assert auction_close_if_due(stale).status == "closed"
    assert Trade.objects.filter(aggregate_pk=auction.pk, aggregate_type="auction").count() == 1
    running = auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller)],
        reserve_price=Decimal("2900"),
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(minutes=30),
        reference_price_fallback=REFERENCE,
    )
    with django_assert_num_queries(0):
        assert auction_close_if_due(running).status == "open"
