"""Sale auctions through the services: bids, outbids, anti-sniping, close; refusals write nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.trading.models import Auction, Trade
from magnesium_exchange.trading.services import auction_bid, auction_close, auction_open, auctions_close_due
from magnesium_exchange.warehouses.models import Receipt, ReceiptStatus
from tests.magnesium_exchange.trading.helpers import refused
from tests.magnesium_exchange.trading_factories import REFERENCE, balances

pytestmark = pytest.mark.django_db


def _auction(market, seller, receipts, reserve="2900", minutes=30, **kwargs):
    now = timezone.now()
    return auction_open(
        member=seller,
        grade=market.grade,
        receipts=receipts,
        reserve_price=Decimal(reserve),
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=minutes),
        reference_price_fallback=REFERENCE,
        **kwargs,
    )


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

    return LotReceipt.objects.filter(
        aggregate_type="auction", aggregate_pk=auction.pk, superseded=False
    ).select_related("receipt")


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


@pytest.mark.parametrize(
    "price,quantity,code",
    [
        ("2899", "10", "below_reserve"),
        ("2950.5", "10", "price_off_tick"),
        ("3300", "10", "price_outside_limit"),
        ("2950", "5", "below_min_pick"),
        ("2950", "200", "quantity_exceeds_available"),
    ],
)
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
    refused(
        "ended",
        lambda: auction_bid(
            auction, member=bidder, price="2950", quantity="10", now=auction.ends_at + timedelta(seconds=1)
        ),
    )


def _procurement(market, buyer, lots=(("100", "3100"),), minutes=30):
    now = timezone.now()
    return auction_open(
        member=buyer,
        grade=market.grade,
        kind="procurement",
        lots=list(lots),
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=minutes),
        reference_price_fallback=REFERENCE,
    )


def test_procurement_auction_offers_lock_receipts_and_the_lowest_offers_win(market):
    buyer = market.member(funds="100000.00")
    s1, s2, s3 = market.member(), market.member(), market.member()
    r1, r2 = market.receipt(s1, "80.000"), market.receipt(s2, "60.000")
    market.receipt(s3, "100.000")
    auction = _procurement(market, buyer)
    assert balances(buyer) == (Decimal("69000.00"), Decimal("31000.00"))  # 10% of the ceiling value
    auction_bid(auction, member=s1, price="3050", quantity="60")
    auction_bid(auction, member=s2, price="3000", quantity="60")
    r1.refresh_from_db(), r2.refresh_from_db()
    assert (r1.status, r2.status) == (ReceiptStatus.LISTED, ReceiptStatus.LISTED)
    auction_bid(auction, member=s3, price="2990", quantity="50")  # s1's offer is pushed out
    r1.refresh_from_db()
    assert r1.status == ReceiptStatus.ACTIVE
    auction_close(auction, now=auction.ends_at + timedelta(seconds=1))
    trades = {t.seller_id: t for t in Trade.objects.filter(aggregate_type="auction", aggregate_pk=auction.pk)}
    assert set(trades) == {s2.pk, s3.pk}
    assert (trades[s3.pk].quantity, trades[s3.pk].price) == (Decimal("50.000"), Decimal("2990.00"))
    assert (trades[s2.pk].quantity, trades[s2.pk].price) == (Decimal("50.000"), Decimal("3000.00"))
    assert all(t.buyer_id == buyer.pk for t in trades.values())
    # each trade holds its seller's receipts, split to the tonnes; the rest is unlocked again
    for seller, trade in ((s2, trades[s2.pk]), (s3, trades[s3.pk])):
        sold = trade.receipts.get().receipt
        assert (sold.holder_id, sold.quantity, sold.status) == (seller.pk, Decimal("50.000"), ReceiptStatus.LISTED)
    live = Receipt.objects.filter(holder__in=[s2, s3], status=ReceiptStatus.ACTIVE).order_by("quantity")
    assert [r.quantity for r in live] == [Decimal("10.000"), Decimal("50.000")]
    # the initiator's deposit: applied to the trades, the rest released
    assert balances(buyer)[1] == trades[s2.pk].deposit + trades[s3.pk].deposit


def test_procurement_offers_above_the_ceiling_or_beyond_receipts_are_refused(market):
    buyer = market.member(funds="100000.00")
    seller = market.member()
    market.receipt(seller, "30.000")
    auction = _procurement(market, buyer)
    refused("above_ceiling", lambda: auction_bid(auction, member=seller, price="3101", quantity="30"))
    refused("insufficient_quantity", lambda: auction_bid(auction, member=seller, price="3000", quantity="40"))
    refused("self_trade", lambda: auction_bid(auction, member=buyer, price="3000", quantity="10"))


def test_a_procurement_beyond_the_initiators_funds_is_refused(market):
    buyer = market.member(funds="1000.00")
    refused("insufficient_funds", lambda: _procurement(market, buyer))


def test_a_receipt_cut_into_lots_of_a_size_the_last_taking_the_rest(market):
    seller = market.member()
    receipt = market.receipt(seller, "60.000")
    auction = _auction(market, seller, [receipt], lot_size=Decimal("25"))
    assert [(lot["quantity"], lot["reserve_price"]) for lot in auction.lots] == [
        ("25.000", "2900.00"),
        ("25.000", "2900.00"),
        ("10.000", "2900.00"),
    ]
    whole = _auction(market, seller, [market.receipt(seller, "30.000")], lot_size=Decimal("45"))
    assert [lot["quantity"] for lot in whole.lots] == ["30.000"]  # a size above the tonnes is one lot


@pytest.mark.parametrize(
    "lot_size, lots", [(Decimal("0"), None), (Decimal("-5"), None), (Decimal("10"), [("60", "2900")])]
)
def test_a_lot_size_of_nothing_or_beside_lots_is_refused(market, lot_size, lots):
    seller = market.member()
    receipt = market.receipt(seller, "60.000")
    refused("invalid_quantity", lambda: _auction(market, seller, [receipt], lot_size=lot_size, lots=lots))
    assert Receipt.objects.get(pk=receipt.pk).status == ReceiptStatus.ACTIVE
