"""A farmer opens a microshop from a phone, lists pears with a photo, counts stock and submits
the shop; once an operator approves it, an anonymous buyer finds the pears, priced per 斤."""

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from logistics.geography.models import Village
from logistics.geography.services import geography_load_county
from marketplace.catalog.models import ProductMedia
from marketplace.shops.models import Shop, ShopStatus
from marketplace.shops.services import shop_transition
from meidu.accounts.roles import Role
from meidu.accounts.services import account_register, user_roles_set
from tests.marketplace.factories import catalogue_basics, channels, valid_id_number

PASSWORD = "Pear-Orchard-2024"


def pear_photo(path) -> str:
    """A phone-sized JPEG: a yellow pear on a green leaf background."""
    image = Image.new("RGB", (1200, 900), (92, 140, 70))
    draw = ImageDraw.Draw(image)
    draw.ellipse((420, 300, 780, 760), fill=(226, 196, 84))
    draw.ellipse((500, 170, 700, 420), fill=(226, 196, 84))
    draw.rectangle((592, 100, 608, 190), fill=(96, 64, 32))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_farmer_opens_shop_and_a_buyer_finds_the_pears(page, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    geography_load_county()
    channels()
    catalogue_basics()
    village = Village.objects.select_related("town").order_by("code").first()
    account_register(phone="13900139000", password=PASSWORD, last_name="李", first_name="建国")
    operator = account_register(phone="13700137000", password=PASSWORD, roles=())
    user_roles_set(operator, [Role.OPERATOR.value])

    # The farmer logs in and opens a shop on the light track.
    page.goto("/login/")
    page.fill("#id_identifier", "13900139000")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/home/")
    page.get_by_role("navigation").get_by_role("link", name="我要开店").click()
    page.wait_for_url("**/seller/open/")
    expect(page.locator("#id_kind")).to_have_value("microshop")
    page.fill("#id_name", "老李家果园")
    page.select_option("#id_village", str(village.pk))
    page.get_by_label("我可以自己送货").check()
    page.fill("#id_real_name", "李建国")
    page.fill("#id_id_number", "210804198001010000")  # a wrong check digit first
    page.fill("#id_payout_account_name", "李建国")
    page.fill("#id_payout_account_number", "6228480012345678")
    page.fill("#id_payout_bank", "农村信用社")
    page.get_by_label("我已阅读并同意美都集市商家协议").check()
    page.get_by_role("button", name="创建店铺").click()
    expect(page.locator(".field--error .error-text")).to_have_text("请填写居民身份证上的 18 位号码，最后一位可能是 X。")
    screenshot(page, "open-shop-refused")
    assert Shop.objects.count() == 0

    page.fill("#id_id_number", valid_id_number(42))
    page.get_by_role("button", name="创建店铺").click()
    page.wait_for_url("**/seller/?shop=*")
    expect(page.locator(".status")).to_have_text("待提交审核")
    expect(page.locator(".checklist li").first).not_to_have_class("done")
    screenshot(page, "dashboard-new-shop")

    # A product with a phone photo and a price per 斤.
    page.locator(".checklist").get_by_role("link", name="添加商品").click()
    page.wait_for_url("**/seller/products/new/*")
    page.fill("#id_name", "南果梨")
    page.fill("#id_price", "6.80")
    expect(page.locator("#id_weight_unit")).to_have_value("jin")
    page.set_input_files("#id_photo", pear_photo(tmp_path / "pear.jpg"))
    page.select_option("#id_category", label="\u3000梨")
    page.select_option("#id_origin_village", str(village.pk))
    page.fill("#id_description", "树上熟透才摘，软糯多汁。")
    screenshot(page, "product-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r"/seller/products/\?shop="))
    expect(page.locator(".messages")).to_contain_text("已保存“南果梨”")
    expect(page.locator(".row .price")).to_have_text("¥6.80/斤")
    assert ProductMedia.objects.count() == 1
    screenshot(page, "products")

    # Stock: a home warehouse that is also the pickup point, then a count.
    seller_tabs = page.get_by_role("navigation", name="卖家中心")
    seller_tabs.get_by_role("link", name="库存").click()
    page.wait_for_url(re.compile(r"/seller/stock/\?shop="))
    page.fill("#id_name", "自家仓")
    page.get_by_label("买家可以来这里取货（自提点）").check()
    page.get_by_role("button", name="添加仓库").click()
    expect(page.locator(".messages")).to_contain_text("已添加仓库“自家仓”")
    page.locator(".stock-cell input").fill("50")
    page.get_by_role("button", name="保存库存").click()
    expect(page.locator(".messages")).to_have_text("已保存 1 条库存。")
    expect(page.locator(".stock-cell input")).to_have_value("50")
    screenshot(page, "stock")

    # Submit for review.
    seller_tabs.get_by_role("link", name="概况").click()
    expect(page.locator(".checklist li.done")).to_have_count(3)
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".messages")).to_contain_text("已提交审核")
    expect(page.locator(".status")).to_have_text("审核中")
    screenshot(page, "submitted")

    shop = Shop.objects.get()
    assert shop.status == ShopStatus.IN_REVIEW
    shop_transition(shop, "approve", actor=operator)

    # An anonymous buyer finds the pears.
    page.get_by_role("button", name="退出登录").click()
    page.goto("/shop/")
    page.get_by_label("搜索商品").fill("南果梨")
    page.get_by_role("button", name="搜索").click()
    card = page.locator(".product-card", has_text="南果梨")
    expect(card).to_have_count(1)
    expect(card.locator(".price")).to_have_text("¥6.80/斤")
    expect(card).to_contain_text("老李家果园")
    _wait_until_loaded(page, card.locator("img"))
    screenshot(page, "buyer-search")

    card.get_by_role("link", name="南果梨").click()
    page.wait_for_url(re.compile(r".*/shop/p/.+"))
    expect(page.locator("h1")).to_have_text("南果梨")
    expect(page.locator(".price--big")).to_have_text("¥6.80/斤")
    expect(page.locator(".details")).to_contain_text(f"{village.town.name}{village.name}")
    photo = page.locator(".gallery img").first
    _wait_until_loaded(page, photo)
    screenshot(page, "buyer-product")

    page.get_by_role("link", name="老李家果园").click()
    expect(page.locator("h1")).to_have_text("老李家果园")
    expect(page.locator(".product-card")).to_have_count(1)
    screenshot(page, "buyer-shop")

    assert page.external_requests == []


def _wait_until_loaded(page, image, timeout_ms: int = 15000) -> None:
    """The photo arrives and decodes (a lazy image on a busy machine may take a moment): fails if the
    server never delivers a real image."""
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=timeout_ms
    )
