"""Sale auctions through the services: bids, outbids, anti-sniping, close; refusals write nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.trading.models import Auction, Trade
from magnesium_exchange.trading.services import auction_bid, auction_close, auction_open, auctions_close_due
from magnesium_exchange.warehouses.models import ReceiptStatus
from meidu.core.errors import DomainError
from tests.magnesium_exchange.trading.test_listings import refused
from tests.magnesium_exchange.trading_factories import REFERENCE, balances

pytestmark = pytest.mark.django_db


def _auction(market, seller, receipts, reserve="2900", minutes=30, **kwargs):
    now = timezone.now()
    return auction_open(member=seller, grade=market.grade, receipts=receipts, reserve_price=Decimal(reserve),
                        starts_at=now - timedelta(seconds=1), ends_at=now + timedelta(minutes=minutes),
                        reference_price_fallback=REFERENCE, **kwargs)


def test_bids_outbid_and_close_allocates_by_price_then_time(market):
    seller = market.member()
    a, b, c = (market.member(funds="300000.00") for _ in range(3))
    receipt = market.receipt(seller, "100.000")
    auction = _auction(market, seller, [receipt])
    auction_bid(auction, member=a, price="2950", quantity="60")
    auction_bid(auction, member=b, price="3000", quantity="40")
    assert balances(a) == (Decimal("282300.00"), Decimal("17700.00"))
    auction_bid(auction, member=c, price="3010", quantity="60")  # covers the lot: a is pushed out
    assert balances(a) == (Decimal("300000.00"), Decimal("0.00"))
    auction.refresh_from_db()
    assert (auction.bid_count, auction.live_bid_count, auction.best_price) == (3, 2, Decimal("3010.00"))

    auction_close(auction, now=auction.ends_at + timedelta(seconds=1))
    auction.refresh_from_db()
    assert auction.status == "closed" and auction.sold_quantity == Decimal("100.000")
    trades = {t.buyer_id: t for t in Trade.objects.filter(aggregate_type="auction", aggregate_pk=auction.pk)}
    assert trades[c.pk].quantity == Decimal("60.000") and trades[c.pk].price == Decimal("3010.00")
    assert trades[b.pk].quantity == Decimal("40.000")
    assert Settlement.objects.filter(trade__in=trades.values()).count() == 2
    assert balances(c)[1] == Decimal("18060.00")  # the deposit stays frozen for the settlement


def test_unsold_receipts_are_unlocked_at_close(market):
    seller, bidder = market.member(), market.member(funds="300000.00")
    receipt = market.receipt(seller, "100.000")
    auction = _auction(market, seller, [receipt])
    auction_bid(auction, member=bidder, price="2900", quantity="30")
    auction_close(auction, now=auction.ends_at + timedelta(seconds=1))
    statuses = sorted(lr.receipt.status for lr in auction_lots(auction))
    assert statuses == [ReceiptStatus.ACTIVE, ReceiptStatus.LISTED]


def auction_lots(auction):
    from magnesium_exchange.trading.models import LotReceipt

    return LotReceipt.objects.filter(aggregate_type="auction", aggregate_pk=auction.pk, superseded=False).select_related("receipt")


def test_a_late_bid_extends_the_auction(market):
    seller, bidder = market.member(), market.member(funds="300000.00")
    auction = _auction(market, seller, [market.receipt(seller)], minutes=1)
    auction_bid(auction, member=bidder, price="2900", quantity="10")
    auction.refresh_from_db()
    assert auction.extensions == 1


def test_the_beat_task_closes_ended_auctions(market):
    from magnesium_exchange.trading.tasks import trading_close_due as task

    seller, bidder = market.member(), market.member(funds="300000.00")
    auction = _auction(market, seller, [market.receipt(seller)], minutes=30)
    auction_bid(auction, member=bidder, price="2900", quantity="100")
    assert auctions_close_due(timezone.now()) == 0
    assert task((auction.ends_at + timedelta(seconds=1)).isoformat())["auctions"] == 1
    assert Auction.objects.get(pk=auction.pk).status == "closed"


@pytest.mark.parametrize("price,quantity,code", [
    ("2899", "10", "below_reserve"),
    ("2950.5", "10", "price_off_tick"),
    ("3300", "10", "price_outside_limit"),
    ("2950", "5", "below_min_pick"),
    ("2950", "200", "quantity_exceeds_available"),
])
def test_bad_bids_are_refused_with_nothing_written(market, price, quantity, code):
    seller, bidder = market.member(), market.member(funds="300000.00")
    auction = _auction(market, seller, [market.receipt(seller)])
    refused(code, lambda: auction_bid(auction, member=bidder, price=price, quantity=quantity))


def test_a_bid_beyond_available_funds_is_refused(market):
    seller, bidder = market.member(), market.member(funds="1000.00")
    auction = _auction(market, seller, [market.receipt(seller)])
    refused("insufficient_funds", lambda: auction_bid(auction, member=bidder, price="2950", quantity="100"))


def test_a_bid_from_an_excluded_counterparty_is_refused(market):
    from magnesium_exchange.members.services import member_counterparty_set

    seller, bidder = market.member(), market.member(funds="300000.00")
    member_counterparty_set(seller, bidder, "deny")
    auction = _auction(market, seller, [market.receipt(seller)])
    refused("excluded_counterparty", lambda: auction_bid(auction, member=bidder, price="2950", quantity="10"))


def test_a_bid_after_the_end_and_an_early_close_are_refused(market):
    seller, bidder = market.member(), market.member(funds="300000.00")
    auction = _auction(market, seller, [market.receipt(seller)])
    refused("not_ended", lambda: auction_close(auction))
    refused("ended", lambda: auction_bid(auction, member=bidder, price="2950", quantity="10",
                                         now=auction.ends_at + timedelta(seconds=1)))


def test_procurement_auctions_are_not_offered_yet(market):
    seller = market.member()
    with pytest.raises(DomainError) as info:
        _auction(market, seller, [market.receipt(seller)], kind="procurement")
    assert info.value.code == "not_supported"
