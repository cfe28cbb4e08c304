"""A trader of a steel-mill buyer opens the terminal from a phone, finds a fused-magnesia listing on the
board, is refused a pick below the minimum, picks 30 t, lands on the trades page with the balance due,
then watches an auction room whose best price and standing refresh by themselves when a rival bids."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from magnesium_exchange.trading.models import Auction, Trade
from magnesium_exchange.trading.services import auction_bid, auction_open, listing_open
from tests.e2e.steps import log_in_as
from tests.magnesium_exchange.trading_factories import REFERENCE


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_trader_picks_a_listing_and_follows_an_auction(page, screenshot, market, trader_factory):
    seller = market.member("海城市华鑫镁业有限公司")
    buyer = market.member("鞍山钢铁耐材采购有限公司", funds="500000.00")
    rival = market.member("营口青花耐火材料股份有限公司", funds="500000.00")
    listing = listing_open(
        member=seller,
        grade=market.grade,
        price=Decimal("3000"),
        receipts=[market.receipt(seller)],
        min_pick="10",
        step="10",
        reference_price_fallback=REFERENCE,
    )
    now = timezone.now()
    auction = auction_open(
        member=seller,
        grade=market.grade,
        receipts=[market.receipt(seller, "50.000")],
        reserve_price=Decimal("2900"),
        starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(minutes=30),
        reference_price_fallback=REFERENCE,
    )
    user = trader_factory(buyer)

    log_in_as(page, user)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="交易终端").click()
    page.wait_for_url("**/exchange/terminal/")
    expect(page.locator('[data-field="available"]')).to_have_text("500000.00")
    page.get_by_role("link", name="挂牌大厅").click()
    row = page.locator(f'[data-listing="{listing.pk}"]')
    expect(row).to_contain_text("3000.00")
    screenshot(page, "board")

    row.get_by_label("摘牌吨数").fill("5")
    row.get_by_role("button", name="摘牌").click()
    expect(page.locator(".error-text")).to_contain_text("低于最小摘牌量")
    assert not Trade.objects.exists()

    page.get_by_label("摘牌吨数").fill("30")
    page.get_by_role("button", name="摘牌").click()
    page.wait_for_url("**/exchange/terminal/trades/")
    expect(page.locator(".messages")).to_contain_text("已摘牌")
    trade = Trade.objects.get()
    expect(page.locator(f'[data-trade="{trade.engine_trade_id}"]')).to_contain_text("81000.00")
    expect(page.get_by_role("button", name="支付余款")).to_be_visible()
    screenshot(page, "trades")

    page.goto(f"/exchange/terminal/auctions/{auction.pk}/")
    expect(page.locator('[data-field="countdown"]')).to_have_text(re.compile(r"^\d+:\d\d$"))
    page.get_by_label("出价（元/吨）").fill("2950")
    page.get_by_label("吨数").fill("50")
    page.get_by_role("button", name="提交出价").click()
    expect(page.locator(".messages")).to_contain_text("出价成功")
    expect(page.locator('[data-field="mine"]')).to_contain_text("领先")
    auction_bid(Auction.objects.get(pk=auction.pk), member=rival, price="3000", quantity="50")
    # No reload: the room polls its state every 2 s.
    expect(page.locator('[data-field="best-price"]')).to_have_text("3000.00", timeout=8_000)
    expect(page.locator('[data-field="mine"]')).to_contain_text("已被超越")
    screenshot(page, "auction-outbid")
    assert page.external_requests == []
