"""Sign in, register and reset a forgotten password by a texted code on the web pages; the demo
shows the text; refusals in the reader's language; the terminal's withdrawal asks for a code."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from magnesium_exchange.members.models import FundsRequest
from meidu.accounts.models import PhoneCode, User
from tests.magnesium_exchange.trading_factories import balances
from tests.storefront.terminal import T, logged_in
from tests.support.phone_codes import latest_code

pytestmark = pytest.mark.django_db
PHONE = "+8613800138000"


def page(language="zh-hans") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR="198.51.100.20")


def test_sign_in_by_code_shows_the_demo_text_then_signs_in(make_user):
    farmer = make_user(phone=PHONE)
    client = page()
    sent = client.post(reverse("shell:login_code"), {"phone": "138 0013 8000", "action": "send"})
    html = sent.content.decode()
    code = latest_code(PHONE)
    assert "演示短信" in html and f"您的验证码是 {code}" in html
    response = client.post(reverse("shell:login_code"), {"phone": "13800138000", "code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("shell:home")
    assert response.wsgi_request.user == farmer


def test_a_wrong_code_is_refused_in_chinese_and_english(make_user):
    make_user(phone=PHONE)
    for language, words in (("zh-hans", "验证码不正确"), ("en", "The code is not right")):
        response = page(language).post(reverse("shell:login_code"), {"phone": PHONE, "code": "000000"})
        assert words in response.content.decode()
        assert "_auth_user_id" not in response.wsgi_request.session


def test_register_by_code_without_a_password(client):
    client.post(reverse("shell:register_code"), {"phone": PHONE, "action": "send"})
    data = {"phone": PHONE, "code": latest_code(PHONE), "last_name": "李", "first_name": "春花"}
    response = client.post(reverse("shell:register_code"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("shell:home")
    user = User.objects.get()
    assert user.display_name == "李春花" and not user.has_usable_password()


def test_forgot_password_by_code_then_log_in_with_the_new_one(make_user):
    make_user(phone=PHONE)
    client = page()
    client.post(reverse("shell:password_reset_code"), {"phone": PHONE, "action": "send"})
    data = {
        "phone": PHONE,
        "code": latest_code(PHONE),
        "new_password": "New-Pear-Orchard-9",
        "new_password_confirm": "New-Pear-Orchard-9",
    }
    response = client.post(reverse("shell:password_reset_code"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("shell:login")
    assert "密码已修改" in response.content.decode()
    logged = client.post(reverse("shell:login"), {"identifier": PHONE, "password": "New-Pear-Orchard-9"}, follow=True)
    assert logged.redirect_chain[-1][0] == reverse("shell:home")


def test_an_unknown_number_reads_exactly_like_a_known_one(make_user):
    make_user(phone=PHONE)
    pages = []
    for phone in (PHONE, "+8613900139000"):
        html = page().post(reverse("shell:password_reset_code"), {"phone": phone, "action": "send"}).content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).replace(phone, "PHONE")
        html = re.sub(r"<aside class=\"demo-sms\".*?</aside>", "", html, flags=re.S)  # the demo's own text
        pages.append(re.sub(r"\s+", " ", html))
    assert pages[0] == pages[1]


@pytest.mark.parametrize("phone", ["1380013\x008000", "1" * 40, "abc", "+1 415 555 0100"])
def test_hostile_numbers_are_refused_on_the_page_and_nothing_is_written(phone):
    response = page().post(reverse("shell:register_code"), {"phone": phone, "action": "send"})
    assert response.status_code in (200, 400)
    assert not PhoneCode.objects.exists()


def test_the_demo_text_is_not_shown_outside_the_demo(make_user, settings):
    make_user(phone=PHONE)
    settings.TEST_MODE = settings.DEMO_MODE = settings.DEBUG = False
    html = page().post(reverse("shell:login_code"), {"phone": PHONE, "action": "send"}).content.decode()
    assert "demo-sms" not in html


def test_the_login_page_links_to_code_sign_in_and_forgot_password(client):
    html = client.get(reverse("shell:login")).content.decode()
    assert reverse("shell:login_code") in html and reverse("shell:password_reset_code") in html


def test_the_terminal_withdrawal_asks_for_a_code_texted_to_the_trader(market, desk):
    client = logged_in(desk["buyer_user"])
    form = {"kind": "withdrawal", "withdrawal-amount": "1000.00", "withdrawal-token": "w9"}
    missing = client.post(f"{T}funds/", form).content.decode()
    assert "请输入发送到您手机的六位验证码以确认出金" in missing
    sent = client.post(f"{T}funds/", {**form, "action": "send"}, follow=True).content.decode()
    code = latest_code(desk["buyer_user"].phone)
    assert "六位验证码已发送到" in sent and code in sent
    assert not FundsRequest.objects.filter(kind="withdrawal").exists()
    done = client.post(f"{T}funds/", {**form, "withdrawal-phone_code": code}, follow=True).content.decode()
    assert "出金申请已提交" in done
    assert balances(desk["buyer"]) == (Decimal("499000.00"), Decimal("1000.00"))
