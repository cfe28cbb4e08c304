"""Steps the buyer tests share: a member with roles, logging in, the cart, the delivery address."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from meidu.accounts.roles import Role
from meidu.accounts.services import account_register, user_roles_set
from tests.support.graphql import PASSWORD as FIXTURE_PASSWORD

PASSWORD = "Pear-Orchard-2024"
MOBILE = {"width": 390, "height": 844}  # the phone every journey is walked on


def member(phone: str, *roles: Role):
    user = account_register(phone=phone, password=PASSWORD, roles=())
    user_roles_set(user, [role.value for role in roles] or [Role.BUYER.value])
    return user


def log_in(page, phone: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.fill("#id_identifier", phone)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/home/")


def log_in_as(page, user) -> None:
    """Log in a user made by the shared fixtures (tests/support), with their password."""
    log_in(page, user.phone, FIXTURE_PASSWORD)


def add_to_cart(page, product, quantity: int) -> None:
    page.goto(reverse("shop:product", args=[product.slug]))
    page.get_by_label(re.compile("数量")).fill(str(quantity))
    page.get_by_role("button", name="加入购物车").click()
    expect(page.locator(".messages")).to_contain_text(f"已将“{product.name}”加入购物车")


def fill_address(page, village, before_saving=lambda: None) -> None:
    """The checkout's address form: province, city and county come preset; the village from the list."""
    page.get_by_label("收货人").fill("王秀英")
    page.get_by_label("手机号").fill("13904170001")
    expect(page.get_by_label("省份")).to_have_value("辽宁省")
    page.get_by_label("镇和村").select_option(str(village.pk))
    page.get_by_label("街道、组和门牌号").fill("3组12号")
    before_saving()
    page.get_by_role("button", name="保存地址").click()
    expect(page.locator(".messages")).to_contain_text("地址已保存")
