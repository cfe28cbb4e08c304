"""The terminal states when it trades: the demo/test market every day around the clock; a real one
its hours per mode on trading days and whether each is open now (zh-Hans first, English too)."""

import pytest
from django.test import override_settings

from tests.storefront.terminal import T, logged_in

pytestmark = pytest.mark.django_db


def test_the_demo_market_says_it_is_open_every_day(desk):
    client = logged_in(desk["buyer_user"])
    assert "演示市场：交易时段每天全天开放" in client.get(T).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(T, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Demo market: trading sessions are open every day, around the clock" in english


@override_settings(EXCHANGE_SESSIONS_EVERY_DAY=False, EXCHANGE_SESSIONS={"listing": "", "auction": "", "rfq": ""})
def test_a_closed_market_names_its_sessions_and_says_closed(desk):
    html = logged_in(desk["buyer_user"]).get(f"{T}auctions/").content.decode()
    assert "交易日交易时段（北京时间）：" in html
    assert '<span data-mode="auction">竞价交易 — · 已休市</span>' in html
