"""A buyer pays for a rice cooker by bank card: the card form, a declined card, a second card, the order.

Stripe is an outside service, so the browser's two calls to it are answered here: the script
tag's https://js.stripe.com/v3/ with a small Stripe.js of the same surface (Stripe(),
elements().create().mount(), confirmPayment()), and its confirm call to api.stripe.com by
the local Stripe the server talks to (tests/marketplace/payments/stripe_server.py), which then
holds the PaymentIntent in the state the real one would have. Everything on our side is real:
the page's script, the return from Stripe, transactionProcess and checkoutComplete.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from logistics.geography.models import Village
from marketplace.orders.models import Order
from marketplace.payments.models import TransactionItem
from tests.e2e.steps import add_to_cart, fill_address, log_in, member
from tests.marketplace.checkout.factories import county_and_zones, store_with_cooker
from tests.marketplace.factories import channels

# Stripe.js as far as the card page uses it; confirmPayment posts to Stripe's API and, when the
# card is accepted, sends the browser to the return URL the way Stripe does.
FAKE_STRIPE_JS = """
window.Stripe = function (publishableKey, options) {
  return {
    elements: function (settings) {
      return {
        clientSecret: settings.clientSecret,
        create: function (type) {
          return { mount: function (selector) {
            var host = document.querySelector(selector);
            host.innerHTML = '<label>卡号 <input name="cardnumber" autocomplete="cc-number"></label>';
            host.dataset.mounted = type + ":" + options.locale;
          } };
        }
      };
    },
    confirmPayment: function (args) {
      var secret = args.elements.clientSecret, id = secret.split("_secret_")[0];
      var card = document.querySelector("input[name=cardnumber]").value;
      return fetch("https://api.stripe.com/v1/payment_intents/" + id + "/confirm", {
        method: "POST",
        headers: { "Authorization": "Bearer " + publishableKey, "Content-Type": "application/x-www-form-urlencoded" },
        body: "client_secret=" + encodeURIComponent(secret) + "&card=" + encodeURIComponent(card)
      }).then(function (response) { return response.json(); }).then(function (answer) {
        if (answer.error) { return { error: answer.error }; }
        window.location.assign(args.confirmParams.return_url + "?payment_intent=" + id +
          "&payment_intent_client_secret=" + encodeURIComponent(secret) + "&redirect_status=succeeded");
        return {};
      });
    }
  };
};
"""
DECLINED_CARD = "4000000000000002"  # Stripe's test card that is always declined
GOOD_CARD = "4242424242424242"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_buyer_pays_by_card_after_a_declined_one(page, screenshot, stripe_api):  # noqa: F811
    county_and_zones()
    _retail, rural = channels()
    _shop, cooker, store = store_with_cooker(member("13900139002"), rural)
    village = Village.objects.select_related("town").order_by("code").first()
    member("13800138000")
    confirmations = []

    def stripe_js(route):
        route.fulfill(status=200, content_type="application/javascript", body=FAKE_STRIPE_JS)

    def stripe_confirm(route):
        request = route.request
        intent_id = re.search(r"/payment_intents/(\w+)/confirm", request.url).group(1)
        form = dict(pair.split("=", 1) for pair in request.post_data.split("&"))
        confirmations.append((intent_id, request.headers.get("authorization")))
        cors = {"Access-Control-Allow-Origin": "*"}
        if form["card"] == DECLINED_CARD:
            stripe_api.decline(intent_id)
            error = {"error": {"type": "card_error", "code": "card_declined", "message": "您的银行卡被拒绝。"}}
            route.fulfill(status=402, content_type="application/json", headers=cors, body=json.dumps(error))
        else:
            route.fulfill(
                status=200,
                content_type="application/json",
                headers=cors,
                body=json.dumps(stripe_api.confirm(intent_id)),
            )

    # Registered after the fixture's guard, so these two win over its "abort anything external".
    page.route("https://js.stripe.com/v3/", stripe_js)
    page.route("https://api.stripe.com/v1/payment_intents/*/confirm", stripe_confirm)

    log_in(page, "13800138000")
    add_to_cart(page, cooker.product, 1)
    page.goto("/shop/checkout/")
    fill_address(page, village)
    page.locator(".choice", has_text="门店自提").click()
    page.locator(".choice", has_text="银行卡").first.click()
    expect(page.locator("#grand-total")).to_have_text("¥199.00")
    page.get_by_role("button", name="提交订单").click()

    page.wait_for_url(re.compile(r".*/shop/checkout/card/[0-9a-f-]+/$"))
    expect(page.locator("h1")).to_have_text("银行卡付款")
    expect(page.locator("#payment-element")).to_have_attribute("data-mounted", "payment:zh")
    expect(page.locator("#card-amount")).to_have_text("¥199.00")
    assert not Order.objects.exists()
    screenshot(page, "card-form")

    page.get_by_label("卡号").fill(DECLINED_CARD)
    page.get_by_role("button", name="支付 ¥199.00").click()
    expect(page.locator("#card-error")).to_have_text("您的银行卡被拒绝。")
    expect(page.get_by_role("button", name="支付 ¥199.00")).to_be_enabled()
    assert not Order.objects.exists()
    screenshot(page, "declined")

    page.get_by_label("卡号").fill(GOOD_CARD)
    page.get_by_role("button", name="支付 ¥199.00").click()
    page.wait_for_url(re.compile(r".*/shop/orders/placed/[0-9a-f-]+/$"))
    expect(page.locator("h1")).to_have_text("谢谢，订单已提交")
    expect(page.locator("main")).to_contain_text("已用银行卡支付")
    screenshot(page, "placed")

    order = Order.objects.get()
    item = TransactionItem.objects.get()
    assert order.collection_point_id == store.pk and order.payment_gateway == "meidu.payments.stripe"
    assert order.charged_amount == order.total_amount and item.charged_amount == order.total_amount
    assert [intent for intent, _key in confirmations] == [item.psp_reference, item.psp_reference]
    assert {key for _intent, key in confirmations} == {
        "Bearer pk_test_local"
    }  # the browser holds only the publishable key
    assert page.external_requests == []
