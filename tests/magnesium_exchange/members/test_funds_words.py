"""Funds refusals speak the member's language and the exchange's words: never the ledger's account
codes ("Account exchange:member:N:available would go below zero") nor an exception text."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from magnesium_exchange.members.error_codes import ExchangeFundsErrorCode as Code
from magnesium_exchange.members.models import FundsRequest, FundsRequestKind
from magnesium_exchange.members.selectors import member_balances
from magnesium_exchange.members.services import funds_release, funds_withdraw_request
from meidu.core.errors import DomainError
from tests.magnesium_exchange.records_factories import fund
from tests.support.graphql import token_for
from tests.support.phone_codes import withdrawal_code

WITHDRAW = """
mutation($amount: Decimal!, $key: String, $code: String) {
  fundsWithdrawRequest(amount: $amount, idempotencyKey: $key, phoneCode: $code) {
  fundsRequest { id } errors { field code message } } }"""


@pytest.fixture(autouse=True)
def chinese_afterwards():
    with translation.override("zh-hans"):
        yield


def _post(token, variables, language=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    response = Client().post(
        "/graphql/", json.dumps({"query": WITHDRAW, "variables": variables}), content_type="application/json", **headers
    )
    content = response.json()
    assert response.status_code == 200 and "errors" not in content, content
    return content["data"]["fundsWithdrawRequest"]


def test_a_withdrawal_just_over_the_available_funds_is_refused_in_chinese_then_english(
    trader_factory, seller_member, bank_app
):
    fund(seller_member, "20000.00", bank_app)
    trader = trader_factory(seller_member)
    token, code = token_for(trader), withdrawal_code(trader)  # a refused withdrawal keeps its code
    for language in ("zh-hans", None):
        data = _post(token, {"amount": "20000.01", "code": code}, language)
        assert data["fundsRequest"] is None
        assert data["errors"] == [
            {
                "field": "amount",
                "code": "INSUFFICIENT_FUNDS",
                "message": "可用资金不足：可用 20000.00 元，需要 20000.01 元",
            }
        ]
    english = _post(token, {"amount": "20000.01", "code": code}, "en")
    assert english["errors"] == [
        {
            "field": "amount",
            "code": "INSUFFICIENT_FUNDS",
            "message": "Available funds are short: 20000.00 CNY are available, 20000.01 CNY are needed",
        }
    ]
    assert not FundsRequest.objects.filter(kind=FundsRequestKind.WITHDRAWAL).exists()  # nothing half-written
    assert member_balances(seller_member).available.amount == Decimal("20000.00")


def test_a_reused_key_and_a_bad_key_are_refused_in_words(trader_factory, seller_member, bank_app):
    fund(seller_member, "20000.00", bank_app)
    trader = trader_factory(seller_member)
    token = token_for(trader)
    assert _post(token, {"amount": "100", "key": "w-1", "code": withdrawal_code(trader)})["errors"] == []
    reused = _post(token, {"amount": "200", "key": "w-1"})  # a key already used: refused before any code
    assert reused["errors"] == [
        {"field": "idempotencyKey", "code": "IDEMPOTENCY_KEY_REUSED", "message": "该请求已用其他内容提交过"}
    ]
    too_long = _post(token, {"amount": "200", "key": "k" * 256, "code": "000000"}, "en")
    assert too_long["errors"] == [
        {"field": "idempotencyKey", "code": "INVALID", "message": "The idempotency key must be 1 to 255 characters"}
    ]


def test_a_release_beyond_the_frozen_funds_is_refused_without_ledger_words(seller_member, bank_app):
    fund(seller_member, "1000.00", bank_app)
    with pytest.raises(DomainError) as refused:
        funds_release(seller_member, "10.00", reference="test", idempotency_key="release-too-much")
    assert (refused.value.code, refused.value.field) == (Code.INSUFFICIENT_FUNDS.value, "amount")
    assert refused.value.message == "资金不足，无法完成本次划转"
    assert "Account" not in refused.value.message and "exchange:member" not in refused.value.message


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN", "1e30", "1000000000000.01", "abc"])
def test_non_finite_and_absurd_amounts_are_domain_refusals(seller_member, amount):
    with pytest.raises(DomainError) as refused:
        funds_withdraw_request(seller_member, amount)
    assert (refused.value.code, refused.value.field) == (Code.INVALID_AMOUNT.value, "amount")
    assert FundsRequest.objects.count() == 0
