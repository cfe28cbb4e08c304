"""Issue 18's assisted buying on a phone (390x844), in Chinese then in English: the station agent
orders two bags of fertiliser for a villager who has no smartphone; the villager reads out the code
texted to their phone; the order then shows in the villager's account (signed in by code) with the
agent as the assistant. The demo's console SMS backend shows the text on the page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from marketplace.orders.models import Order
from tests.e2e.steps import log_in_as
from tests.support.graphql import PASSWORD

ZH = {
    "start": "为村民代购",
    "phone": "村民手机号",
    "begin": "开始代购",
    "find": "查找商品",
    "search": "搜索",
    "set": "设定",
    "delivery": "保存配送方式",
    "send": "发送验证码到",
    "code": "村民读出的验证码",
    "confirm": "用验证码确认并下单",
    "placed": "已用村民的账户下单",
    "log_out": "退出登录",
    "mobile": "手机号",
    "sms": "短信验证码",
    "text_me": "发送验证码",
    "log_in": "登录",
    "assisted": "代办员",
}
EN = {
    "start": "Order for a villager",
    "phone": "Villager's mobile number",
    "begin": "Start the order",
    "find": "Find goods",
    "search": "Search",
    "set": "Set",
    "delivery": "Save the delivery",
    "send": "Text the code to",
    "code": "Code the villager reads out",
    "confirm": "Confirm with the code and place the order",
    "placed": "Placed in the villager's name",
    "log_out": "Log out",
    "mobile": "Mobile number",
    "sms": "SMS code",
    "text_me": "Text me a code",
    "log_in": "Log in",
    "assisted": "Ordered for you at",
}


def texted_code(page) -> str:
    return re.search(r"\d{6}", page.locator("[data-demo-sms]").inner_text()).group()


def order_for_villager(page, phone: str, labels: dict, screenshot, step: str) -> None:
    page.goto("/station/assisted/")
    expect(page.locator("h1")).to_have_text(labels["start"])
    page.get_by_label(labels["phone"]).fill(phone)
    page.get_by_role("button", name=labels["begin"]).click()
    page.wait_for_url(re.compile(r"/station/assisted/[0-9a-f-]{36}/$"))
    page.get_by_label(labels["find"]).fill("复合肥")
    page.get_by_role("button", name=labels["search"], exact=True).click()
    good = page.locator(".assisted-good", has_text="复合肥 40kg")
    good.locator("input[name=quantity]").fill("2")
    good.get_by_role("button", name=labels["set"], exact=True).click()
    expect(page.locator("#assisted-cart")).to_contain_text("复合肥 40kg × 2")
    page.locator("#assisted-delivery").click()
    expect(page.locator("#assisted-total")).to_contain_text("300.00")
    page.locator("#assisted-send-code").click()
    expect(page.locator("[data-demo-sms]")).to_be_visible()
    page.get_by_label(labels["code"]).fill(texted_code(page))
    screenshot(page, f"{step}-code-read-out")
    page.get_by_role("button", name=labels["confirm"]).click()
    expect(page.locator(".messages")).to_contain_text(labels["placed"])
    screenshot(page, f"{step}-placed")


def villager_signs_in_by_code(page, phone: str, labels: dict, screenshot, step: str) -> None:
    page.get_by_role("button", name=labels["log_out"]).click()
    page.goto("/login/code/")
    page.get_by_label(labels["mobile"], exact=True).fill(phone)
    page.get_by_role("button", name=labels["text_me"]).click()
    expect(page.locator("[data-demo-sms]")).to_be_visible()
    page.get_by_label(labels["mobile"], exact=True).fill(phone)
    page.get_by_label(labels["sms"], exact=True).fill(texted_code(page))
    page.get_by_role("button", name=labels["log_in"], exact=True).click()
    page.wait_for_url("**/home/")
    order = Order.objects.filter(user__phone="+86" + phone).get()
    page.goto(reverse("shop:order", args=[order.number]))
    expect(page.locator("#assisted-by")).to_contain_text(labels["assisted"])
    expect(page.locator("main")).to_contain_text("复合肥 40kg")
    screenshot(page, f"{step}-villager-sees-order")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_agent_orders_fertiliser_for_a_villager_who_reads_out_the_code(
    page, screenshot, station, station_agent, fertiliser, codes_unthrottled
):
    log_in_as(page, station_agent)
    order_for_villager(page, "13904178811", ZH, screenshot, "zh")
    villager_signs_in_by_code(page, "13904178811", ZH, screenshot, "zh")
    [order] = Order.objects.filter(user__phone="+8613904178811")
    assert order.assistance.assistant == station_agent and order.lines.get().quantity == 2

    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.get_by_role("button", name=EN["log_out"]).click()
    page.goto("/login/")
    page.fill("#id_identifier", station_agent.phone)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=EN["log_in"], exact=True).click()
    page.wait_for_url("**/home/")
    order_for_villager(page, "13904178812", EN, screenshot, "en")
    villager_signs_in_by_code(page, "13904178812", EN, screenshot, "en")
    assert Order.objects.get(user__phone="+8613904178812").assistance.station == station
    assert page.external_requests == []
