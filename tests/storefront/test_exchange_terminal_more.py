"""More of the trader terminal: opening a sale auction (竞卖) of one of my receipts (auction_open), wanted
(buy) listings posted and sold into with a receipt (listing_open / listing_pick), and requests for quote
(rfq_open, quote_submit, quote_accept); refusals shown as form messages with nothing written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from magnesium_exchange.trading.models import Auction, Listing, Rfq, Trade
from magnesium_exchange.trading.services import listing_open, rfq_open
from magnesium_exchange.warehouses.models import ReceiptStatus
from tests.magnesium_exchange.trading_factories import balances, counts
from tests.storefront.terminal import T, local, logged_in

pytestmark = pytest.mark.django_db


def test_open_a_sale_auction_of_my_receipt(market, desk, referenced):
    receipt = market.receipt(desk["seller"], "60.000")
    client = logged_in(desk["seller_user"])
    assert "发起竞卖" in client.get(f"{T}auctions/").content.decode()
    html = client.get(f"{T}auctions/new/").content.decode()
    assert "发起竞卖" in html and "保留价（元/吨）" in html and receipt.number in html
    ends = local(timezone.now() + timedelta(hours=2))
    response = client.post(
        f"{T}auctions/new/", {"receipt": receipt.pk, "reserve_price": "2900", "ends_at": ends}, follow=True
    )
    auction = Auction.objects.get()
    assert response.redirect_chain[-1][0] == f"{T}auctions/{auction.pk}/"
    assert "竞卖已发起" in response.content.decode()
    assert (auction.kind, auction.initiator, auction.quantity, auction.status) == (
        "sale",
        desk["seller"],
        Decimal("60.000"),
        "open",
    )
    assert auction.lots[0]["reserve_price"] in ("2900.00", "2900")
    receipt.refresh_from_db()
    assert receipt.status != ReceiptStatus.ACTIVE
    listing_html = logged_in(desk["buyer_user"]).get(f"{T}auctions/").content.decode()
    assert f'data-auction="{auction.pk}"' in listing_html


def test_sale_auction_refusals_are_form_messages_and_write_nothing(market, desk, referenced):
    receipt = market.receipt(desk["seller"], "60.000")
    client = logged_in(desk["seller_user"])
    before = counts()
    past = local(timezone.now() - timedelta(hours=1))
    later = local(timezone.now() + timedelta(hours=2))
    for data, message in [
        ({"reserve_price": "2900", "ends_at": past}, "时间无效"),
        ({"reserve_price": "3000.50", "ends_at": later}, "价格最小变动单位"),
    ]:
        response = client.post(f"{T}auctions/new/", {"receipt": receipt.pk, **data})
        assert response.status_code == 200 and message in response.content.decode(), data
    assert counts() == before
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.ACTIVE


def test_post_a_wanted_listing_and_a_holder_sells_into_it(market, desk, referenced):
    client = logged_in(desk["buyer_user"])
    assert "求购挂牌" in client.get(f"{T}listings/").content.decode()
    html = client.get(f"{T}wanted/new/").content.decode()
    assert "发布求购挂牌" in html and "求购数量（吨）" in html
    response = client.post(
        f"{T}wanted/new/",
        {"grade": market.grade.pk, "quantity": "50", "price": "3000", "min_pick": "10", "step": "10"},
        follow=True,
    )
    listing = Listing.objects.get()
    assert (listing.side, listing.owner, listing.quantity, listing.price) == (
        "buy",
        desk["buyer"],
        Decimal("50.000"),
        Decimal("3000.00"),
    )
    assert "求购已发布" in response.content.decode()
    assert balances(desk["buyer"]) == (Decimal("485000.00"), Decimal("15000.00"))
    seller = logged_in(desk["seller_user"])
    assert f'data-wanted="{listing.pk}"' in seller.get(f"{T}wanted/").content.decode()
    receipt = market.receipt(desk["seller"], "40.000")
    html = seller.get(f"{T}wanted/{listing.pk}/").content.decode()
    assert "向其卖出" not in html and receipt.number in html and "卖出数量（吨）" in html
    response = seller.post(f"{T}wanted/{listing.pk}/", {"receipt": receipt.pk, "quantity": "30"}, follow=True)
    trade = Trade.objects.get()
    assert (trade.buyer, trade.seller, trade.quantity) == (desk["buyer"], desk["seller"], Decimal("30.000"))
    assert response.redirect_chain[-1][0] == f"{T}trades/" and "已向" in response.content.decode()
    listing.refresh_from_db()
    assert listing.remaining == Decimal("20.000")


def test_wanted_refusals_are_form_messages_and_write_nothing(market, desk, referenced):
    client = logged_in(desk["buyer_user"])
    before = counts()
    response = client.post(f"{T}wanted/new/", {"grade": market.grade.pk, "quantity": "50", "price": "3000.50"})
    assert response.status_code == 200 and "价格最小变动单位" in response.content.decode()
    assert counts() == before and balances(desk["buyer"]) == (Decimal("500000.00"), Decimal("0.00"))
    listing = listing_open(
        member=desk["buyer"],
        grade=market.grade,
        side="buy",
        price=Decimal(3000),
        quantity=Decimal(50),
        min_pick=Decimal(10),
        step=Decimal(10),
    )
    receipt = market.receipt(desk["seller"], "40.000")
    before = counts()
    response = logged_in(desk["seller_user"]).post(f"{T}wanted/{listing.pk}/", {"receipt": receipt.pk, "quantity": "7"})
    assert response.status_code == 200 and "低于最小" in response.content.decode()
    assert counts() == before
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.ACTIVE


def test_open_a_request_quote_on_it_and_accept_the_quote(market, desk, referenced):
    buyer = logged_in(desk["buyer_user"])
    assert "询价（协议交易）" in buyer.get(f"{T}listings/").content.decode()
    html = buyer.get(f"{T}rfqs/").content.decode()
    assert "发起询价求购" in html and "报价截止时间" in html
    expires = local(timezone.now() + timedelta(hours=3))
    response = buyer.post(f"{T}rfqs/", {"grade": market.grade.pk, "quantity": "30", "expires_at": expires}, follow=True)
    rfq = Rfq.objects.get()
    assert (rfq.side, rfq.requester, rfq.quantity) == ("buy", desk["buyer"], Decimal("30.000"))
    assert response.redirect_chain[-1][0] == f"{T}rfqs/{rfq.pk}/" and "询价已发起" in response.content.decode()
    market.receipt(desk["seller"], "40.000")
    seller = logged_in(desk["seller_user"])
    assert f'data-rfq="{rfq.pk}"' in seller.get(f"{T}rfqs/").content.decode()
    response = seller.post(f"{T}rfqs/{rfq.pk}/", {"price": "3000", "quantity": "30"}, follow=True)
    assert "报价已提交" in response.content.decode()
    rfq.refresh_from_db()
    quote_id = rfq.quotes[0]["quote_id"]
    html = buyer.get(f"{T}rfqs/{rfq.pk}/").content.decode()
    assert "海城市华鑫镁业有限公司" in html and "接受报价" in html
    response = buyer.post(f"{T}rfqs/{rfq.pk}/accept/", {"quote_id": quote_id}, follow=True)
    trade = Trade.objects.get()
    assert (trade.buyer, trade.seller, trade.quantity, trade.price) == (
        desk["buyer"],
        desk["seller"],
        Decimal("30.000"),
        Decimal("3000.00"),
    )
    assert response.redirect_chain[-1][0] == f"{T}trades/" and "已接受" in response.content.decode()


def test_rfq_refusals_are_form_messages_and_write_nothing(market, desk, referenced):
    buyer = logged_in(desk["buyer_user"])
    before = counts()
    past = local(timezone.now() - timedelta(hours=1))
    response = buyer.post(f"{T}rfqs/", {"grade": market.grade.pk, "quantity": "30", "expires_at": past})
    assert response.status_code == 200 and "时间无效" in response.content.decode()
    assert counts() == before
    rfq = rfq_open(
        member=desk["buyer"],
        grade=market.grade,
        side="buy",
        quantity=Decimal(30),
        expires_at=timezone.now() + timedelta(hours=3),
    )
    before = counts()
    # a quote without receipts of the grade to back it
    response = logged_in(desk["seller_user"]).post(f"{T}rfqs/{rfq.pk}/", {"price": "3000", "quantity": "30"})
    assert response.status_code == 200 and "无权利负担的仓单吨数不足" in response.content.decode()
    response = buyer.post(f"{T}rfqs/{rfq.pk}/accept/", {"quote_id": "99"}, follow=True)
    assert "没有找到" in response.content.decode()
    assert Trade.objects.count() == 0 and counts() == before
    rfq.refresh_from_db()
    assert rfq.quotes == []
