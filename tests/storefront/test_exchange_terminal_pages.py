"""The trader terminal: overview, listing board, auction room, trades and settlements, funds; traders of
an active member only; picks, listings, bids, payments and funds requests through the services, their
refusals shown as form messages with nothing written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from magnesium_exchange.members.models import FundsRequest
from magnesium_exchange.members.services import member_counterparty_set, member_status_set
from magnesium_exchange.settlement.models import Settlement
from magnesium_exchange.trading.models import Auction, Listing, Trade
from magnesium_exchange.trading.services import auction_bid, auction_open
from magnesium_exchange.warehouses.models import ReceiptStatus
from meidu.accounts.roles import Role
from tests.magnesium_exchange.trading_factories import REFERENCE, balances, counts
from tests.storefront.terminal import T, logged_in, sell_listing
from tests.support.phone_codes import withdrawal_code

pytestmark = pytest.mark.django_db


def sale_auction(market, seller, net="100.000", reserve="2900", minutes=30):
    now = timezone.now()
    return auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller, net)],
        reserve_price=Decimal(reserve),
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=minutes),
        reference_price_fallback=REFERENCE,
    )


def test_every_page_renders_in_chinese_for_a_trader(market, desk):
    listing = sell_listing(market, desk["seller"])
    auction = sale_auction(market, desk["seller"])
    client = logged_in(desk["buyer_user"])
    pages = {
        T: ["交易终端", "可用资金", "冻结资金", "我的仓单", "行情"],
        f"{T}listings/": ["挂牌大厅", "摘牌"],
        f"{T}listings/?grade=fm-98": ["挂牌大厅"],
        f"{T}listings/{listing.pk}/": ["最小摘牌量", "步长"],
        f"{T}listings/new/": ["挂牌出售仓单"],
        f"{T}auctions/": ["竞价大厅", "进行中的竞价"],
        f"{T}auctions/{auction.pk}/": ["保留价", "剩余时间", "我的出价"],
        f"{T}trades/": ["我的成交与交收"],
        f"{T}funds/": ["入金", "出金", "申请记录"],
    }
    for url, words in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for word in words:
            assert word in html, (url, word)
    nav = client.get(T).content.decode().split('class="role-nav"')[1].split("</nav>")[0]
    assert nav.index("首页") < nav.index("交易终端")


def test_the_overview_shows_funds_receipts_and_the_market(market, desk, referenced):
    receipt = market.receipt(desk["buyer"], "40.000")
    html = logged_in(desk["buyer_user"]).get(T).content.decode()
    assert "500000.00" in html and f'data-receipt="{receipt.number}"' in html and "海城西柳监管仓" in html
    assert "有效" in html.split(f'data-receipt="{receipt.number}"')[1].split("</tr>")[0]
    row = html.split('data-grade="fm-98"')[1].split("</tr>")[0]
    assert f"{T}listings/?grade=fm-98" in row and "/exchange/prices/#chart-fm-98" in row


def test_pages_refuse_anyone_but_traders_of_an_active_member(market, desk, make_user, trader_factory):
    listing = sell_listing(market, desk["seller"])
    auction = sale_auction(market, desk["seller"])
    suspended = market.member("营口停牌镁业有限公司", funds="100000.00")
    suspended_user = trader_factory(suspended)
    member_status_set(suspended, "suspended")
    urls = [
        T,
        f"{T}listings/",
        f"{T}listings/new/",
        f"{T}listings/{listing.pk}/",
        f"{T}auctions/",
        f"{T}auctions/{auction.pk}/",
        f"{T}auctions/{auction.pk}/state.json",
        f"{T}trades/",
        f"{T}funds/",
    ]
    before = counts()
    for user in (make_user(Role.BUYER), make_user(Role.WAREHOUSE_OPERATOR), make_user(Role.TRADER), suspended_user):
        client = logged_in(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(f"{T}listings/{listing.pk}/", {"quantity": "10"}).status_code == 403
        assert (
            client.post(f"{T}auctions/{auction.pk}/", {"lot": "1", "price": "2950", "quantity": "10"}).status_code
            == 403
        )
        assert (
            client.post(f"{T}funds/", {"kind": "deposit", "deposit-amount": "100", "deposit-token": "x"}).status_code
            == 403
        )
    for url in urls:
        assert Client().get(url).status_code == 302  # to the login page
    assert counts() == before and not FundsRequest.objects.filter(member=suspended, kind="withdrawal").exists()


def test_a_pick_makes_a_trade_which_the_buyer_pays_and_cannot_resell_inside_the_lock(market, desk):
    listing = sell_listing(market, desk["seller"])
    client = logged_in(desk["buyer_user"])
    response = client.post(f"{T}listings/{listing.pk}/", {"quantity": "30"}, follow=True)
    trade = Trade.objects.get()
    assert (trade.buyer, trade.seller, trade.quantity) == (desk["buyer"], desk["seller"], Decimal("30.000"))
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{T}trades/" and "已摘牌" in html
    row = html.split(f'data-trade="{trade.engine_trade_id}"')[1].split("</tr>")[0]
    assert (
        "海城市华鑫镁业有限公司" in row
        and "9000.00" in row
        and "81000.00" in row
        and "支付余款" in row
        and "待付款" in row
    )
    contract = trade.contract
    assert client.get(f"{T}contracts/{contract.number}.pdf")["Content-Type"] == "application/pdf"
    assert logged_in(desk["seller_user"]).get(f"{T}contracts/{contract.number}.pdf").status_code == 200
    listing.refresh_from_db()
    assert listing.remaining == Decimal("70.000")
    # The seller sees the trade without a pay button.
    seller_html = logged_in(desk["seller_user"]).get(f"{T}trades/").content.decode()
    assert "鞍山钢铁耐材采购有限公司" in seller_html and "/pay/" not in seller_html
    # Pay the balance: the receipt becomes the buyer's, under the resale lock.
    settlement = Settlement.objects.get(trade=trade)
    response = client.post(f"{T}settlements/{settlement.pk}/pay/", follow=True)
    settlement.refresh_from_db()
    assert settlement.status == "completed" and "交收完成" in response.content.decode()
    assert "已交收" in response.content.decode().split(f'data-settlement="{settlement.pk}"')[1].split("</tr>")[0]
    bought = desk["buyer"].exchange_receipts.get(status=ReceiptStatus.ACTIVE)
    assert "锁定至" in client.get(T).content.decode()
    before = counts()
    response = client.post(f"{T}listings/new/", {"receipt": bought.pk, "price": "3000"})
    assert response.status_code == 200 and "转售限制期" in response.content.decode()
    assert counts() == before


def test_pick_refusals_are_form_messages_and_write_nothing(market, desk, trader_factory):
    listing = sell_listing(market, desk["seller"])
    client = logged_in(desk["buyer_user"])
    poor = market.member("盖州小额镁业有限公司", funds="1000.00")
    before = counts()
    cases = [
        ({"quantity": "5"}, "低于最小摘牌量"),
        ({"quantity": "15"}, "摘牌步长"),
        ({"quantity": "abc"}, "输入一个数字"),
        ({"quantity": "200"}, "超过可用数量"),
    ]
    for data, message in cases:
        response = client.post(f"{T}listings/{listing.pk}/", data)
        assert response.status_code == 200 and message in response.content.decode(), (data, message)
    member_counterparty_set(desk["buyer"], desk["seller"], "deny")
    response = client.post(f"{T}listings/{listing.pk}/", {"quantity": "10"})
    assert "信用匹配" in response.content.decode()
    member_counterparty_set(desk["buyer"], desk["seller"], None)
    assert counts() == before
    poor_client = logged_in(trader_factory(poor))
    response = poor_client.post(f"{T}listings/{listing.pk}/", {"quantity": "10"})
    assert "可用资金不足" in response.content.decode()
    # the seller's own listing offers a withdraw button, not a pick form
    seller_page = logged_in(desk["seller_user"]).get(f"{T}listings/{listing.pk}/").content.decode()
    assert "撤销挂牌" in seller_page and 'name="quantity"' not in seller_page
    assert counts() == before and balances(poor) == (Decimal("1000.00"), Decimal("0.00"))
    listing.refresh_from_db()
    assert listing.remaining == Decimal("100.000") and listing.trade_count == 0


def test_a_trader_without_the_trade_grant_is_told_and_nothing_happens(market, desk, trader_factory):
    listing = sell_listing(market, desk["seller"])
    viewer = trader_factory(desk["buyer"], can_trade=False)
    before = counts()
    response = logged_in(viewer).post(f"{T}listings/{listing.pk}/", {"quantity": "10"})
    assert response.status_code == 200 and "未授权您交易" in response.content.decode()
    assert counts() == before


def test_list_a_receipt_and_withdraw_it(market, desk, referenced):
    receipt = market.receipt(desk["seller"], "50.000")
    client = logged_in(desk["seller_user"])
    assert receipt.number in client.get(f"{T}listings/new/").content.decode()
    before = counts()
    for data, message in [
        ({"price": "3500"}, "超出当日涨跌停"),
        ({"price": "3000.50"}, "价格最小变动单位"),
        ({"price": "3000", "min_pick": "7"}, "最小交易量"),
    ]:
        response = client.post(f"{T}listings/new/", {"receipt": receipt.pk, **data})
        assert response.status_code == 200 and message in response.content.decode(), data
    assert counts() == before
    response = client.post(
        f"{T}listings/new/", {"receipt": receipt.pk, "price": "3100", "min_pick": "10", "step": "5"}, follow=True
    )
    listing = Listing.objects.get()
    assert (listing.price, listing.quantity, listing.min_pick, listing.step) == (
        Decimal("3100.00"),
        Decimal("50.000"),
        Decimal("10.000"),
        Decimal("5.000"),
    )
    assert "已挂牌" in response.content.decode()
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.LISTED
    board = logged_in(desk["buyer_user"]).get(f"{T}listings/?grade=fm-98").content.decode()
    assert f'data-listing="{listing.pk}"' in board and "3100.00" in board and "<svg" in board
    # Only the owner withdraws.
    logged_in(desk["buyer_user"]).post(f"{T}listings/{listing.pk}/withdraw/")
    listing.refresh_from_db()
    assert listing.status == "open"
    response = client.post(f"{T}listings/{listing.pk}/withdraw/", follow=True)
    listing.refresh_from_db()
    receipt.refresh_from_db()
    html = response.content.decode()
    assert (
        listing.status == "withdrawn"
        and receipt.status == ReceiptStatus.ACTIVE
        and "已撤销" in html
        and "已撤牌" in html
    )


def test_a_bid_succeeds_and_the_state_endpoint_follows_it(market, desk):
    auction = sale_auction(market, desk["seller"])
    client = logged_in(desk["buyer_user"])
    state = client.get(f"{T}auctions/{auction.pk}/state.json").json()
    assert state["best_price"] is None and state["mine"] == [] and 0 < state["seconds_left"] <= 1800
    assert state["status_label"] == "竞价中"
    response = client.post(f"{T}auctions/{auction.pk}/", {"lot": "1", "price": "2950", "quantity": "100"}, follow=True)
    assert "出价成功" in response.content.decode()
    assert balances(desk["buyer"]) == (Decimal("470500.00"), Decimal("29500.00"))
    state = client.get(f"{T}auctions/{auction.pk}/state.json").json()
    assert state["best_price"] == "2950.00" and state["lots"][0]["best_price"] == "2950.00"
    assert state["mine"] == [
        {"lot_id": "1", "price": "2950.00", "quantity": "100.000", "standing": "leading", "label": "领先"}
    ]
    rival = market.member("营口青花耐火材料股份有限公司", funds="500000.00")
    auction_bid(Auction.objects.get(pk=auction.pk), member=rival, price="3000", quantity="100")
    state = client.get(f"{T}auctions/{auction.pk}/state.json").json()
    assert state["best_price"] == "3000.00" and state["mine"][0]["standing"] == "outbid"
    html = client.get(f"{T}auctions/{auction.pk}/").content.decode()
    assert "已被超越" in html and "state.json" in html and "storefront/js/auction-room.js" in html


def test_bid_refusals_are_form_messages_and_write_nothing(market, desk, trader_factory):
    auction = sale_auction(market, desk["seller"])
    client = logged_in(desk["buyer_user"])
    poor = market.member("盖州小额镁业有限公司", funds="1000.00")
    before = counts()
    for data, message in [
        ({"price": "2800", "quantity": "10"}, "低于保留价"),
        ({"price": "3500", "quantity": "10"}, "超出当日涨跌停"),
        ({"price": "2950", "quantity": "500"}, "超过可用数量"),
    ]:
        response = client.post(f"{T}auctions/{auction.pk}/", {"lot": "1", **data})
        assert response.status_code == 200 and message in response.content.decode(), data
    response = logged_in(trader_factory(poor)).post(
        f"{T}auctions/{auction.pk}/", {"lot": "1", "price": "2950", "quantity": "10"}
    )
    assert "可用资金不足" in response.content.decode()
    # the initiator has no bid form on its own auction
    assert 'name="price"' not in logged_in(desk["seller_user"]).get(f"{T}auctions/{auction.pk}/").content.decode()
    assert counts() == before
    auction.refresh_from_db()
    assert auction.bid_count == 0 and balances(desk["buyer"]) == (Decimal("500000.00"), Decimal("0.00"))


def test_paying_without_funds_is_refused_with_a_message(market, desk, trader_factory):
    listing = sell_listing(market, desk["seller"])
    buyer = market.member("盖州小额镁业有限公司", funds="3100.00")
    client = logged_in(trader_factory(buyer))
    client.post(f"{T}listings/{listing.pk}/", {"quantity": "10"})
    settlement = Settlement.objects.get()
    before = counts()
    response = client.post(f"{T}settlements/{settlement.pk}/pay/", follow=True)
    assert "可用资金不足以支付余款和手续费" in response.content.decode()
    settlement.refresh_from_db()
    assert settlement.status == "pending" and counts() == before
    # the seller cannot pay, and another member does not even see it
    assert logged_in(desk["seller_user"]).post(f"{T}settlements/{settlement.pk}/pay/").status_code == 302
    assert logged_in(desk["buyer_user"]).post(f"{T}settlements/{settlement.pk}/pay/").status_code == 404
    settlement.refresh_from_db()
    assert settlement.status == "pending"


def test_funds_requests_and_their_refusals(market, desk, trader_factory):
    client = logged_in(desk["buyer_user"])
    page = client.get(f"{T}funds/").content.decode()
    token = page.split('name="deposit-token" value="')[1].split('"')[0]
    data = {"kind": "deposit", "deposit-amount": "20000.00", "deposit-note": "工行转账", "deposit-token": token}
    response = client.post(f"{T}funds/", data, follow=True)
    assert "入金申请已提交" in response.content.decode()
    client.post(f"{T}funds/", data)  # sent twice: still one request
    assert FundsRequest.objects.filter(member=desk["buyer"], kind="deposit", status="requested").count() == 1
    code = withdrawal_code(desk["buyer_user"])  # issue 21: confirmed by a code texted to the trader
    before = counts()
    for amount, message in [("600000.00", "可用资金不足以支付该金额"), ("-5", ""), ("1.001", "")]:
        response = client.post(
            f"{T}funds/",
            {
                "kind": "withdrawal",
                "withdrawal-amount": amount,
                "withdrawal-token": f"t{amount}",
                "withdrawal-phone_code": code,
            },
        )
        assert (
            response.status_code == 200
            and "field--error" in response.content.decode()
            and message in response.content.decode()
        )
    assert counts() == before and not FundsRequest.objects.filter(kind="withdrawal").exists()
    response = client.post(
        f"{T}funds/",
        {"kind": "withdrawal", "withdrawal-amount": "1000.00", "withdrawal-token": "w1", "withdrawal-phone_code": code},
        follow=True,
    )
    assert "出金申请已提交" in response.content.decode()
    assert balances(desk["buyer"]) == (Decimal("499000.00"), Decimal("1000.00"))
    html = client.get(f"{T}funds/").content.decode()
    assert html.count("data-request=") == 3  # the funding deposit, the announced one, the withdrawal
    clerk = trader_factory(desk["buyer"], can_manage_funds=False)
    response = logged_in(clerk).post(f"{T}funds/", {"kind": "deposit", "deposit-amount": "100", "deposit-token": "c1"})
    assert "未授权您管理资金" in response.content.decode()
    assert FundsRequest.objects.filter(member=desk["buyer"]).count() == 3


def test_board_query_count_does_not_grow_with_listings(market, desk, django_assert_max_num_queries):
    client = logged_in(desk["buyer_user"])
    sell_listing(market, desk["seller"])
    with django_assert_max_num_queries(8) as first:
        client.get(f"{T}listings/")
    for _ in range(4):
        sell_listing(market, market.member())
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(f"{T}listings/").content.decode()
    assert html.count("data-listing=") == 5
    with django_assert_max_num_queries(len(first.captured_queries) + 1):  # the chart's bars
        client.get(f"{T}listings/?grade=fm-98")


def test_the_demo_trader_uses_the_terminal_on_the_demo_market():
    from magnesium_exchange.demo_data import EXCHANGE_DEMO_STEPS, TRADER_PHONE
    from magnesium_exchange.marketdata.selectors import reference_price_for
    from meidu.accounts.demo_data import DEMO_PASSWORD, seed_demo_users
    from meidu.accounts.models import User

    seed_demo_users()
    for _label, step in EXCHANGE_DEMO_STEPS:
        step()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=TRADER_PHONE, password=DEMO_PASSWORD)
    for url in (T, f"{T}listings/", f"{T}listings/new/", f"{T}auctions/", f"{T}trades/", f"{T}funds/"):
        response = client.get(url)
        assert response.status_code == 200 and "大石桥市金鼎镁业有限公司" in response.content.decode(), url
    member = User.objects.get(phone=TRADER_PHONE).exchange_trader.member
    receipt = (
        member.exchange_receipts.filter(status=ReceiptStatus.ACTIVE).select_related("grade").order_by("id").first()
    )
    tick = receipt.grade.commodity.price_tick
    price = (reference_price_for(receipt.grade, timezone.localdate()) / tick).to_integral_value() * tick
    response = client.post(f"{T}listings/new/", {"receipt": receipt.pk, "price": str(price)}, follow=True)
    assert "已挂牌" in response.content.decode()
    assert (
        Listing.objects.filter(owner=member, status="open")
        .filter(pk__in=Listing.objects.order_by("-id").values("pk")[:1])
        .exists()
    )  # the newest, beside the live market's


def test_trades_page_query_count_does_not_grow_with_trades(market, desk, django_assert_max_num_queries):
    from magnesium_exchange.trading.services import listing_pick

    client = logged_in(desk["buyer_user"])
    listing = sell_listing(market, desk["seller"])
    listing_pick(listing, member=desk["buyer"], quantity="10")
    with django_assert_max_num_queries(12) as first:
        client.get(f"{T}trades/")
    for _ in range(3):
        listing_pick(Listing.objects.get(pk=listing.pk), member=desk["buyer"], quantity="10")
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(f"{T}trades/").content.decode()
    assert html.count("data-settlement=") == 4
