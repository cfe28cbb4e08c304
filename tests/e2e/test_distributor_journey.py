"""Issue 16 on a phone (390x844): a home maker opens a distributor shop, picks Nanguo pears from a
cooperative at her own price and gets the share link with its QR code; a buyer who came by the link buys
them; the order shows in the cooperative's seller order pages with the distributor's name on the packing
slip. Then the distributor centre and the slip read in English."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from incubator.distribution.models import DistributedLine, DistributionPick
from incubator.referrals.models import BuyerBinding, ReferralLink
from incubator.supply.services import supply_offer_create, supply_offer_open
from logistics.geography.models import Village
from marketplace.orders.models import Order
from marketplace.shipping.services import shipping_method_enable
from marketplace.shops.models import Shop
from marketplace.shops.services import shop_transition
from meidu.accounts.roles import Role
from tests.e2e.steps import fill_address, log_in, member
from tests.magnesium_exchange.records_factories import credit_code
from tests.marketplace.checkout.factories import county_and_zones
from tests.marketplace.factories import channels, listed_product, open_shop, valid_id_number
from tests.support.distribution import OFFER_TERMS


def cooperative_with_pears(rural):
    owner = member("13900139100", Role.SELLER)
    shop = open_shop(
        owner, name="周家镇南果梨合作社", kind="cooperative", track="business", business_licence_number=credit_code()
    )
    product = listed_product(shop, owner, rural, name="南果梨", price="12.00", quantity=50)
    shipping_method_enable(shop, actor=owner, kind="county")
    offer = supply_offer_create(actor=owner, shop=shop, variant=product.variants.get(), data=dict(OFFER_TERMS))
    supply_offer_open(offer, actor=owner)
    return owner, shop, product


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_home_maker_sells_a_cooperatives_pears_through_her_share_link(page, screenshot, live_server):
    county_and_zones()
    _retail, rural = channels()
    coop_owner, coop, pears = cooperative_with_pears(rural)
    operator = member("13700137016", Role.OPERATOR)
    member("13900139200")  # the home maker, a new user
    member("13800138016")  # the buyer
    village = Village.objects.select_related("town").order_by("code").first()

    # She opens a distributor shop through the usual shop flow.
    log_in(page, "13900139200")
    page.goto(reverse("distributor:centre"))
    screenshot(page, "no-shop-yet")
    page.get_by_role("link", name="开一家分销店").click()
    page.wait_for_url("**/seller/open/?kind=distributor")
    expect(page.locator("#id_kind")).to_have_value("distributor")
    page.fill("#id_name", "秀英的家乡好物")
    page.fill("#id_real_name", "王秀英")
    page.fill("#id_id_number", valid_id_number(716))
    page.fill("#id_payout_account_name", "王秀英")
    page.fill("#id_payout_account_number", "6228480012345716")
    page.get_by_label("我已阅读并同意美都集市商家协议").check()
    page.get_by_role("button", name="创建店铺").click()
    page.wait_for_url("**/seller/?shop=*")
    page.get_by_role("button", name="提交审核").click()
    shop = Shop.objects.get(kind="distributor")
    shop_transition(shop, "approve", actor=operator)

    # The pool: the cooperative's pears, picked at her price (a price outside the bounds is refused first).
    page.goto(reverse("distributor:pool"))
    card = page.locator(".offer-card", has_text="南果梨")
    expect(card).to_contain_text("佣金为售价的 10%")
    card.get_by_label("您的售价（元）").fill("16.50")
    card.get_by_role("button", name="选入我的店铺").click()
    expect(page.locator(".messages")).to_contain_text("零售价须在 10.00 元至 16.00 元之间")
    assert not DistributionPick.objects.exists()
    card = page.locator(".offer-card", has_text="南果梨")
    card.get_by_label("您的售价（元）").fill("13.80")
    screenshot(page, "pool")
    card.get_by_role("button", name="选入我的店铺").click()
    page.wait_for_url("**/distributor/picks/?shop=*")
    expect(page.locator(".offer-card", has_text="南果梨")).to_contain_text("在售")
    screenshot(page, "picks")

    # The share link and QR code of the pears.
    page.get_by_role("navigation", name="分销商中心").get_by_role("link", name="分享").click()
    page.get_by_role("button", name="生成 南果梨 的链接").click()
    share = page.locator(".share-card", has_text="南果梨")
    expect(share.locator("img.qr")).to_be_visible()
    share.locator("img.qr").scroll_into_view_if_needed()
    for _ in range(50):  # the PNG loaded (CSP forbids wait_for_function's eval)
        if page.evaluate("document.querySelector('.share-card img.qr').naturalWidth") > 0:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('.share-card img.qr').naturalWidth") > 0
    link_url = share.locator("[data-url]").inner_text().strip()
    assert link_url.endswith(f"/r/{ReferralLink.objects.get().code}/")
    expect(share.get_by_role("link", name="保存二维码")).to_have_attribute("download", re.compile(r"\.png$"))
    screenshot(page, "share")

    # A buyer opens the link, buys two boxes at her price, village delivery, cash on delivery.
    page.context.clear_cookies()
    log_in(page, "13800138016")
    page.goto(link_url)
    expect(page.locator(".resale")).to_contain_text("秀英的家乡好物")
    expect(page.locator(".resale")).to_contain_text("¥13.80")
    page.get_by_label(re.compile("数量")).fill("2")
    page.get_by_role("button", name="加入购物车").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="购物车").click()
    expect(page.locator(".shop-group")).to_contain_text("秀英的家乡好物")
    page.get_by_role("link", name="去结算").click()
    fill_address(page, village)
    page.locator(".shop-group").locator(".choice", has_text="村级配送").click()
    page.locator(".choice", has_text="货到付款").click()
    page.get_by_role("button", name="更新总价").click()
    page.locator(".choice", has_text="货到付款").click()
    expect(page.locator("#grand-total")).to_have_text("¥34.60")  # 2 × 13.80 + village delivery 7.00
    screenshot(page, "checkout")
    page.get_by_role("button", name="提交订单").click()
    page.wait_for_url(re.compile(r".*/shop/orders/placed/[0-9a-f-]+/$"))
    expect(page.locator(".order-card")).to_contain_text("秀英的家乡好物")
    order = Order.objects.get()
    assert (order.shop, order.reseller_shop, order.subtotal_amount) == (coop, shop, Decimal("27.60"))
    assert BuyerBinding.objects.get().distributor_shop == shop
    assert DistributedLine.objects.get().attributed_shop == shop
    screenshot(page, "placed")

    # The cooperative finds it in its order pages and prints the slip with the distributor's name.
    page.context.clear_cookies()
    log_in(page, "13900139100")
    page.goto(f"{reverse('seller:orders')}?shop={coop.slug}")
    page.locator(".order-card", has_text=str(order.number)).get_by_role("link").first.click()
    expect(page.locator("[data-reseller]")).to_contain_text("秀英的家乡好物")
    page.goto(f"{reverse('seller:order_slip', args=[order.number])}?shop={coop.slug}")
    expect(page.locator(".slip")).to_contain_text("秀英的家乡好物")
    expect(page.locator(".slip [data-reseller]")).to_contain_text("周家镇南果梨合作社")
    screenshot(page, "slip")

    # The distributor sees the order, the buyer masked.
    page.context.clear_cookies()
    log_in(page, "13900139200")
    page.goto(reverse("distributor:orders"))
    masked = page.locator(".order-card").first
    expect(masked).to_contain_text("139****0001")
    expect(masked).not_to_contain_text("3组12号")
    screenshot(page, "orders-masked")

    # The same pages in English.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(reverse("distributor:pool"))
    expect(page.locator("h1")).to_have_text("Supply pool")
    expect(page.locator(".offer-card", has_text="南果梨")).to_contain_text("In your shop")
    page.goto(reverse("distributor:links"))
    expect(page.locator("h1")).to_have_text("Share links and QR codes")
    expect(page.get_by_role("link", name="Save the QR code")).to_be_visible()
    screenshot(page, "share-english")
    page.goto(reverse("distributor:orders"))
    expect(page.locator("h1")).to_have_text("Orders through my shop")
    page.context.clear_cookies()
    log_in(page, "13900139100")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{reverse('seller:order_slip', args=[order.number])}?shop={coop.slug}")
    expect(page.locator(".slip [data-reseller]")).to_contain_text(
        "Sold by 秀英的家乡好物, shipped by 周家镇南果梨合作社"
    )
    assert page.external_requests == []
