"""Issue 13: accounts registered from one client address are limited (REGISTRATIONS_PER_ADDRESS_PER_HOUR),
through the API and the registration page, with a clear code and message; nothing is written."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from meidu.accounts.models import User

pytestmark = pytest.mark.django_db

REGISTER = """mutation($input: AccountRegisterInput!) { accountRegister(input: $input) {
  user { phone } errors { field code message } } }"""


@pytest.fixture(autouse=True)
def _two_per_hour(settings):
    settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR = 2


def _register(phone, *, address="203.0.113.7", language="zh-hans", password="Nanguo-pear-9") -> dict:
    body = {"query": REGISTER, "variables": {"input": {"phone": phone, "password": password}}}
    response = Client().post(
        "/graphql/",
        json.dumps(body),
        content_type="application/json",
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    return response.json()["data"]["accountRegister"]


def test_the_third_account_from_one_address_is_refused(api_client):
    assert _register("13800138001")["errors"] == [] and _register("13800138002")["errors"] == []
    [error] = _register("13800138003")["errors"]
    assert error["code"] == "RATE_LIMITED" and error["message"] == "此网络地址注册的账号过多：请一小时后再试"
    [error] = _register("13800138004", language="en")["errors"]
    assert error["message"] == "Too many accounts registered from this address: try again in an hour"
    assert User.objects.count() == 2
    assert _register("13800138005", address="198.51.100.4")["errors"] == []  # another address


def test_refused_for_another_reason_does_not_use_up_the_allowance():
    assert [e["code"] for e in _register("1234567")["errors"]] == ["INVALID_PHONE"]
    assert [e["code"] for e in _register("13800138001", password="20240817")["errors"]] == ["PASSWORD_ENTIRELY_NUMERIC"]
    assert _register("13800138001")["errors"] == [] and _register("13800138002")["errors"] == []


def test_zero_turns_the_limit_off(settings):
    settings.REGISTRATIONS_PER_ADDRESS_PER_HOUR = 0
    for n in range(4):
        assert _register(f"1380013800{n}")["errors"] == []


def test_the_registration_page_says_so_in_the_readers_language():
    form = {
        "last_name": "李",
        "first_name": "春花",
        "password": "Chunhua-Pear-88",
        "password_confirm": "Chunhua-Pear-88",
    }
    for n in range(2):
        assert (
            Client(REMOTE_ADDR="203.0.113.7")
            .post(reverse("shell:register"), {**form, "identifier": f"1390013900{n}"})
            .status_code
            == 302
        )
    page = Client(REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="zh-hans").post(
        reverse("shell:register"), {**form, "identifier": "13900139009"}
    )
    assert page.status_code == 200 and "此网络地址注册的账号过多：请一小时后再试" in page.content.decode()
    page = Client(REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("shell:register"), {**form, "identifier": "13900139009"}
    )
    assert "Too many accounts registered from this address: try again in an hour" in page.content.decode()
    assert User.objects.count() == 2
