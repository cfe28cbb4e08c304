"""Register, log in (with throttling) and log out through the web pages."""

import pytest
from django.conf import settings
from django.urls import reverse

from meidu.accounts.models import User
from tests.support.graphql import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Chunhua-Pear-88"
REGISTER = {
    "identifier": "139 0013 9000",
    "last_name": "李",
    "first_name": "春花",
    "password": NEW_PASSWORD,
    "password_confirm": NEW_PASSWORD,
}


def test_register_with_phone_logs_in_and_lands_on_buyer_home(client):
    response = client.post(reverse("shell:register"), REGISTER, follow=True)
    assert response.redirect_chain[-1][0] == reverse("shell:home")
    user = User.objects.get()
    assert user.phone == "+8613900139000"
    assert user.display_name == "李春花"
    html = response.content.decode()
    assert "欢迎来到美都集市" in html
    assert "我的集市" in html


def test_register_with_email(client):
    data = {**REGISTER, "identifier": "Chunhua@Example.com"}
    client.post(reverse("shell:register"), data)
    assert User.objects.get().email == "chunhua@example.com"


def test_register_with_bad_phone_shows_error_and_creates_nothing(client):
    response = client.post(reverse("shell:register"), {**REGISTER, "identifier": "1234567"})
    assert response.status_code == 200
    assert "请输入中国大陆手机号" in response.content.decode()
    assert not User.objects.exists()


def test_register_with_weak_password_shows_django_message(client):
    response = client.post(
        reverse("shell:register"), {**REGISTER, "password": "20240817", "password_confirm": "20240817"}
    )
    assert "密码只包含数字" in response.content.decode()
    assert not User.objects.exists()


def test_register_passwords_must_match(client):
    response = client.post(reverse("shell:register"), {**REGISTER, "password_confirm": NEW_PASSWORD + "x"})
    assert "两次输入的密码不一致" in response.content.decode()
    assert not User.objects.exists()


def test_duplicate_registration_is_refused(client, make_user):
    make_user(phone="13900139000")  # the root conftest's factory: a buyer
    response = client.post(reverse("shell:register"), {**REGISTER, "identifier": "+86 139-0013-9000"})
    assert response.status_code == 200
    assert "该手机号已注册" in response.content.decode()
    assert User.objects.count() == 1


def test_login_with_any_phone_spelling(client, named_buyer):
    response = client.post(reverse("shell:login"), {"identifier": "138 0013 8000", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("shell:home")
    assert client.get("/home/").status_code == 200


def test_login_follows_a_safe_next_only(client, named_buyer):
    data = {"identifier": "13800138000", "password": PASSWORD}
    assert client.post(reverse("shell:login"), {**data, "next": "/account/"}).url == "/account/"
    client.post(reverse("shell:logout"))
    assert client.post(reverse("shell:login"), {**data, "next": "https://evil.example/"}).url == reverse("shell:home")


def test_login_with_wrong_password_shows_error(client, named_buyer):
    response = client.post(reverse("shell:login"), {"identifier": "13800138000", "password": "wrong-password"})
    assert response.status_code == 200
    assert "手机号、邮箱或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_repeated_failures(client, named_buyer):
    url = reverse("shell:login")
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(url, {"identifier": "13800138000", "password": "wrong-password"})
    response = client.post(url, {"identifier": "13800138000", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200
    assert "登录失败次数过多" in html
    assert "_auth_user_id" not in client.session


def test_throttling_message_in_english(client, named_buyer):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for _ in range(settings.LOGIN_MAX_FAILURES + 1):
        response = client.post(reverse("shell:login"), {"identifier": "13800138000", "password": "wrong-password"})
    assert "Too many failed attempts" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(client, named_buyer):
    client.force_login(named_buyer)
    assert client.get(reverse("shell:logout")).status_code == 405
    response = client.post(reverse("shell:logout"))
    assert response.status_code == 302
    assert response.url == reverse("shell:landing")
    assert client.get("/home/").status_code == 302
