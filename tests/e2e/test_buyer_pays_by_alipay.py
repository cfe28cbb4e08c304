"""On a phone (390x844), in Chinese and in English: a buyer pays for a rice cooker with Alipay.

The phone's user agent makes the checkout choose Alipay's mobile web pay. The browser really goes
to the local Alipay (tests/support/alipay_server.py), which checks our signature, shows its
cashier, takes the "payment", notifies the site (signed, over HTTP) and sends the browser back.
Everything on our side is real: the signed pay URL, the notification, the return page asking
Alipay (alipay.trade.query) unless the notification already told us, before checkoutComplete places the order.
"""

import re

import pytest
from playwright.sync_api import expect

from logistics.geography.models import Village
from marketplace.orders.models import Order
from marketplace.payments.models import PaymentNotification, TransactionItem
from tests.e2e.steps import MOBILE, add_to_cart, fill_address, log_in, member
from tests.marketplace.checkout.factories import county_and_zones, store_with_cooker
from tests.marketplace.factories import channels

PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36 AlipayClient/10.5"
)
WORDS = {
    "zh-hans": {
        "pickup": "门店自提",
        "alipay": "支付宝",
        "place": "提交订单",
        "title": "支付宝付款",
        "pay": "用支付宝支付 ¥199.00",
        "placed": "谢谢，订单已提交",
        "paid": "已用支付宝支付",
    },
    "en": {
        "pickup": "Pick up at the store",
        "alipay": "Alipay",
        "place": "Place order",
        "title": "Pay with Alipay",
        "pay": "Pay ¥199.00 with Alipay",
        "placed": "Thank you, your order is placed",
        "paid": "Paid with Alipay.",
    },
}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_buyer_pays_by_alipay_on_a_phone(page, screenshot, live_server, alipay_api, settings, language):
    words = WORDS[language]
    settings.ALIPAY_NOTIFY_URL = f"{live_server.url}/payments/alipay/notify/"
    # In English, Alipay's server notifies the site before the browser is back (the return then finds
    # the payment recorded); in Chinese no notification comes and the return asks Alipay.
    alipay_api.auto_notify = language == "en"
    county_and_zones()
    _retail, rural = channels()
    _shop, cooker, _store = store_with_cooker(member("13900139002"), rural)
    village = Village.objects.select_related("town").order_by("code").first()
    member("13800138000")
    page.context.set_extra_http_headers({"User-Agent": PHONE_UA})
    page.route(f"{alipay_api.base_url}/**", lambda route: route.continue_())  # the local Alipay, not the internet
    assert page.viewport_size == MOBILE

    log_in(page, "13800138000")
    add_to_cart(page, cooker.product, 1)
    page.goto("/shop/checkout/")
    fill_address(page, village)
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    page.locator(".choice", has_text=words["pickup"]).click()
    page.locator(".choice", has_text=words["alipay"]).first.click()
    expect(page.locator("#grand-total")).to_have_text("¥199.00")
    page.get_by_role("button", name=words["place"]).click()

    page.wait_for_url(re.compile(r".*/shop/checkout/alipay/[0-9a-f-]+/$"))
    expect(page.locator("h1")).to_have_text(words["title"])
    expect(page.locator("#alipay-amount")).to_have_text("¥199.00")
    assert not Order.objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    screenshot(page, f"alipay-{language}")

    page.get_by_role("link", name=words["pay"]).click()
    page.wait_for_url(f"{alipay_api.base_url}/gateway.do?*")
    expect(page.locator("#amount")).to_have_text("¥199.00")  # Alipay accepted our signature
    item = TransactionItem.objects.get()
    assert alipay_api.requests[-1]["params"]["method"] == "alipay.trade.wap.pay"
    screenshot(page, f"cashier-{language}")
    page.get_by_role("button", name="确认付款").click()

    page.wait_for_url(re.compile(r".*/shop/orders/placed/[0-9a-f-]+/$"))
    expect(page.locator("h1")).to_have_text(words["placed"])
    expect(page.locator("main")).to_contain_text(words["paid"])
    screenshot(page, f"placed-{language}")

    order = Order.objects.get()
    item.refresh_from_db()
    assert order.payment_gateway == "meidu.payments.alipay" and order.charged_amount == order.total_amount
    assert item.charged_amount == order.total_amount
    asked = [request["params"].get("method") for request in alipay_api.requests]
    if language == "en":
        assert [(status, body) for _params, status, body in alipay_api.notifications] == [(200, "success")]
        assert PaymentNotification.objects.count() == 1 and asked == ["alipay.trade.wap.pay"]
    else:
        assert not alipay_api.notifications and asked == ["alipay.trade.wap.pay", "alipay.trade.query"]
    assert page.external_requests == []
