"""Paying with Alipay on the pages: phone (wap) or desk (page) by user agent, the return asked of
Alipay (never believed from the URL), a closed trade, a trade not paid yet, another buyer's trade."""

from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from marketplace.orders.models import Order
from marketplace.payments.models import TransactionItem
from tests.support.buying import CHECKOUT, PLACE, expected_total, html, login, place_form, prepared

pytestmark = pytest.mark.django_db

ALIPAY = "meidu.payments.alipay"
RETURN = "/shop/checkout/alipay/return/"
PHONE = "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"
DESK = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def place_with_alipay(client, checkout, choices, agent=PHONE):
    data = {**place_form(checkout, **choices), "payment": ALIPAY, "expected_total": expected_total(client)}
    return client.post(PLACE, data, HTTP_USER_AGENT=agent)


def pay_url_of(page: str) -> str:
    start = page.index('id="alipay-pay"')
    href = page.index('href="', start) + len('href="')
    return page[href : page.index('"', href)].replace("&amp;", "&")


def cashier_return(alipay_api, item) -> str:
    """The buyer pays on Alipay, which sends the browser back with its signed parameters."""
    location = alipay_api.cashier_return(item.token.hex)
    split = urlsplit(location)
    return f"{split.path}?{split.query}"


@pytest.mark.parametrize(("agent", "method"), [(PHONE, "alipay.trade.wap.pay"), (DESK, "alipay.trade.page.pay")])
def test_paying_with_alipay_places_the_orders(buyer_web, buyer, pears, cooker, station, alipay_api, agent, method):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    assert "支付宝" in html(buyer_web.get(CHECKOUT))
    total = Decimal(expected_total(buyer_web))
    response = place_with_alipay(buyer_web, checkout, choices, agent)
    item = TransactionItem.objects.get()
    assert response.status_code == 302 and response.url == f"/shop/checkout/alipay/{item.token}/"
    assert not Order.objects.exists()

    page = html(buyer_web.get(response.url))
    url = pay_url_of(page)
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["method"] == method and params["return_url"] == f"http://testserver{RETURN}"
    assert f"¥{total:.2f}" in requests.get(url, timeout=5).text  # Alipay's cashier, our signature accepted

    back = buyer_web.get(cashier_return(alipay_api, item))
    assert back.status_code == 302 and back.url == f"/shop/orders/placed/{checkout.pk}/"
    assert alipay_api.requests[-1]["params"]["method"] == "alipay.trade.query"
    orders = list(Order.objects.all())
    assert len(orders) == 2 and sum(order.charged_amount for order in orders) == total
    assert "已用支付宝支付" in html(buyer_web.get(back.url))
    # The return arriving twice: the same orders, Alipay not asked again.
    calls = len(alipay_api.requests)
    assert buyer_web.get(cashier_return(alipay_api, item)).url == back.url
    assert len(alipay_api.requests) == calls and Order.objects.count() == 2


def test_a_return_url_claiming_payment_is_not_believed(buyer_web, buyer, pears, cooker, station, alipay_api):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    place_with_alipay(buyer_web, checkout, choices)
    item = TransactionItem.objects.get()
    requests.get(pay_url_of(html(buyer_web.get(f"/shop/checkout/alipay/{item.token}/"))), timeout=5)
    forged = f"{RETURN}?out_trade_no={item.token.hex}&trade_status=TRADE_SUCCESS&total_amount=1.00&sign=x"
    back = buyer_web.get(forged)
    assert back.status_code == 302 and back.url == f"/shop/checkout/alipay/{item.token}/"
    assert not Order.objects.exists()
    assert "支付宝尚未收到付款" in html(buyer_web.get(back.url))
    # Placing again goes back to the same trade.
    again = place_with_alipay(buyer_web, checkout, choices)
    assert again.url == back.url and TransactionItem.objects.count() == 1


def test_a_closed_trade_goes_back_to_the_checkout(buyer_web, buyer, pears, cooker, station, alipay_api):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    place_with_alipay(buyer_web, checkout, choices)
    item = TransactionItem.objects.get()
    requests.get(pay_url_of(html(buyer_web.get(f"/shop/checkout/alipay/{item.token}/"))), timeout=5)
    alipay_api.close(item.token.hex)
    back = buyer_web.get(f"{RETURN}?out_trade_no={item.token.hex}")
    assert back.status_code == 302 and back.url == CHECKOUT
    assert "支付宝付款已关闭" in html(buyer_web.get(CHECKOUT)) and not Order.objects.exists()


def test_alipay_unreachable_on_return_says_so(buyer_web, buyer, pears, cooker, station, alipay_api, settings):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    place_with_alipay(buyer_web, checkout, choices)
    item = TransactionItem.objects.get()
    alipay_api.hang = True
    settings.ALIPAY_TIMEOUT_SECONDS = 0.3
    back = buyer_web.get(f"{RETURN}?out_trade_no={item.token.hex}")
    assert back.url == f"/shop/checkout/alipay/{item.token}/"
    assert "无法向支付宝查询" in html(buyer_web.get(back.url)) and not Order.objects.exists()


def test_another_buyers_trade_is_404(buyer_web, buyer, make_user, pears, cooker, station, alipay_api):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    place_with_alipay(buyer_web, checkout, choices)
    item = TransactionItem.objects.get()
    stranger = login(make_user())
    assert stranger.get(f"/shop/checkout/alipay/{item.token}/").status_code == 404
    assert stranger.get(f"{RETURN}?out_trade_no={item.token.hex}").status_code == 404
    for junk in ("zz", "0" * 32, "\x00" * 32, "f" * 5000):
        assert buyer_web.get(RETURN, {"out_trade_no": junk}).status_code in (400, 404)  # NUL: refused as input
