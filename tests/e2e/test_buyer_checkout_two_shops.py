"""A villager fills one cart from a phone with pears from a farmer and a rice cooker from the
department store, collects the pears at the village station and the cooker at the store, pays
cash on delivery, and ends on the confirmation page with one order (and pickup code) per shop."""

import re

import pytest
from playwright.sync_api import expect

from logistics.geography.models import Village
from marketplace.orders.models import Order
from tests.e2e.steps import add_to_cart, fill_address, log_in, member
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears, store_with_cooker, village_station
from tests.marketplace.factories import channels


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_buyer_checks_out_two_shops_with_pickups_and_cash_on_delivery(page, screenshot):
    county_and_zones()
    _retail, rural = channels()
    _farm, pears = farmer_with_pears(member("13900139001"), rural)
    store_shop, cooker, store = store_with_cooker(member("13900139002"), rural)
    station = village_station(member("13900139003"), member("13900139004"))
    village = Village.objects.select_related("town").order_by("code").first()
    member("13800138000")

    log_in(page, "13800138000")
    add_to_cart(page, pears.product, 2)
    screenshot(page, "product-added")
    add_to_cart(page, cooker.product, 1)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="购物车").click()
    page.wait_for_url("**/shop/cart/")
    expect(page.locator(".shop-group")).to_have_count(2)
    expect(page.locator(".place-bar")).to_contain_text("¥224.00")  # 2 × 12.50 + 199.00
    screenshot(page, "cart")
    page.get_by_role("link", name="去结算").click()
    page.wait_for_url(re.compile(r".*/shop/checkout/(\?channel=rural)?$"))

    # The address: name, mobile, province / city / county preset, the village from the list, the house.
    fill_address(page, village, before_saving=lambda: screenshot(page, "address"))
    expect(page.locator("#saved-address")).to_contain_text(f"{village.town.name}{village.name}3组12号")

    # Delivery per shop: the pears to the village station, the cooker from the store; pay cash.
    farm_part = page.locator(".shop-group", has_text="南果梨")
    farm_part.locator(".choice", has_text="村级服务站自提").click()
    store_part = page.locator(".shop-group", has_text="电饭煲")
    expect(store_part.locator(".choice", has_text="门店自提")).to_contain_text(store.name)
    store_part.locator(".choice", has_text="门店自提").click()
    page.locator(".choice", has_text="货到付款").click()
    expect(page.locator("#grand-total")).to_have_text("¥224.00")
    screenshot(page, "checkout")
    page.get_by_role("button", name="提交订单").click()

    page.wait_for_url(re.compile(r".*/shop/orders/placed/[0-9a-f-]+/$"))
    expect(page.locator("h1")).to_have_text("谢谢，订单已提交")
    cards = page.locator(".order-card")
    expect(cards).to_have_count(2)
    orders = list(Order.objects.order_by("number"))
    assert {order.collection_point_id for order in orders} == {station.pk, store.pk}
    for order in orders:
        card = cards.filter(has_text=f"订单 {order.number}")
        expect(card.locator("[data-testid=pickup-code]")).to_have_text(order.pickup_code)
    expect(cards.filter(has_text=store_shop.name)).to_contain_text(store.name)
    expect(page.locator("main")).to_contain_text("货到付款")
    screenshot(page, "confirmation")

    page.get_by_role("link", name="我的订单").first.click()
    page.wait_for_url("**/shop/orders/")
    expect(page.locator(".order-card")).to_have_count(2)
    assert page.external_requests == []
