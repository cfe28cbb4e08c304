"""The terminal's other auction and negotiation forms: a sale auction in several lots, a procurement
auction (竞买) that sellers win by offering low, and a selling request for quote (询价求售) that buyers
quote on; refusals as form messages with nothing written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.trading.models import Auction, Rfq, Trade
from magnesium_exchange.trading.services import auction_close
from magnesium_exchange.warehouses.models import ReceiptStatus
from tests.magnesium_exchange.trading_factories import balances, counts
from tests.storefront.terminal import T, local, logged_in, sell_listing

pytestmark = pytest.mark.django_db


def test_a_sale_auction_in_lots_and_a_bid_on_one_lot(market, desk, referenced):
    receipt = market.receipt(desk["seller"], "60.000")
    seller = logged_in(desk["seller_user"])
    assert "每标段吨数" in seller.get(f"{T}auctions/new/").content.decode()
    response = seller.post(
        f"{T}auctions/new/",
        {
            "receipt": receipt.pk,
            "reserve_price": "2900",
            "lot_size": "25",
            "ends_at": local(timezone.now() + timedelta(hours=2)),
        },
        follow=True,
    )
    auction = Auction.objects.get()
    assert [(lot["quantity"], lot["reserve_price"]) for lot in auction.lots] == [
        ("25.000", "2900.00"),
        ("25.000", "2900.00"),
        ("10.000", "2900.00"),
    ]
    buyer = logged_in(desk["buyer_user"])
    response = buyer.post(f"{T}auctions/{auction.pk}/", {"lot": "2", "price": "2950", "quantity": "25"}, follow=True)
    assert "出价成功" in response.content.decode()
    auction.refresh_from_db()
    assert [lot["best_price"] for lot in auction.lots] == [None, "2950.00", None]


def test_a_lot_size_of_nothing_is_refused_by_the_form(market, desk, referenced):
    receipt = market.receipt(desk["seller"], "60.000")
    before = counts()
    response = logged_in(desk["seller_user"]).post(
        f"{T}auctions/new/",
        {
            "receipt": receipt.pk,
            "reserve_price": "2900",
            "lot_size": "0",
            "ends_at": local(timezone.now() + timedelta(hours=2)),
        },
    )
    assert response.status_code == 200 and "标段吨数须大于 0" in response.content.decode()
    assert counts() == before


def test_a_procurement_auction_is_won_by_the_lowest_offer(market, desk, referenced):
    buyer = logged_in(desk["buyer_user"])
    assert "发起竞买" in buyer.get(f"{T}auctions/").content.decode()
    assert "最高限价（元/吨）" in buyer.get(f"{T}auctions/new/procurement/").content.decode()
    response = buyer.post(
        f"{T}auctions/new/procurement/",
        {
            "grade": market.grade.pk,
            "quantity": "30",
            "ceiling_price": "3100",
            "ends_at": local(timezone.now() + timedelta(hours=1)),
        },
        follow=True,
    )
    auction = Auction.objects.get()
    assert (auction.kind, auction.initiator, auction.quantity) == ("procurement", desk["buyer"], Decimal("30.000"))
    assert "竞买已发起" in response.content.decode()
    assert balances(desk["buyer"])[0] == Decimal("500000.00") - Decimal("9300.00")  # 10% of 30 t x 3100 held
    receipt = market.receipt(desk["seller"], "40.000")
    seller = logged_in(desk["seller_user"])
    response = seller.post(f"{T}auctions/{auction.pk}/", {"lot": "1", "price": "3000", "quantity": "30"}, follow=True)
    assert "出价成功" in response.content.decode()
    receipt.refresh_from_db()
    assert receipt.status != ReceiptStatus.ACTIVE  # locked behind the live offer
    auction_close(auction, now=auction.ends_at + timedelta(seconds=1))
    trade = Trade.objects.get()
    assert (trade.buyer, trade.seller, trade.quantity, trade.price) == (
        desk["buyer"],
        desk["seller"],
        Decimal("30.000"),
        Decimal("3000.00"),
    )
    assert "中标" in seller.get(f"{T}auctions/{auction.pk}/").content.decode()


def test_procurement_refusals_are_form_messages_and_write_nothing(market, desk, referenced):
    buyer = logged_in(desk["buyer_user"])
    before = counts()
    later = local(timezone.now() + timedelta(hours=1))
    for data, message in [
        ({"ceiling_price": "3100.50", "quantity": "30"}, "价格最小变动单位"),
        ({"ceiling_price": "3100", "quantity": "300000"}, "资金"),
    ]:
        response = buyer.post(f"{T}auctions/new/procurement/", {"grade": market.grade.pk, "ends_at": later, **data})
        assert response.status_code == 200 and message in response.content.decode(), data
    assert counts() == before and balances(desk["buyer"]) == (Decimal("500000.00"), Decimal("0.00"))


def test_a_receipt_offered_for_quotes_is_sold_to_the_accepted_buyer(market, desk, referenced):
    receipt = market.receipt(desk["seller"], "40.000")
    seller = logged_in(desk["seller_user"])
    assert "挂出仓单询价求售" in seller.get(f"{T}rfqs/").content.decode()
    response = seller.post(
        f"{T}rfqs/sell/", {"receipt": receipt.pk, "expires_at": local(timezone.now() + timedelta(hours=3))}, follow=True
    )
    rfq = Rfq.objects.get()
    assert (rfq.side, rfq.requester, rfq.quantity) == ("sell", desk["seller"], Decimal("40.000"))
    assert "已挂出询价求售" in response.content.decode()
    receipt.refresh_from_db()
    assert receipt.status != ReceiptStatus.ACTIVE
    buyer = logged_in(desk["buyer_user"])
    html = buyer.get(f"{T}rfqs/{rfq.pk}/").content.decode()
    assert "询价求售" in html and "占用保证金" in html
    buyer.post(f"{T}rfqs/{rfq.pk}/", {"price": "3000", "quantity": "40"}, follow=True)
    rfq.refresh_from_db()
    response = seller.post(f"{T}rfqs/{rfq.pk}/accept/", {"quote_id": rfq.quotes[0]["quote_id"]}, follow=True)
    trade = Trade.objects.get()
    assert (trade.buyer, trade.seller, trade.quantity) == (desk["buyer"], desk["seller"], Decimal("40.000"))


def test_offering_a_receipt_that_is_not_free_is_refused(market, desk, referenced):
    receipt = market.receipt(desk["seller"], "40.000")
    sell_listing(market, desk["seller"])  # another receipt, listed: not offered here
    seller = logged_in(desk["seller_user"])
    seller.post(f"{T}rfqs/sell/", {"receipt": receipt.pk, "expires_at": local(timezone.now() + timedelta(hours=3))})
    before = counts()
    response = seller.post(
        f"{T}rfqs/sell/", {"receipt": receipt.pk, "expires_at": local(timezone.now() + timedelta(hours=3))}
    )
    assert response.status_code == 200  # the receipt is locked behind the first request: not a choice any more
    assert counts() == before and Rfq.objects.count() == 1
