"""A farmer sees a new order on the phone, confirms it, weighs the pears, sends them with the
county delivery run the buyer chose (nothing to tick), and prints a packing slip."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.orders.models import Fulfillment, OrderStatus
from marketplace.orders.selectors import orders_on_village_runs
from meidu.accounts.roles import Role
from meidu.accounts.services import account_register, user_roles_set
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears
from tests.marketplace.checkout.helpers import placed_orders
from tests.marketplace.factories import channels

PASSWORD = "Pear-Orchard-2024"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seller_confirms_weighs_and_sends_an_order(page, screenshot):
    county_and_zones()
    _retail, rural = channels()
    farmer = account_register(phone="13900139001", password=PASSWORD, roles=())
    user_roles_set(farmer, [Role.BUYER.value])
    shop, pears = farmer_with_pears(farmer, rural)
    buyer = account_register(phone="13800138000", password=PASSWORD, first_name="秀英", last_name="王")
    order = placed_orders(buyer, rural, [(pears, 2)])[0]

    page.goto("/login/")
    page.fill("#id_identifier", "13900139001")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/home/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="店铺订单").click()
    page.wait_for_url(re.compile(r".*/seller/orders/"))
    card = page.locator(".order-card", has_text=f"订单 {order.number}")
    expect(card).to_contain_text("待卖家确认")
    screenshot(page, "orders")
    card.get_by_role("link", name=f"订单 {order.number}").click()
    page.wait_for_url(f"**/seller/orders/{order.number}/")
    expect(page.locator("main")).to_contain_text("王秀英")

    page.get_by_role("button", name="确认订单").click()
    expect(page.locator(".messages")).to_contain_text(f"订单 {order.number} 已确认")
    page.get_by_role("link", name="发货", exact=True).click()
    page.wait_for_url(f"**/seller/orders/{order.number}/fulfil/")

    # The buyer chose village delivery: the page says the county run carries it, nothing to tick.
    expect(page.locator(".route--county")).to_contain_text("由县城统一配送车送达")
    expect(page.locator("input[type=checkbox]")).to_have_count(0)

    # Forgetting to weigh is refused on the form; nothing is sent.
    page.get_by_role("button", name="标记为已发货").click()
    expect(page.locator(".alert")).to_contain_text("请给每件称重商品过秤并填写重量")
    assert not Fulfillment.objects.exists()
    screenshot(page, "fulfil-refused")

    page.get_by_label(re.compile("过秤重量")).fill("1.9")
    page.get_by_role("button", name="标记为已发货").click()
    page.wait_for_url(f"**/seller/orders/{order.number}/")
    expect(page.locator(".messages")).to_contain_text(f"订单 {order.number} 已发货")
    expect(page.locator(".state")).to_have_text("已发货")
    expect(page.locator(".timeline")).to_contain_text("已过秤")
    screenshot(page, "sent")
    order.refresh_from_db()
    assert order.status == OrderStatus.FULFILLED and str(order.total_amount) == str(
        order.subtotal_amount + order.shipping_amount
    )
    assert Fulfillment.objects.get().local_delivery and list(orders_on_village_runs()) == [order]

    page.get_by_role("link", name="发货单").click()
    page.wait_for_url(f"**/seller/orders/{order.number}/slip/")
    expect(page.locator(".slip")).to_contain_text("南果梨")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    screenshot(page, "packing-slip-print")
    assert page.external_requests == []
