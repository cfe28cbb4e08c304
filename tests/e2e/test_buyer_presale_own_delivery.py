"""Issue 12, the buyer's side, on a phone:

* a villager buys pears on harvest pre-sale: the product page, the cart, the checkout and the order
  say 预售, the harvest date, the deposit paid now and the balance after the harvest; at the next
  checkout the saved address is offered again (nothing to type);
* a farmer who delivers their own orders and collects at home is offered as such: 卖家送货上门 and
  the home pickup point come before the village stations;
* the same pre-sale and own delivery read in English.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from logistics.geography.models import Village
from marketplace.inventory.services import warehouse_create
from marketplace.orders.models import Order
from marketplace.presale.services import presale_campaign_open
from tests.e2e.steps import add_to_cart, fill_address, log_in, member
from tests.marketplace.checkout.factories import county_and_zones, farmer_with_pears, village_station
from tests.marketplace.factories import channels, listed_product, open_shop

HARVEST = timezone.localdate() + timedelta(days=40)


def pears_on_presale():
    county_and_zones()
    _retail, rural = channels()
    farmer = member("13900139001")
    shop, pears = farmer_with_pears(farmer, rural)
    presale_campaign_open(
        pears, rural, actor=farmer, deposit_percent="30", expected_quantity=10, harvest_expected_on=HARVEST
    )
    return shop, pears


def place(page) -> None:
    """Place the order; a delivery fee that changed the total is shown first, then placed."""
    page.get_by_role("button", name=re.compile("提交订单|Place order")).click()
    page.wait_for_load_state()
    if "/placed/" not in page.url:
        expect(page.locator(".messages")).to_be_visible()
        page.get_by_role("button", name=re.compile("提交订单|Place order")).click()
    page.wait_for_url(re.compile(r".*/shop/orders/placed/[0-9a-f-]+/$"))


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_presale_is_shown_wherever_the_buyer_pays_and_the_address_comes_back(page, screenshot):
    shop, pears = pears_on_presale()
    village = Village.objects.select_related("town").order_by("code").first()
    member("13800138000")
    log_in(page, "13800138000")

    # The product page: pre-sale, harvest date, a 30% deposit of ¥3.75 per 斤.
    add_to_cart(page, pears.product, 2)
    note = page.locator(".presale")
    expect(note).to_contain_text("预售")
    expect(note).to_contain_text(f"预计 {HARVEST:%Y-%m-%d} 采收")
    expect(note).to_contain_text("下单先付 30% 定金（¥3.75/斤），尾款在采收后支付。")
    screenshot(page, "product-presale")

    # The cart: the goods total, what is paid now and after the harvest.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="购物车").click()
    page.wait_for_url("**/shop/cart/**")
    expect(page.locator(".cart-line")).to_contain_text("现付定金 ¥7.50，尾款 ¥17.50 采收后支付")
    expect(page.locator("#due-now")).to_have_text("¥7.50")
    expect(page.locator("#after-harvest")).to_have_text("¥17.50")
    screenshot(page, "cart-presale")

    # The checkout: village delivery, the demo card charges the deposit and the fee only.
    page.get_by_role("link", name="去结算").click()
    fill_address(page, village)
    page.locator(".shop-group").locator(".choice", has_text="村级配送").click()
    page.locator(".choice", has_text="演示银行卡").click()
    page.get_by_role("button", name="更新总价").click()
    expect(page.locator("#after-harvest")).to_have_text("¥17.50")
    total = float(page.locator("#grand-total").inner_text().lstrip("¥"))
    expect(page.locator("#due-now")).to_have_text(f"¥{total - 17.5:.2f}")
    expect(page.locator(".shop-group")).to_contain_text("预售")
    screenshot(page, "checkout-presale")
    page.locator(".choice", has_text="演示银行卡").click()
    place(page)

    order = Order.objects.get()
    assert order.charged_amount == order.total_amount - Decimal("17.50")  # the deposit and the delivery, no more
    page.goto(f"/shop/orders/{order.number}/")
    expect(page.locator(".lines")).to_contain_text("预售")
    expect(page.locator(".lines")).to_contain_text(f"预计 {HARVEST:%Y-%m-%d} 采收")
    expect(page.locator("#after-harvest")).to_have_text("¥17.50")
    screenshot(page, "order-presale")

    # The next checkout: the saved address is offered, delivery is chosen straight away.
    add_to_cart(page, pears.product, 1)
    page.goto("/shop/checkout/")
    expect(page.locator("#saved-address")).to_contain_text(f"{village.town.name}{village.name}3组12号")
    expect(page.get_by_label("收货人")).to_be_hidden()  # folded under “change the address”
    expect(page.locator(".shop-group .choice", has_text="村级配送")).to_be_visible()
    screenshot(page, "next-checkout-saved-address")
    assert page.external_requests == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_farmer_who_delivers_and_collects_at_home_is_offered_so(page, screenshot):
    county_and_zones()
    _retail, rural = channels()
    farmer = member("13900139001")
    shop = open_shop(farmer, name="老李家鸡蛋")  # “I can deliver orders myself” ticked
    home_village = Village.objects.select_related("town").order_by("-code").first()
    warehouse_create(shop, actor=farmer, name="老李家", kind="home", village=home_village, is_pickup_point=True)
    eggs = listed_product(shop, farmer, rural, name="笨鸡蛋")
    stations = [village_station(member(f"1390013910{n}"), member(f"1390013920{n}")) for n in range(5)]
    village = Village.objects.select_related("town").order_by("code").first()
    member("13800138000")

    log_in(page, "13800138000")
    add_to_cart(page, eggs, 1)
    page.goto("/shop/checkout/")
    fill_address(page, village)
    choices = page.locator(".shop-group .choice")
    expect(choices).to_have_count(2 + len(stations))
    expect(choices.nth(0)).to_contain_text("卖家送货上门")
    expect(choices.nth(0)).to_contain_text("老李家鸡蛋 亲自送货上门")
    expect(choices.nth(0)).to_contain_text("免费")
    expect(choices.nth(1)).to_contain_text("到卖家处自提")
    expect(choices.nth(1)).to_contain_text(f"老李家 · {home_village.town.name}{home_village.name}")
    expect(choices.nth(2)).to_contain_text("村级服务站自提")
    screenshot(page, "own-delivery-offered")

    choices.nth(0).click()
    page.locator(".choice", has_text="货到付款").click()
    place(page)
    order = Order.objects.get()
    assert order.shipping_method.kind == "seller" and order.delivery_kind == "shipping"
    expect(page.locator(".order-card")).to_contain_text("卖家送货上门")
    screenshot(page, "own-delivery-placed")
    assert page.external_requests == []


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_presale_and_own_delivery_read_in_english(page, live_server, screenshot):
    shop, pears = pears_on_presale()
    village = Village.objects.select_related("town").order_by("code").first()
    member("13800138000")
    log_in(page, "13800138000")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])

    page.goto(f"/shop/p/{pears.product.slug}/")
    note = page.locator(".presale")
    expect(note).to_contain_text("Pre-sale")
    expect(note).to_contain_text(f"Harvest expected on {HARVEST:%Y-%m-%d}.")
    expect(note).to_contain_text("Pay a 30% deposit now (¥3.75 per jin); the balance is paid after the harvest.")
    page.get_by_label(re.compile("Quantity")).fill("2")
    page.get_by_role("button", name="Add to cart").click()
    screenshot(page, "product-presale-en")

    page.goto("/shop/cart/")
    expect(page.locator(".place-bar")).to_contain_text("Pay now")
    expect(page.locator("#after-harvest")).to_have_text("¥17.50")

    page.goto("/shop/checkout/")
    page.get_by_label("Recipient").fill("Wang Xiuying")
    page.get_by_label("Mobile number").fill("13904170001")
    page.get_by_label("Town and village").select_option(str(village.pk))
    page.get_by_label("Street, group and house number").fill("3组12号")
    page.get_by_role("button", name="Save address").click()
    expect(page.locator("#saved-address")).to_be_visible()
    choices = page.locator(".shop-group .choice")
    expect(choices.first).to_contain_text("Delivered by the seller")  # the test farmer ticked “I deliver myself”
    expect(page.locator(".shop-group")).to_contain_text("Deposit ¥7.50 now, balance ¥17.50 after the harvest")
    expect(page.locator(".place-bar")).to_contain_text("Pay after the harvest")
    screenshot(page, "checkout-presale-en")
    assert page.external_requests == []
