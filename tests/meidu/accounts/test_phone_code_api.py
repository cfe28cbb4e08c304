"""The GraphQL door of phone codes: requestPhoneCode, tokenCreateByPhoneCode,
accountRegisterByPhoneCode and setPasswordByPhoneCode; refusals in the caller's language."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from meidu.accounts.models import PhoneCode, User
from tests.support.graphql import GraphQLClient, token_for
from tests.support.phone_codes import latest_code

PHONE = "+8613800138000"
pytestmark = pytest.mark.django_db

REQUEST = """mutation($phone: String, $purpose: PhoneCodePurposeEnum!) {
  requestPhoneCode(phone: $phone, purpose: $purpose) { expiresIn retryAfter errors { field code message } } }"""
TOKEN = """mutation($phone: String!, $code: String!) {
  tokenCreateByPhoneCode(phone: $phone, code: $code) { token refreshToken user { phone } errors { field code } } }"""
REGISTER = """mutation($phone: String!, $code: String!, $last: String) {
  accountRegisterByPhoneCode(phone: $phone, code: $code, lastName: $last, firstName: "秀兰") {
    token user { phone lastName } errors { field code } } }"""
RESET = """mutation($phone: String!, $code: String!, $password: String!) {
  setPasswordByPhoneCode(phone: $phone, code: $code, newPassword: $password) {
    token user { phone } errors { code } } }"""
PASSWORD_TOKEN = """mutation($phone: String!, $password: String!) {
  tokenCreate(email: $phone, password: $password) { token errors { code } } }"""
ME = "{ me { phone } }"


def gql(query, variables, *, language="zh-hans", address="198.51.100.4", token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = Client().post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
        **headers,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


def test_request_phone_code_then_token_create_by_phone_code_signs_in(make_user):
    make_user(phone=PHONE)
    sent = gql(REQUEST, {"phone": "138 0013 8000", "purpose": "SIGN_IN"})
    assert sent == {"expiresIn": 300, "retryAfter": 60, "errors": []}
    result = gql(TOKEN, {"phone": "13800138000", "code": latest_code(PHONE)})
    assert result["errors"] == [] and result["user"] == {"phone": PHONE}
    assert GraphQLClient(result["token"]).execute(ME) == {"me": {"phone": PHONE}}
    again = gql(TOKEN, {"phone": "13800138000", "code": latest_code(PHONE)})
    assert again["token"] is None and again["errors"] == [{"field": "code", "code": "CODE_USED"}]


def test_account_register_by_phone_code_creates_and_signs_in_a_buyer():
    gql(REQUEST, {"phone": PHONE, "purpose": "REGISTER"})
    result = gql(REGISTER, {"phone": PHONE, "code": latest_code(PHONE), "last": "李"})
    assert result["errors"] == [] and result["user"] == {"phone": PHONE, "lastName": "李"}
    assert GraphQLClient(result["token"]).execute(ME) == {"me": {"phone": PHONE}}


def test_set_password_by_phone_code_resets_a_forgotten_password(make_user):
    make_user(phone=PHONE)
    gql(REQUEST, {"phone": PHONE, "purpose": "PASSWORD_RESET"})
    result = gql(RESET, {"phone": PHONE, "code": latest_code(PHONE), "password": "New-Pear-Orchard-9"})
    assert result["errors"] == [] and result["token"]
    assert gql(PASSWORD_TOKEN, {"phone": PHONE, "password": "New-Pear-Orchard-9"})["errors"] == []


def test_phone_code_refusals_speak_the_callers_language(make_user):
    make_user(phone=PHONE)
    [zh] = gql(REQUEST, {"phone": "1380013800", "purpose": "SIGN_IN"})["errors"]
    [en] = gql(REQUEST, {"phone": "not a phone", "purpose": "SIGN_IN"}, language="en")["errors"]
    assert zh["code"] == en["code"] == "INVALID_PHONE"
    assert en["message"] == "This is not a mainland China mobile number"
    assert zh["message"] != en["message"]
    gql(REQUEST, {"phone": PHONE, "purpose": "SIGN_IN"})
    [cooldown] = gql(REQUEST, {"phone": PHONE, "purpose": "SIGN_IN"}, language="en")["errors"]
    assert cooldown["code"] == "CODE_COOLDOWN" and "60 seconds" in cooldown["message"]
    assert PhoneCode.objects.count() == 1


def test_a_withdrawal_code_needs_a_signed_in_user_and_goes_to_their_phone(make_user):
    refusal = gql(REQUEST, {"purpose": "WITHDRAWAL"})
    assert refusal["errors"][0]["code"] == "REQUIRED" and not PhoneCode.objects.exists()
    trader = make_user(phone=PHONE)
    sent = gql(REQUEST, {"phone": "13900139000", "purpose": "WITHDRAWAL"}, token=token_for(trader))
    assert sent["errors"] == []
    assert PhoneCode.objects.get().phone == PHONE  # never to a number the caller names


def test_the_api_gives_no_oracle_whether_a_phone_is_registered(make_user):
    make_user(phone=PHONE)
    known = gql(REQUEST, {"phone": PHONE, "purpose": "PASSWORD_RESET"})
    unknown = gql(REQUEST, {"phone": "13900139000", "purpose": "PASSWORD_RESET"})
    assert known == unknown
    assert User.objects.count() == 1
