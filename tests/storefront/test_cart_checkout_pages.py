"""Buyer pages: cart, checkout (address, delivery per shop, payment), confirmation, my orders.

Every refusal of a service shows as a message on the page, the buyer's input kept and nothing written.
"""

import re

import pytest
from django.urls import reverse

from marketplace.checkout.models import Checkout, CheckoutDelivery, CheckoutLine
from marketplace.inventory.services import stock_update
from marketplace.orders.models import Order, OrderStatus
from marketplace.payments.models import TransactionItem
from meidu.accounts.models import Address
from tests.marketplace.checkout.helpers import OFFLINE, placed_orders
from tests.support.buying import (
    CART,
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

# --- cart ---------------------------------------------------------------------------------------------------------


def test_cart_and_checkout_need_a_login(client, pears):
    assert client.get(CART).url.startswith(reverse("shell:login"))
    assert client.get(CHECKOUT).url.startswith(reverse("shell:login"))
    response = add(client, pears["variant"])
    assert response.status_code == 302
    assert response.url.startswith(reverse("shell:login")) and "next=/shop/p/" in response.url
    assert Checkout.objects.count() == 0


def test_the_product_page_adds_to_the_cart(buyer_web, buyer, pears):
    page = html(buyer_web.get(f"/shop/p/{pears['product'].slug}/"))
    assert 'action="/shop/cart/add/?channel=rural"' in page and "加入购物车" in page

    response = add(buyer_web, pears["variant"], 3)
    assert response.status_code == 302 and response.url == reverse("shop:product", args=[pears["product"].slug])
    add(buyer_web, pears["variant"], 2)
    line = CheckoutLine.objects.get(checkout=cart_of(buyer))
    assert line.quantity == 5

    page = html(buyer_web.get(CART))
    assert pears["shop"].name in page and "南果梨" in page
    assert "¥62.50" in page  # 5 × 12.50
    assert "去结算" in page


def test_adding_more_than_the_stock_is_refused_with_a_message(buyer_web, buyer, pears):
    response = buyer_web.post("/shop/cart/add/", {"variant": pears["variant"].pk, "quantity": 25}, follow=True)
    assert "库存不足" in html(response)
    assert Checkout.objects.count() == 0


def test_an_unknown_item_is_a_404(buyer_web, pears):
    assert buyer_web.post("/shop/cart/add/", {"variant": 999999, "quantity": 1}).status_code == 404


def test_change_quantity_and_remove(buyer_web, buyer, pears, cooker):
    add(buyer_web, pears["variant"], 2)
    add(buyer_web, cooker["variant"], 1)
    checkout = cart_of(buyer)
    pear_line = checkout.lines.get(variant=pears["variant"])

    buyer_web.post("/shop/cart/update/", {"line": pear_line.pk, "quantity": 2, "step": "1"})
    pear_line.refresh_from_db()
    assert pear_line.quantity == 3
    buyer_web.post("/shop/cart/update/", {"line": pear_line.pk, "quantity": 7})
    pear_line.refresh_from_db()
    assert pear_line.quantity == 7

    page = html(buyer_web.post("/shop/cart/update/", {"line": pear_line.pk, "quantity": 40}, follow=True))
    assert "库存不足" in page
    pear_line.refresh_from_db()
    assert pear_line.quantity == 7

    cooker_line = checkout.lines.get(variant=cooker["variant"])
    page = html(buyer_web.post("/shop/cart/remove/", {"line": cooker_line.pk}, follow=True))
    assert "已移除“电饭煲”" in page
    assert list(checkout.lines.values_list("variant_id", flat=True)) == [pears["variant"].pk]


def test_a_line_of_another_cart_is_a_404(buyer_web, make_user, pears):
    other = login(make_user())
    add(other, pears["variant"], 1)
    line = CheckoutLine.objects.get()
    add(buyer_web, pears["variant"], 1)
    assert buyer_web.post("/shop/cart/remove/", {"line": line.pk}).status_code == 404
    assert CheckoutLine.objects.filter(pk=line.pk).exists()


# --- checkout -----------------------------------------------------------------------------------------------------


def test_checkout_with_two_shops_pickups_and_cash_on_delivery(buyer_web, buyer, pears, cooker, station):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    address = Checkout.objects.get(pk=checkout.pk).shipping_address
    assert address.phone == "+8613904170001" and address.village_id is not None
    assert address.street_address_1.endswith("3组12号") and address.street_address_1.startswith(
        address.village.town.name
    )

    page = html(buyer_web.get(CHECKOUT))
    assert "村级服务站自提" in page and "门店自提" in page and "村级配送" in page
    assert "货到付款" in page and "银行转账" in page and "演示银行卡" in page

    response = buyer_web.post(
        PLACE,
        {
            **place_form(checkout, **choices),
            "payment": "meidu.payments.cod",
            "expected_total": expected_total(buyer_web),
        },
    )
    assert response.status_code == 302, html(response)
    orders = list(Order.objects.order_by("number"))
    assert len(orders) == 2
    assert response.url == f"/shop/orders/placed/{orders[0].checkout_token}/"
    assert {order.collection_point_id for order in orders} == {station.pk, cooker["store"].pk}
    assert all(order.payment_gateway == "meidu.payments.cod" for order in orders)

    page = html(buyer_web.get(response.url))
    for order in orders:
        assert f"订单 {order.number}" in page and order.pickup_code in page
    assert "货到付款" in page

    mine = html(buyer_web.get("/shop/orders/"))
    assert all(order.pickup_code in mine for order in orders)
    detail = html(buyer_web.get(f"/shop/orders/{orders[0].number}/"))
    assert "已下单" in detail and orders[0].pickup_code in detail
    assert Checkout.objects.count() == 0


def test_the_next_checkout_offers_the_saved_address(buyer_web, buyer, pears, cooker, station):
    """Typed once, the address comes back at the next checkout: shown, with delivery priced, no form to fill."""
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    buyer_web.post(
        PLACE,
        {
            **place_form(checkout, **choices),
            "payment": "meidu.payments.cod",
            "expected_total": expected_total(buyer_web),
        },
    )
    assert Checkout.objects.count() == 0

    add(buyer_web, pears["variant"], 1)
    page = html(buyer_web.get(CHECKOUT))
    saved = re.search(r'<p class="address-card" id="saved-address">(.*?)</p>', page, re.S)
    assert saved and "王秀英" in saved.group(1) and "3组12号" in saved.group(1)
    assert "<details>" in page  # the address form is folded away under "change the address"
    assert "村级配送" in page and 'name="delivery_' in page
    checkout = cart_of(buyer)
    village_delivery = f"m{pears['shop'].shipping_methods.get(kind='county').pk}"
    choice = {f"delivery_{pears['shop'].pk}": village_delivery}
    buyer_web.post(PLACE, {**place_form(checkout, **choice), "action": "update"})  # priced at the saved address
    response = buyer_web.post(
        PLACE,
        {
            **place_form(checkout, **choice),
            "payment": "meidu.payments.cod",
            "expected_total": expected_total(buyer_web),
        },
    )
    assert response.status_code == 302, html(response)
    newest = Order.objects.order_by("-number").first()
    assert newest.shipping_address.street_address_1.endswith("3组12号") and newest.shipping_method.kind == "county"


def test_a_double_tap_on_place_order_gives_the_same_orders(buyer_web, buyer, pears, cooker, station):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    data = {
        **place_form(checkout, **choices),
        "payment": "meidu.payments.cod",
        "expected_total": expected_total(buyer_web),
    }
    first = buyer_web.post(PLACE, data)
    second = buyer_web.post(PLACE, data)
    assert first.url == second.url
    assert Order.objects.count() == 2 and TransactionItem.objects.count() == 1


def test_a_bad_address_is_refused_and_the_input_kept(buyer_web, buyer, pears):
    add(buyer_web, pears["variant"], 1)
    response = buyer_web.post(CHECKOUT, address_form(phone="12345", street="青山路8号"))
    assert response.status_code == 200
    page = html(response)
    assert "请输入中国大陆手机号" in page
    assert 'value="青山路8号"' in page
    assert cart_of(buyer).shipping_address is None
    assert Address.objects.count() == 0


def test_a_missing_delivery_choice_is_refused(buyer_web, buyer, pears, cooker, station):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    choices.pop(f"delivery_{cooker['shop'].pk}")
    response = buyer_web.post(PLACE, {**place_form(checkout, **choices), "payment": "meidu.payments.cod"})
    assert response.status_code == 400
    assert "请选择这家店的送货方式" in html(response)
    assert Order.objects.count() == 0 and TransactionItem.objects.count() == 0


def test_a_pickup_point_of_another_shop_is_refused(buyer_web, buyer, pears, cooker, station):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    choices[f"delivery_{pears['shop'].pk}"] = f"p{cooker['store'].pk}"  # the store does not serve the farmer
    response = buyer_web.post(PLACE, {**place_form(checkout, **choices), "payment": "meidu.payments.cod"})
    assert response.status_code == 400
    assert Order.objects.count() == 0
    assert not CheckoutDelivery.objects.filter(shop=pears["shop"]).exists()


def test_stock_gone_before_placing_is_a_message_and_nothing_is_ordered(
    buyer_web, buyer, pears, cooker, station, settings
):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    total = expected_total(buyer_web)
    stock_update(cooker["store"], cooker["variant"], actor=cooker["owner"], quantity=0)
    response = buyer_web.post(
        PLACE, {**place_form(checkout, **choices), "payment": "meidu.payments.cod", "expected_total": total}
    )
    assert response.status_code == 400
    assert "库存不足" in html(response)
    assert Order.objects.count() == 0
    assert Checkout.objects.filter(pk=checkout.pk).exists()
    for item in TransactionItem.objects.all():  # a payment taken for it was given back
        assert item.authorized_amount == 0 and item.charged_amount == item.refunded_amount


def test_a_changed_total_is_shown_before_anything_is_charged(buyer_web, buyer, pears, cooker, station):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    before = expected_total(buyer_web)
    village_delivery = pears["shop"].shipping_methods.get(kind="county")
    choices[f"delivery_{pears['shop'].pk}"] = f"m{village_delivery.pk}"
    data = {**place_form(checkout, **choices), "payment": "meidu.payments.cod", "expected_total": before}
    response = buyer_web.post(PLACE, data)
    assert response.status_code == 200
    assert "总价有变化" in html(response)
    assert Order.objects.count() == 0 and TransactionItem.objects.count() == 0
    after = re.search(r'name="expected_total" value="([0-9.]+)"', html(response)).group(1)
    assert float(after) > float(before)

    response = buyer_web.post(PLACE, {**data, "expected_total": after})
    assert response.status_code == 302
    assert Order.objects.filter(shop=pears["shop"], delivery_kind="shipping").exists()


def test_update_the_total_needs_no_payment_choice_yet(buyer_web, buyer, pears, cooker, station):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    choices[f"delivery_{pears['shop'].pk}"] = f"m{pears['shop'].shipping_methods.get(kind='county').pk}"
    response = buyer_web.post(PLACE, {**place_form(checkout, **choices), "action": "update"})
    assert response.status_code == 200
    assert CheckoutDelivery.objects.get(shop=pears["shop"]).shipping_method_id is not None
    assert Order.objects.count() == 0 and TransactionItem.objects.count() == 0


def test_bank_transfer_shows_the_reference_code(buyer_web, buyer, pears, cooker, station):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    response = buyer_web.post(
        PLACE,
        {
            **place_form(checkout, **choices),
            "payment": "meidu.payments.bank_transfer",
            "expected_total": expected_total(buyer_web),
        },
    )
    assert response.status_code == 302
    item = TransactionItem.objects.get()
    assert item.psp_reference.startswith("BT") and item.psp_reference in html(buyer_web.get(response.url))


def test_the_demo_card_pays_at_once(buyer_web, buyer, pears, cooker, station):
    checkout, choices = prepared(buyer_web, buyer, pears, cooker, station)
    response = buyer_web.post(
        PLACE,
        {
            **place_form(checkout, **choices),
            "payment": "meidu.payments.offline",
            "expected_total": expected_total(buyer_web),
        },
    )
    assert response.status_code == 302
    assert all(order.charged_amount == order.total_amount for order in Order.objects.all())


def test_an_empty_cart_has_no_checkout_page(buyer_web, rural):
    assert buyer_web.get(CHECKOUT).url == CART


# --- my orders ----------------------------------------------------------------------------------------------------


def test_another_buyers_orders_are_404(buyer_web, make_user, rural, pears, cooker, station):
    other = make_user()
    orders = placed_orders(other, rural, [(pears["variant"], 1), (cooker["variant"], 1)], pickup=station)
    assert buyer_web.get(f"/shop/orders/{orders[0].number}/").status_code == 404
    assert buyer_web.get(f"/shop/orders/placed/{orders[0].checkout_token}/").status_code == 404
    assert buyer_web.post(f"/shop/orders/{orders[0].number}/received/").status_code == 404
    assert orders[0].pickup_code not in html(buyer_web.get("/shop/orders/"))


def test_my_orders_costs_a_fixed_number_of_queries(
    buyer_web, buyer, rural, pears, cooker, station, django_assert_max_num_queries
):
    for n in range(3):
        placed_orders(buyer, rural, [(pears["variant"], 1), (cooker["variant"], 1)], pickup=station, key=f"pay-{n}")
    with django_assert_max_num_queries(8):
        page = html(buyer_web.get("/shop/orders/"))
    assert page.count('class="order-card"') == 6


def test_the_buyer_confirms_receipt_of_a_shipped_order(buyer_web, buyer, rural, pears):
    from marketplace.orders.services.lifecycle import order_fulfill

    order = placed_orders(buyer, rural, [(pears["variant"], 2)], gateway=OFFLINE, action="CHARGE")[
        0
    ]  # paid: cash owed is not
    order_fulfill(order, actor=pears["owner"], lines=[(order.lines.get(), 2, "2.000")], local_delivery=True)
    response = buyer_web.post(f"/shop/orders/{order.number}/received/", follow=True)
    assert "已确认收货" in html(response)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    # A second time is refused politely (the order is already delivered: the service returns it as is).
    assert buyer_web.post(f"/shop/orders/{order.number}/received/").status_code == 302


# --- complaints ---------------------------------------------------------------------------------------------------


def test_the_buyer_complains_then_rates_the_handling(buyer_web, buyer, rural, pears):
    from marketplace.complaints.models import Complaint
    from marketplace.complaints.services import complaint_resolve

    order = placed_orders(buyer, rural, [(pears["variant"], 2)])[0]
    assert "反映问题" in html(buyer_web.get(f"/shop/orders/{order.number}/"))
    url = f"/shop/orders/{order.number}/complaint/"
    response = buyer_web.post(url, {"category": "quality", "description": ""})
    assert response.status_code == 400 and Complaint.objects.count() == 0

    response = buyer_web.post(url, {"category": "quality", "description": "梨有一半是烂的。"}, follow=True)
    page = html(response)
    assert "投诉已登记" in page and "梨有一半是烂的。" in page
    complaint = Complaint.objects.get()
    assert complaint.order_id == order.pk and complaint.buyer_id == buyer.pk

    # A second one while the first is handled is refused, with the service's own (translated) message.
    response = buyer_web.post(url, {"category": "other", "description": "再投诉一次"})
    assert response.status_code == 400 and Complaint.objects.count() == 1

    rating_url = f"/shop/orders/{order.number}/complaint/{complaint.pk}/rating/"
    buyer_web.post(rating_url, {"rating": 5})  # not resolved yet: refused, nothing rated
    complaint.refresh_from_db()
    assert complaint.handling_rating is None

    complaint_resolve(complaint, actor=pears["owner"], as_operator=False, resolution="replacement", note="补发一箱")
    assert "处理得怎么样" in html(buyer_web.get(f"/shop/orders/{order.number}/"))
    response = buyer_web.post(rating_url, {"rating": 4, "comment": "补发很快"}, follow=True)
    assert "谢谢您的评价" in html(response)
    complaint.refresh_from_db()
    assert complaint.handling_rating == 4


def test_another_buyers_order_cannot_be_complained_about(buyer_web, make_user, rural, pears):
    order = placed_orders(make_user(), rural, [(pears["variant"], 1)])[0]
    assert buyer_web.get(f"/shop/orders/{order.number}/complaint/").status_code == 404
    assert (
        buyer_web.post(
            f"/shop/orders/{order.number}/complaint/", {"category": "quality", "description": "x"}
        ).status_code
        == 404
    )


def test_the_pages_read_in_english_too(buyer_web, buyer, pears, cooker, station, settings):
    checkout, _choices = prepared(buyer_web, buyer, pears, cooker, station)
    buyer_web.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Go to checkout" in html(buyer_web.get(CART))
    page = html(buyer_web.get(CHECKOUT))
    assert "Pick up at the village station" in page and "Cash on delivery" in page and "Place order" in page
