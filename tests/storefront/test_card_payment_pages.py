"""Paying by card on the pages: Stripe's card form, the browser's return from Stripe, every refusal.

The stripe SDK talks to the local Stripe of tests/marketplace/payments/stripe_server.py; the
buyer's part in the browser (Stripe.js confirming the PaymentIntent) is played by that server's
``confirm`` and ``decline``, exactly the states Stripe would leave the PaymentIntent in.
"""

from decimal import Decimal

import pytest

from marketplace.checkout.models import Checkout
from marketplace.inventory.services import stock_update
from marketplace.orders.models import Order
from marketplace.payments.models import TransactionItem
from tests.support.buying import (
    CHECKOUT,
    PLACE,
    add,
    address_form,
    cart_of,
    expected_total,
    html,
    login,
    place_form,
    prepared,
)

pytestmark = pytest.mark.django_db

STRIPE = "meidu.payments.stripe"


def card_path(item) -> str:
    return f"/shop/checkout/card/{item.token}/"


def return_path(item, intent=None) -> str:
    intent = intent or item.psp_reference
    return (
        f"{card_path(item)}return/?payment_intent={intent}"
        f"&payment_intent_client_secret={intent}_secret_local&redirect_status=succeeded"
    )


def place_by_card(client, checkout, choices):
    return client.post(
        PLACE, {**place_form(checkout, **choices), "payment": STRIPE, "expected_total": expected_total(client)}
    )


def intents_created(stripe_api) -> int:  # noqa: F811
    return sum(
        1 for request in stripe_api.requests if (request["method"], request["path"]) == ("POST", "/v1/payment_intents")
    )


def test_the_card_is_offered_only_when_stripe_is_configured(buyer_web, buyer, pears, cooker, station, settings):
    settings.STRIPE_SECRET_KEY = ""
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    assert STRIPE not in html(buyer_web.get(CHECKOUT))
    response = place_by_card(buyer_web, checkout, choices)
    assert response.status_code == 400
    assert not TransactionItem.objects.exists() and not Order.objects.exists()


def test_paying_by_card_places_the_orders(buyer_web, buyer, pears, cooker, station, stripe_api):  # noqa: F811
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    page = html(buyer_web.get(CHECKOUT))
    assert STRIPE in page and "银行卡" in page
    total = Decimal(expected_total(buyer_web))

    response = place_by_card(buyer_web, checkout, choices)
    item = TransactionItem.objects.get()
    assert response.status_code == 302 and response.url == card_path(item)
    assert not Order.objects.exists()  # nothing is ordered before Stripe says the card paid
    created = stripe_api.requests[-1]["form"]
    # Two shops: one PaymentIntent is captured once, so it is charged at once (weighing refunds the difference).
    assert (created["amount"], created["currency"], created["capture_method"]) == (
        str(int(total * 100)),
        "cny",
        "automatic",
    )

    form = html(buyer_web.get(card_path(item)))
    assert 'data-publishable-key="pk_test_local"' in form and 'data-client-secret="pi_test1_secret_local"' in form
    assert f'data-return-url="http://testserver{card_path(item)}return/"' in form
    assert "https://js.stripe.com/v3/" in form and 'data-locale="zh"' in form

    stripe_api.confirm("pi_test1")  # Stripe.js: the buyer's bank accepted the card
    back = buyer_web.get(return_path(item))
    assert back.status_code == 302 and back.url == f"/shop/orders/placed/{checkout.pk}/"
    orders = list(Order.objects.all())
    assert len(orders) == 2 and all(order.payment_gateway == STRIPE for order in orders)
    assert sum(order.charged_amount for order in orders) == total
    assert not Checkout.objects.filter(pk=checkout.pk).exists()
    assert "已用银行卡支付" in html(buyer_web.get(back.url))

    # Stripe's redirect arriving twice, or the back button: the same orders, Stripe not asked again.
    calls = len(stripe_api.requests)
    assert buyer_web.get(return_path(item)).url == back.url
    assert buyer_web.get(card_path(item)).url == back.url
    assert len(stripe_api.requests) == calls and Order.objects.count() == 2


def test_one_shops_weighed_goods_are_authorised_and_charged_at_fulfilment(buyer_web, buyer, pears, station, stripe_api):  # noqa: F811
    add(buyer_web, pears["variant"], 2)
    assert buyer_web.post(CHECKOUT, address_form()).status_code == 302
    checkout = cart_of(buyer)
    response = place_by_card(buyer_web, checkout, {f"delivery_{pears['shop'].pk}": f"p{station.pk}"})
    assert response.status_code == 302, html(response)
    item = TransactionItem.objects.get()
    assert response.url == card_path(item) and stripe_api.requests[-1]["form"]["capture_method"] == "manual"
    stripe_api.confirm(item.psp_reference)
    buyer_web.get(return_path(item))
    order = Order.objects.get()
    assert order.authorized_amount == order.total_amount and order.charged_amount == 0


