"""Paying with WeChat Pay on the pages: the way of paying picked by the browser, the QR code on a desk
screen, WeChat's cashier on a phone, the return page asking WeChat Pay (never the browser's word),
and the finance operators' page of bill reconciliations."""

from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.orders.models import Order
from marketplace.payments import services
from marketplace.payments.gateways.base import BILL_PAYMENT, BillLine
from marketplace.payments.models import BillRun, TransactionItem
from tests.support.buying import CHECKOUT, PLACE, expected_total, html, place_form, prepared

pytestmark = pytest.mark.django_db

WECHATPAY = "meidu.payments.wechatpay"
DESK = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"
PHONE = "Mozilla/5.0 (Linux; Android 14; V2227A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36"


def _place(client, checkout, choices, agent):
    form = {**place_form(checkout, **choices), "payment": WECHATPAY, "expected_total": expected_total(client)}
    return client.post(PLACE, form, HTTP_USER_AGENT=agent)


def test_offered_only_when_configured(buyer_web, buyer, pears, cooker, station):
    prepared(buyer_web, buyer, pears, cooker, station)
    assert WECHATPAY not in html(buyer_web.get(CHECKOUT))


def test_a_desk_screen_gets_a_qr_code_and_the_page_places_the_orders_once_paid(
    buyer_web, buyer, pears, cooker, station, wechatpay
):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    assert "微信支付" in html(buyer_web.get(CHECKOUT))
    total = Decimal(expected_total(buyer_web))
    response = _place(buyer_web, checkout, choices, DESK)
    item = TransactionItem.objects.get()
    page_url = f"/shop/checkout/wechatpay/{item.token}/"
    assert response.status_code == 302 and response.url == page_url
    assert wechatpay.requests[-1]["path"] == "/v3/pay/transactions/native"
    assert wechatpay.requests[-1]["body"]["amount"]["total"] == int(total * 100)

    page = buyer_web.get(page_url)
    assert page.status_code == 200 and 'id="wechat-qr"' in html(page) and 'http-equiv="refresh"' in html(page)
    png = buyer_web.get(f"{page_url}qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert not Order.objects.exists()

    again = _place(buyer_web, checkout, choices, DESK)  # a second tap: the same WeChat Pay order
    assert again.url == page_url and TransactionItem.objects.count() == 1

    wechatpay.pay(item.token.hex)
    placed = buyer_web.get(page_url)  # the page looks again by itself
    assert placed.status_code == 302 and "/shop/orders/placed/" in placed.url
    assert sum(order.charged_amount for order in Order.objects.all()) == total


def test_a_phone_goes_to_wechats_cashier_and_the_return_asks_wechatpay(
    buyer_web, buyer, pears, cooker, station, wechatpay
):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    _place(buyer_web, checkout, choices, PHONE)
    item = TransactionItem.objects.get()
    assert wechatpay.requests[-1]["path"] == "/v3/pay/transactions/h5"
    away = html(buyer_web.get(f"/shop/checkout/wechatpay/{item.token}/"))
    assert f'content="0;url={wechatpay.base_url}/h5pay/{item.token.hex}' in away  # on to WeChat's cashier
    assert "redirect_url=http%3A%2F%2Ftestserver%2Fshop%2Fcheckout%2Fwechatpay%2F" in away

    return_url = f"/shop/checkout/wechatpay/{item.token}/return/"
    waiting = buyer_web.get(return_url)  # back without paying: WeChat Pay says NOTPAY, so we wait
    assert waiting.status_code == 200 and "等待微信支付" in html(waiting)
    assert not Order.objects.exists()

    wechatpay.pay(item.token.hex)
    placed = buyer_web.get(return_url)
    assert placed.status_code == 302 and "/shop/orders/placed/" in placed.url
    assert Order.objects.count() == 2


def test_a_closed_wechat_order_sends_the_buyer_back_to_choose(buyer_web, buyer, pears, cooker, station, wechatpay):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    _place(buyer_web, checkout, choices, DESK)
    item = TransactionItem.objects.get()
    wechatpay.orders[item.token.hex]["trade_state"] = "CLOSED"
    response = buyer_web.get(f"/shop/checkout/wechatpay/{item.token}/return/")
    assert response.status_code == 302 and response.url.startswith(CHECKOUT)
    assert not Order.objects.exists()


def test_another_buyers_payment_is_not_found(buyer_web, buyer, pears, cooker, station, wechatpay, client, make_user):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    _place(buyer_web, checkout, choices, DESK)
    item = TransactionItem.objects.get()
    client.force_login(make_user())
    assert client.get(f"/shop/checkout/wechatpay/{item.token}/").status_code == 404
    assert client.get(f"/shop/checkout/wechatpay/{item.token}/qr.png").status_code == 404


def test_finance_operators_see_flagged_bills_and_acknowledge_them(client, operator, buyer):
    run = services.bill_reconcile(
        gateway_id=WECHATPAY,
        bill_date=timezone.localdate(),
        lines=[BillLine(BILL_PAYMENT, "4200000000000000000001", "f" * 32, Decimal("8.00"))],
    )
    client.force_login(buyer)
    assert client.get("/operator/bills/").status_code == 403
    assert client.post(f"/operator/bills/{run.pk}/acknowledge/").status_code == 403
    client.force_login(operator)
    page = html(client.get("/operator/bills/"))
    assert f'id="bill-run-{run.pk}"' in page and "4200000000000000000001" in page and "¥8.00" in page
    response = client.post(f"/operator/bills/{run.pk}/acknowledge/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.acknowledged_by == operator
    assert f'id="bill-run-{run.pk}"' not in html(client.get("/operator/bills/"))
    assert BillRun.objects.count() == 1
