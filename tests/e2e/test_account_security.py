"""Issue 13 item 3 on a phone: a buyer changes the password (refusals first) and every other
device and API token is signed out; then, in English, signs out everywhere."""

import pytest
from playwright.sync_api import expect

from meidu.accounts.services import token_create
from tests.e2e.steps import MOBILE, PASSWORD, log_in, member
from tests.support.graphql import GraphQLClient

PHONE = "13800138111"
NEW_PASSWORD = "Magnesia-Kiln-2027"
ME = "{ me { phone } }"


def token_works(token: str) -> bool:
    return GraphQLClient(token).post(ME).status_code == 200


def other_phone(browser, live_server):
    context = browser.new_context(
        viewport=MOBILE, is_mobile=True, has_touch=True, locale="zh-CN", base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, PHONE)
    return context, page


def still_signed_in(page) -> bool:
    page.goto("/account/")
    return "/login/" not in page.url


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_buyer_changes_password_then_signs_out_everywhere(page, browser, live_server, screenshot):
    member(PHONE)
    api_token = token_create(PHONE, PASSWORD)["token"]
    other_context, other = other_phone(browser, live_server)
    log_in(page, PHONE)

    page.goto("/account/")
    page.get_by_role("link", name="账户安全").click()
    page.wait_for_url("**/account/security/")
    expect(page.locator("h1")).to_have_text("账户安全")

    page.get_by_label("当前密码").fill("not-my-password")
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".field--error")).to_contain_text("当前密码不正确。")
    screenshot(page, "wrong-current-password")

    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("short")
    page.get_by_label("再次输入新密码").fill("short")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".field--error")).to_contain_text("密码太短：至少需要 8 个字符。")
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".field--error")).to_contain_text("两次输入的密码不一致。")
    assert token_works(api_token) and still_signed_in(other), "a refused change signs nobody out"
    page.goto("/account/security/")

    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url("**/account/")
    expect(page.locator(".messages")).to_contain_text("密码已修改，其他设备上的登录已全部退出。")
    screenshot(page, "password-changed")
    assert not token_works(api_token)
    assert not still_signed_in(other)
    assert still_signed_in(page)
    other_context.close()

    new_token = token_create(PHONE, NEW_PASSWORD)["token"]
    page.get_by_role("button", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    page.goto("/account/")
    page.get_by_role("link", name="Account security").click()
    page.wait_for_url("**/account/security/")
    expect(page.locator("h1")).to_have_text("Account security")
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".field--error")).to_contain_text("Your current password is not correct.")
    screenshot(page, "security-en")

    page.get_by_role("button", name="Sign out everywhere").click()
    page.wait_for_url("**/login/")
    expect(page.locator(".messages")).to_contain_text("You have been signed out on every device, this one included.")
    screenshot(page, "signed-out-everywhere-en")
    assert not token_works(new_token)
    assert not still_signed_in(page)
    assert page.external_requests == []
