"""Harvest pre-sale (预售) on the buying pages: the product page, the cart, the checkout and the order
say it is a pre-sale, when the harvest is expected, the deposit paid now and the balance paid after
the harvest; the figures are the ones charged (Checkout.dueNowPrice, the order's due-now)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.presale.services import presale_campaign_open
from tests.marketplace.checkout.helpers import placed_orders
from tests.support.buying import CART, CHECKOUT, add, address_form, cart_of, html

pytestmark = pytest.mark.django_db
HARVEST = timezone.localdate() + timedelta(days=40)


@pytest.fixture
def campaign(pears, rural):
    return presale_campaign_open(
        pears["variant"],
        rural,
        actor=pears["owner"],
        deposit_percent="30",
        expected_quantity=10,
        harvest_expected_on=HARVEST,
    )


def amount(page, element_id) -> str:
    return re.search(rf'id="{element_id}">([^<]+)<', page).group(1)


def test_the_product_page_says_pre_sale_deposit_and_harvest_date(client, pears, campaign):
    page = html(client.get(f"/shop/p/{pears['product'].slug}/?channel=rural"))
    note = re.search(r'<div class="presale".*?</div>', page, re.S).group(0)
    assert "预售" in note and f"预计 {HARVEST:%Y-%m-%d} 采收" in note
    assert "30% 定金" in note and "¥3.75/斤" in note and "尾款在采收后支付" in note  # 30% of ¥12.50 per 斤

    english = html(client.get(f"/shop/p/{pears['product'].slug}/?channel=rural", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Pre-sale" in english and f"Harvest expected on {HARVEST:%Y-%m-%d}" in english
    assert "Pay a 30% deposit now" in english


def test_a_product_without_a_pre_sale_says_nothing_of_it(client, pears):
    page = html(client.get(f"/shop/p/{pears['product'].slug}/?channel=rural"))
    assert 'class="presale"' not in page and "预售" not in page


def test_cart_and_checkout_show_the_deposit_due_now_and_the_balance(buyer_web, buyer, pears, campaign):
    add(buyer_web, pears["variant"], 2)  # 2 × ¥12.50: deposit ¥7.50, balance ¥17.50
    cart = html(buyer_web.get(CART + "?channel=rural"))
    assert "预售" in cart and f"预计 {HARVEST:%Y-%m-%d} 采收" in cart
    assert "现付定金 ¥7.50，尾款 ¥17.50 采收后支付" in cart
    assert amount(cart, "due-now") == "¥7.50" and amount(cart, "after-harvest") == "¥17.50"

    assert buyer_web.post(CHECKOUT + "?channel=rural", address_form()).status_code == 302
    checkout = cart_of(buyer)
    method = pears["shop"].shipping_methods.get(kind="county")
    buyer_web.post(
        "/shop/checkout/place/?channel=rural",
        {
            "token": str(checkout.pk),
            "attempt": "a1",
            "action": "update",
            f"delivery_{pears['shop'].pk}": f"m{method.pk}",
        },
    )
    page = html(buyer_web.get(CHECKOUT + "?channel=rural"))
    total = amount(page, "grand-total")
    due_now = amount(page, "due-now")
    shipping = float(total[1:]) - 25
    assert shipping > 0 and due_now == f"¥{7.5 + shipping:.2f}"  # the deposit and the delivery now
    assert amount(page, "after-harvest") == "¥17.50" and "现在支付" in page and "采收后支付" in page

    english = html(buyer_web.get(CHECKOUT + "?channel=rural", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Pay now" in english and "Pay after the harvest" in english
    assert "Deposit ¥7.50 now, balance ¥17.50 after the harvest" in english


def test_the_order_page_shows_the_balance_left_for_after_the_harvest(buyer_web, buyer, rural, pears, campaign):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)])
    page = html(buyer_web.get(f"/shop/orders/{order.number}/"))
    assert "预售" in page and f"预计 {HARVEST:%Y-%m-%d} 采收" in page
    assert amount(page, "after-harvest") == "¥17.50"
    assert amount(page, "due-now") == f"¥{order.total_amount - Decimal('17.50')}"  # the deposit and the delivery

    placed = html(buyer_web.get(f"/shop/orders/placed/{order.checkout_token}/"))
    assert amount(placed, "after-harvest") == "¥17.50" and "采收后支付" in placed


def test_an_order_without_pre_sale_shows_no_balance(buyer_web, buyer, rural, pears):
    [order] = placed_orders(buyer, rural, [(pears["variant"], 2)])
    page = html(buyer_web.get(f"/shop/orders/{order.number}/"))
    assert 'id="after-harvest"' not in page and "预售" not in page
    assert 'id="after-harvest"' not in html(buyer_web.get(f"/shop/orders/placed/{order.checkout_token}/"))