def test_a_cart_without_weighed_goods_is_charged_at_once(buyer_web, buyer, cooker, stripe_api):  # noqa: F811
    add(buyer_web, cooker["variant"], 1)
    assert buyer_web.post(CHECKOUT, address_form()).status_code == 302
    checkout = cart_of(buyer)
    response = place_by_card(buyer_web, checkout, {f"delivery_{cooker['shop'].pk}": f"p{cooker['store'].pk}"})
    item = TransactionItem.objects.get()
    assert response.url == card_path(item) and stripe_api.requests[-1]["form"]["capture_method"] == "automatic"
    stripe_api.confirm(item.psp_reference)
    assert buyer_web.get(return_path(item)).status_code == 302
    order = Order.objects.get()
    assert order.charged_amount == order.total_amount == Decimal("199.00")


def test_placing_again_goes_back_to_the_same_card_payment(buyer_web, buyer, pears, cooker, station, stripe_api):  # noqa: F811
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    first = place_by_card(buyer_web, checkout, choices)
    second = place_by_card(buyer_web, checkout, choices)  # the buyer went back and pressed "place order" again
    assert first.url == second.url == card_path(TransactionItem.objects.get())
    assert intents_created(stripe_api) == 1


def test_a_declined_card_goes_back_to_the_checkout_and_orders_nothing(
    buyer_web, buyer, pears, cooker, station, stripe_api
):  # noqa: F811
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    place_by_card(buyer_web, checkout, choices)
    item = TransactionItem.objects.get()
    stripe_api.decline("pi_test1")
    back = buyer_web.get(return_path(item))
    assert back.status_code == 302 and back.url == CHECKOUT
    assert "Your card was declined." in html(buyer_web.get(back.url))
    assert not Order.objects.exists() and Checkout.objects.filter(pk=checkout.pk).exists()
    item.refresh_from_db()
    assert item.authorized_amount == item.authorize_pending_amount == 0

    # Trying again opens a new PaymentIntent rather than the declined one.
    again = place_by_card(buyer_web, checkout, choices)
    newer = TransactionItem.objects.exclude(pk=item.pk).get()
    assert again.url == card_path(newer) and newer.psp_reference == "pi_test2"


def test_coming_back_without_paying_shows_the_card_form_again(buyer_web, buyer, pears, cooker, station, stripe_api):  # noqa: F811
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    place_by_card(buyer_web, checkout, choices)
    item = TransactionItem.objects.get()
    back = buyer_web.get(return_path(item))
    assert back.status_code == 302 and back.url == card_path(item)
    assert not Order.objects.exists()


def test_a_payment_the_bank_is_still_processing_waits_then_places(buyer_web, buyer, pears, cooker, station, stripe_api):  # noqa: F811
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    place_by_card(buyer_web, checkout, choices)
    item = TransactionItem.objects.get()
    stripe_api.intents["pi_test1"]["status"] = "processing"
    waiting = buyer_web.get(return_path(item))
    assert waiting.status_code == 200
    assert f'http-equiv="refresh" content="3;url={card_path(item)}return/"' in html(waiting)
    assert not Order.objects.exists()
    stripe_api.confirm("pi_test1")
    assert buyer_web.get(f"{card_path(item)}return/").url == f"/shop/orders/placed/{checkout.pk}/"


def test_another_buyers_card_payment_is_404(buyer_web, buyer, make_user, pears, cooker, station, stripe_api):  # noqa: F811
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    place_by_card(buyer_web, checkout, choices)
    item = TransactionItem.objects.get()
    stripe_api.confirm("pi_test1")
    calls = len(stripe_api.requests)
    stranger = login(make_user())
    assert stranger.get(card_path(item)).status_code == 404
    assert stranger.get(return_path(item)).status_code == 404
    # The buyer's own return, naming a PaymentIntent that is not this checkout's.
    assert buyer_web.get(return_path(item, intent="pi_test99")).status_code == 404
    assert len(stripe_api.requests) == calls and not Order.objects.exists()


def test_stock_gone_while_paying_gives_the_money_back(buyer_web, buyer, pears, cooker, station, stripe_api):  # noqa: F811
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    place_by_card(buyer_web, checkout, choices)
    item = TransactionItem.objects.get()
    stripe_api.confirm("pi_test1")
    stock_update(cooker["store"], cooker["variant"], actor=cooker["owner"], quantity=0)  # sold out while the buyer paid
    back = buyer_web.get(return_path(item))
    assert back.status_code == 302 and back.url == CHECKOUT
    assert "库存不足" in html(buyer_web.get(back.url))
    assert not Order.objects.exists()
    item.refresh_from_db()
    assert item.charged_amount > 0 and item.refunded_amount == item.charged_amount  # refunded at Stripe
    assert [r["form"]["amount"] for r in stripe_api.requests if r["path"] == "/v1/refunds"] == [
        str(int(item.charged_amount * 100))
    ]
