"""A buyer on a phone pays with WeChat Pay (H5): our checkout, WeChat's cashier page (the local fake
WeChat Pay, over real HTTP), back to our return page, which asks WeChat Pay before placing the order;
in Chinese and in English. WeChat Pay's notification arrives over HTTP too and changes nothing more."""

import re
import time

import pytest
from playwright.sync_api import expect

from logistics.geography.models import Village
from marketplace.orders.models import Order
from marketplace.payments.models import PaymentNotification, TransactionItem
from tests.e2e.steps import add_to_cart, fill_address, log_in, member
from tests.marketplace.checkout.factories import county_and_zones, store_with_cooker
from tests.marketplace.factories import channels

PHONE_BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)
TEXTS = {
    "zh-hans": {
        "wechat": "微信支付",
        "place": "提交订单",
        "pickup": "门店自提",
        "placed": "谢谢，订单已提交",
        "paid": "已用微信支付",
    },
    "en": {
        "wechat": "WeChat Pay",
        "place": "Place order",
        "pickup": "Pick up at the store",
        "placed": "Thank you",
        "paid": "Paid with WeChat Pay",
    },
}


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_buyer_pays_with_wechat_on_a_phone(page, live_server, screenshot, wechatpay, settings, language):
    settings.WECHATPAY_NOTIFY_URL = f"{live_server.url}/payments/wechatpay/notify/"
    wechatpay.notify_delay_seconds = 2  # the buyer is back first: the return page must ask WeChat Pay
    text = TEXTS[language]
    county_and_zones()
    _retail, rural = channels()
    _shop, cooker, _store = store_with_cooker(member("13900139002"), rural)
    village = Village.objects.select_related("town").order_by("code").first()
    member("13800138000")
    page.set_extra_http_headers({"User-Agent": PHONE_BROWSER})
    page.route(f"{wechatpay.base_url}/**", lambda route: route.continue_())  # WeChat's cashier (the fake)

    log_in(page, "13800138000")
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    add_to_cart(page, cooker.product, 1) if language != "en" else _add_to_cart_en(page, cooker.product)
    page.goto("/shop/checkout/")
    if language == "en":
        _fill_address_en(page, village)
    else:
        fill_address(page, village)
    page.locator(".choice", has_text=text["pickup"]).click()
    page.locator(".choice", has_text=text["wechat"]).first.click()
    screenshot(page, f"checkout-{language}")
    page.get_by_role("button", name=text["place"]).click()

    page.wait_for_url(re.compile(rf"^{re.escape(wechatpay.base_url)}/h5pay/[0-9a-f]{{32}}.*redirect_url="))
    expect(page.locator("#amount")).to_have_text("¥199.00")
    assert not Order.objects.exists()
    screenshot(page, f"wechat-cashier-{language}")
    page.locator("#confirm-pay").click()

    page.wait_for_url(re.compile(r".*/shop/orders/placed/[0-9a-f-]+/$"))
    expect(page.locator("h1")).to_contain_text(text["placed"])
    expect(page.locator("#paid-wechat")).to_contain_text(text["paid"])
    screenshot(page, f"placed-{language}")

    order = Order.objects.get()
    item = TransactionItem.objects.get()
    assert order.payment_gateway == "meidu.payments.wechatpay" and order.charged_amount == order.total_amount
    assert item.charged_amount == order.total_amount and item.events.filter(type="CHARGE_SUCCESS").count() == 1
    paths = [r["path"] for r in wechatpay.requests]
    assert paths[0] == "/v3/pay/transactions/h5" and f"/v3/pay/transactions/out-trade-no/{item.token.hex}" in paths
    for _ in range(50):  # the notification goes out from the cashier's thread
        if wechatpay.notify_deliveries:
            break
        time.sleep(0.1)
    assert wechatpay.notify_deliveries == [200] and PaymentNotification.objects.count() == 1
    item.refresh_from_db()
    assert item.charged_amount == order.total_amount
    assert page.external_requests == []


def _add_to_cart_en(page, product):
    from django.urls import reverse

    page.goto(reverse("shop:product", args=[product.slug]))
    page.get_by_label(re.compile("Quantity")).fill("1")
    page.get_by_role("button", name="Add to cart").click()


def _fill_address_en(page, village):
    page.get_by_label("Recipient").fill("Wang Xiuying")
    page.get_by_label("Mobile number").fill("13904170001")
    page.get_by_label("Town and village").select_option(str(village.pk))
    page.get_by_label("Street, group and house number").fill("3组12号")
    page.get_by_role("button", name="Save address").click()
    expect(page.locator("#saved-address")).to_be_visible()
