"""A buyer registers with a mobile number, logs out, logs back in and switches language."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from logistics.geography.services import geography_load_county
from meidu.accounts.models import User

PHONE = "138 0013 8000"
PASSWORD = "Pear-Orchard-2024"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_buyer_registers_logs_in_and_switches_language(page, screenshot):
    geography_load_county()
    page.goto("/")
    expect(page.locator("h1")).to_have_text("美都集市")
    page.locator("summary", has_text="周家镇").click()
    screenshot(page, "landing")

    page.get_by_role("link", name="注册账号").click()
    page.wait_for_url("**/register/")
    page.fill("#id_identifier", PHONE)
    page.fill("#id_last_name", "王")
    page.fill("#id_first_name", "小明")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_confirm", PASSWORD)
    screenshot(page, "register-filled")
    page.get_by_role("button", name="注册").click()

    page.wait_for_url("**/home/")
    expect(page.locator("h1")).to_have_text("我的集市")
    assert User.objects.get().phone == "+8613800138000"
    screenshot(page, "registered-home")

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    assert page.get_by_role("link", name="登录").first.is_visible()
    screenshot(page, "logged-out")

    page.get_by_role("navigation").get_by_role("link", name="登录").click()
    page.wait_for_url("**/login/")
    page.fill("#id_identifier", "13800138000")
    page.fill("#id_password", "not-my-password")
    page.get_by_role("button", name="登录").click()
    assert "手机号、邮箱或密码不正确" in page.get_by_role("alert").inner_text()
    screenshot(page, "login-refused")

    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.wait_for_url("**/home/")
    body = page.locator("main").inner_text()
    assert "我的集市" in body
    assert "王小明，您好" in body
    assert "买家" in body
    screenshot(page, "buyer-home-zh")

    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url.endswith("/home/")
    body = page.locator("main").inner_text()
    assert "My market" in body
    assert "Hello, 王小明" in body
    assert "Buyer" in body
    screenshot(page, "buyer-home-en")

    page.get_by_role("link", name="My account").first.click()
    page.wait_for_url("**/account/")
    assert "+86138****8000" in page.locator("main").inner_text()
    screenshot(page, "account-en")

    assert page.external_requests == []
